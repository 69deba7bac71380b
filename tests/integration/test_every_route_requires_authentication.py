import pytest
from litestar.testing import AsyncTestClient

from server.app import create_app
from server.core.settings import Settings

# Store webhooks are authenticated by the store's signature instead (see test_store_webhooks.py).
PUBLIC = {"/health", "/api/v1/auth/badge", "/api/v1/auth/login", "/api/v1/channels/{channel}/{store}/orders"}


def api_operations() -> list[tuple[str, str]]:
    app = create_app(Settings(database_url="postgresql://unused"))
    spec = app.openapi_schema.to_schema()
    operations = []
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if path in PUBLIC:
                continue
            # a value of the right type for each path parameter, so routing reaches authentication
            concrete = path
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path":
                    value = "1" if parameter["schema"].get("type") == "integer" else "skus"
                    concrete = concrete.replace("{" + parameter["name"] + "}", value)
            operations.append((method.upper(), concrete))
    return operations


OPERATIONS = api_operations()


def test_the_api_has_operations_to_check():
    assert len(OPERATIONS) >= 15


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wms_s_forged"}, {"Authorization": "Basic YWRtaW46YWRtaW4="}])
async def test_every_route_but_health_and_login_refuses_a_caller_without_a_valid_token(client: AsyncTestClient, headers):
    for method, path in OPERATIONS:
        response = await client.request(method, path, headers=headers, json={})
        assert response.status_code == 401, (method, path, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.headers["www-authenticate"].startswith("Bearer")


async def test_health_answers_without_a_token(client):
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


async def test_an_options_request_lists_the_methods_of_every_route_and_never_fails(client):
    for path in sorted({path for _, path in OPERATIONS}):
        response = await client.options(path)
        assert response.status_code in (200, 204), (path, response.text)
        assert "allow" in response.headers
