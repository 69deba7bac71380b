"""Every mutating route, fed bad input: a 4xx problem+json naming the field, and no row changed."""

import pytest

from tests.conftest import bearer

TABLES = ["users", "sessions", "warehouses", "locations", "skus", "sku_packs", "sku_barcodes", "stock", "movements", "idempotency_keys"]

GOOD_LOCATION = {"warehouse": "WH1", "code": "BIN-9", "kind": "bin", "type": "storage"}
GOOD_SKU = {"code": "PEAR", "description": "Pear", "barcodes": [{"barcode": "5012345678900"}]}
GOOD_ADJUSTMENT = {"location": "BIN-1", "sku": "APPLE", "quantity": 5, "direction": "in", "reason": "found"}
GOOD_MOVE = {"from_location": "BIN-1", "to_location": "BIN-2", "sku": "APPLE", "quantity": 1}
GOOD_USER = {"username": "zed", "name": "Zed", "role": "picker", "badge": "B-Z", "pin": "1234"}

# (path, body, field the problem must name, expected status)
CASES = [
    ("/api/v1/warehouses", {"code": "", "name": "x"}, "code", 400),
    ("/api/v1/warehouses", {"code": "WH1", "name": "again"}, None, 409),
    ("/api/v1/locations", GOOD_LOCATION | {"kind": "shelf"}, "kind", 400),
    ("/api/v1/locations", GOOD_LOCATION | {"warehouse": "NOPE"}, "warehouse", 422),
    ("/api/v1/locations", GOOD_LOCATION | {"parent": "NOPE"}, "parent", 422),
    ("/api/v1/locations", GOOD_LOCATION | {"capacity": 0}, "capacity", 400),
    ("/api/v1/locations", GOOD_LOCATION | {"colour": "red"}, "body", 400),
    ("/api/v1/locations", GOOD_LOCATION | {"code": "BIN-1"}, None, 409),
    ("/api/v1/skus", GOOD_SKU | {"barcodes": [{"barcode": "5012345678901"}]}, "barcodes[0].barcode", 422),
    ("/api/v1/skus", GOOD_SKU | {"barcodes": [{"barcode": "4006381333931"}]}, None, 409),
    ("/api/v1/skus", GOOD_SKU | {"barcodes": [{"barcode": "5012345678900", "pack": "case"}]}, "barcodes[0].pack", 422),
    ("/api/v1/skus", GOOD_SKU | {"weight_g": -1}, "weight_g", 400),
    ("/api/v1/skus", GOOD_SKU | {"packs": [{"level": "case", "quantity": 6}, {"level": "case", "quantity": 12}]}, "packs", 422),
    ("/api/v1/stock/adjustments", GOOD_ADJUSTMENT | {"quantity": 0}, "quantity", 400),
    ("/api/v1/stock/adjustments", GOOD_ADJUSTMENT | {"quantity": -3}, "quantity", 400),
    ("/api/v1/stock/adjustments", GOOD_ADJUSTMENT | {"quantity": "5"}, "quantity", 400),
    ("/api/v1/stock/adjustments", GOOD_ADJUSTMENT | {"quantity": 10**15}, "quantity", 400),
    ("/api/v1/stock/adjustments", GOOD_ADJUSTMENT | {"sku": "NOPE"}, "sku", 422),
    ("/api/v1/stock/adjustments", GOOD_ADJUSTMENT | {"location": "ZONE-A"}, "location", 422),
    ("/api/v1/stock/adjustments", GOOD_ADJUSTMENT | {"reason": "pick"}, "reason", 422),
    ("/api/v1/stock/adjustments", GOOD_ADJUSTMENT | {"sku": "MILK"}, "lot", 422),
    ("/api/v1/stock/adjustments", GOOD_ADJUSTMENT | {"sku": "MILK", "lot": "L1"}, "expiry", 422),
    ("/api/v1/stock/adjustments", GOOD_ADJUSTMENT | {"sku": "MILK", "lot": "L1", "expiry": "2030-02-30"}, "expiry", 400),
    ("/api/v1/stock/adjustments", GOOD_ADJUSTMENT | {"direction": "out", "reason": "damaged"}, None, 409),
    ("/api/v1/stock/moves", GOOD_MOVE, None, 409),
    ("/api/v1/stock/moves", GOOD_MOVE | {"to_location": "BIN-1"}, "to_location", 422),
    ("/api/v1/stock/moves", GOOD_MOVE | {"from_location": "NOWHERE"}, "from_location", 422),
    ("/api/v1/stock/moves", GOOD_MOVE | {"quantity": 1.5}, "quantity", 400),
    ("/api/v1/users", GOOD_USER | {"role": "king"}, "role", 400),
    ("/api/v1/users", GOOD_USER | {"pin": "12"}, "pin", 400),
    ("/api/v1/users", GOOD_USER | {"pin": None}, "pin", 422),
    ("/api/v1/users", GOOD_USER | {"username": "picker"}, None, 409),
]


async def row_counts(conn) -> dict[str, int]:
    return {t: await conn.fetchval(f"select count(*) from {t}") for t in TABLES}


@pytest.mark.parametrize("path, body, field, status", CASES)
async def test_bad_input_gets_a_problem_naming_the_field_and_changes_nothing(client, conn, path, body, field, status):
    before = await row_counts(conn)

    response = await client.post(path, json=body, headers=bearer("admin") | {"Idempotency-Key": "k1"})

    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == status and problem["title"] and problem["detail"]
    if field is not None:
        assert field in [e["field"] for e in problem["errors"]], problem
    assert await row_counts(conn) == before


@pytest.mark.parametrize("path", sorted({case[0] for case in CASES}))
@pytest.mark.parametrize("raw", [b"", b"{", b"[]", b"null", b'{"a": 1}', "\u00ff".encode("latin-1")])
async def test_a_body_that_is_not_the_right_json_is_a_400(client, conn, path, raw):
    before = await row_counts(conn)
    response = await client.post(path, content=raw, headers=bearer("admin") | {"Content-Type": "application/json"})
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert await row_counts(conn) == before


async def test_a_cursor_the_server_did_not_make_is_a_clear_error(client):
    response = await client.get("/api/v1/skus?cursor=%%%", headers=bearer("picker"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "cursor"


async def test_a_limit_out_of_range_is_a_clear_error(client):
    response = await client.get("/api/v1/skus?limit=0", headers=bearer("picker"))
    assert response.status_code == 400
    assert "limit" in response.json()["errors"][0]["field"]
