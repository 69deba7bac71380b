from tests.conftest import bearer
from tests.seed import APPLE_CASE_GTIN, APPLE_GTIN


async def test_a_gtin_13_is_stored_as_14_digits(client):
    sku = (await client.get("/api/v1/skus/APPLE", headers=bearer("picker"))).json()
    assert {b["barcode"] for b in sku["barcodes"]} == {"0" + APPLE_GTIN, APPLE_CASE_GTIN}


async def test_every_form_of_a_gtin_finds_the_sku(client, conn):
    await client.post(
        "/api/v1/skus",
        json={"code": "GUM", "description": "Gum", "barcodes": [{"barcode": "96385074"}, {"barcode": "036000291452"}]},
        headers=bearer("supervisor"),
    )
    for scanned in ("96385074", "00000096385074", "036000291452", "0036000291452", "00036000291452"):
        match = await client.get(f"/api/v1/barcodes/{scanned}", headers=bearer("picker"))
        assert match.status_code == 200, scanned
        assert match.json()["sku"] == "GUM"


async def test_a_case_barcode_counts_its_pack_quantity(client):
    match = (await client.get(f"/api/v1/barcodes/{APPLE_CASE_GTIN}", headers=bearer("picker"))).json()
    assert match == {"barcode": APPLE_CASE_GTIN, "sku": "APPLE", "pack": "case", "quantity": 12}


async def test_an_internal_code_is_kept_as_it_is(client):
    body = {"code": "BOLT", "description": "Bolt M6", "barcodes": [{"barcode": "bolt-m6", "kind": "internal"}]}
    assert (await client.post("/api/v1/skus", json=body, headers=bearer("supervisor"))).status_code == 201
    assert (await client.get("/api/v1/barcodes/bolt-m6", headers=bearer("picker"))).json()["sku"] == "BOLT"


async def test_a_gtin_with_a_wrong_check_digit_is_refused_with_the_reason(client):
    body = {"code": "BAD", "description": "Bad", "barcodes": [{"barcode": "4006381333932"}]}
    problem = (await client.post("/api/v1/skus", json=body, headers=bearer("supervisor"))).json()
    assert problem["errors"] == [{"field": "barcodes[0].barcode", "reason": problem["errors"][0]["reason"]}]
    assert "check digit" in problem["errors"][0]["reason"]


async def test_an_unknown_barcode_is_a_404_with_the_barcode_named(client):
    response = await client.get("/api/v1/barcodes/12345", headers=bearer("picker"))
    assert response.status_code == 404
    assert "12345" in response.json()["detail"]


async def test_sku_lists_page_with_a_cursor_until_the_end(client):
    for i in range(5):
        await client.post("/api/v1/skus", json={"code": f"P{i}", "description": "x"}, headers=bearer("supervisor"))
    seen, cursor = [], None
    while True:
        query = "?limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = (await client.get("/api/v1/skus" + query, headers=bearer("picker"))).json()
        seen += [s["code"] for s in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ["APPLE", "MILK", "P0", "P1", "P2", "P3", "P4"]
