from tests.conftest import bearer


async def test_every_operation_has_an_operation_id_and_a_summary(client):
    spec = (await client.get("/schema/openapi.json")).json()
    operations = [(path, method, op) for path, item in spec["paths"].items() for method, op in item.items()]
    assert operations
    for path, method, op in operations:
        assert op.get("operationId") and op.get("summary"), (method, path)
    ids = [op["operationId"] for _, _, op in operations]
    assert len(ids) == len(set(ids))


async def test_the_interactive_api_page_is_served(client):
    page = await client.get("/schema")
    assert page.status_code == 200
    assert "swagger" in page.text.lower()


async def test_the_spec_declares_bearer_authentication(client):
    spec = (await client.get("/schema/openapi.json")).json()
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert (await client.get("/api/v1/auth/me", headers=bearer("admin"))).status_code == 200
