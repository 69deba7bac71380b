"""A carton or pallet announced with its SSCC and content is received whole by one scan of its
label, onto its SSCC as the LPN; the same label again receives nothing, and an SSCC nobody
announced is refused with what to do instead. Receipts are idempotent by key and by reference."""

from server.inventory.stock import check_ledger
from tests.channels import key, make_channel
from tests.receiving.warehouse import NEXT_YEAR, SUPERVISOR, announce, footprint, on_hand, received, receipt_body, scan, start

SSCC = "106141411234567897"
OTHER = "006141411234567890"


async def test_one_scan_of_an_announced_sscc_receives_all_it_holds(client, conn):
    cartons = [{"sscc": SSCC, "content": [{"sku": "APPLE", "quantity": 12},
                                          {"sku": "MILK", "quantity": 4, "lot": "L3", "expiry": NEXT_YEAR.isoformat()}]}]
    receipt = await announce(client, cartons=cartons)
    assert (receipt["cartons"], receipt["cartons_received"]) == (1, 0)
    await start(client, "PO-1")

    done = await received(client, receipt["id"], "pallet", f"]C100{SSCC}")
    assert sorted((r["sku"], r["lot"], r["quantity"], r["lpn"]) for r in done["received"]) == [
        ("APPLE", "", 12, SSCC), ("MILK", "L3", 4, SSCC)]
    assert done["session"]["receipt"]["cartons_received"] == 1
    assert await on_hand(conn, "DOCK", "APPLE", SSCC) == 12 and await on_hand(conn, "DOCK", "MILK", SSCC) == 4
    assert await conn.fetchval("select count(*) from movements where reason = 'receipt'") == 2

    before = await footprint(conn)
    twice = await scan(client, receipt["id"], "pallet-again", f"]C100{SSCC}")
    assert twice.status_code == 409 and "received already" in twice.json()["detail"]
    unknown = await scan(client, receipt["id"], "other", f"]C100{OTHER}")
    assert unknown.status_code == 422 and "was not announced" in unknown.json()["detail"]
    assert await footprint(conn) == before
    assert (await check_ledger(conn)).consistent


async def test_receipts_are_idempotent_by_key_and_by_reference(client, conn):
    shop = await make_channel(conn, "purchasing")
    first = await client.post("/api/v1/receipts", json=receipt_body("ASN-9"), headers=key(shop, "k1"))
    assert first.status_code == 201, first.text
    replay = await client.post("/api/v1/receipts", json=receipt_body("ASN-9"), headers=key(shop, "k1"))
    assert replay.status_code == 201 and replay.json() == first.json() and replay.headers["Idempotent-Replayed"] == "true"
    again = await client.post("/api/v1/receipts", json=receipt_body("ASN-9"), headers=key(shop, "k2"))
    assert again.status_code == 409 and again.json()["receipt_id"] == first.json()["id"]
    # another sender may use the same number
    staff = await client.post("/api/v1/receipts", json=receipt_body("ASN-9"), headers=SUPERVISOR)
    assert staff.status_code == 201
    assert await conn.fetchval("select count(*) from receipts") == 2
    # a channel reads only its own
    mine = await client.get(f"/api/v1/receipts/{first.json()['id']}", headers=key(shop))
    theirs = await client.get(f"/api/v1/receipts/{staff.json()['id']}", headers=key(shop))
    assert (mine.status_code, theirs.status_code) == (200, 404)


async def test_bad_announcements_are_refused_naming_the_field(client, conn):
    cases = [
        (receipt_body(lines=[{"sku": "NOPE", "quantity": 1}]), "lines[0].sku"),
        (receipt_body(lines=[{"sku": "APPLE", "quantity": 1, "lot": "L1"}]), "lines[0].lot"),
        (receipt_body(cartons=[{"sscc": "106141411234567890", "content": [{"sku": "APPLE", "quantity": 1}]}]), "cartons[0].sscc"),
        (receipt_body(cartons=[{"sscc": SSCC, "content": [{"sku": "MILK", "quantity": 1}]}]), "cartons[0].content[0].lot"),
        (receipt_body(cartons=[{"sscc": SSCC, "content": [{"sku": "APPLE", "quantity": 1}]}] * 2), "cartons[1].sscc"),
    ]
    for body, field in cases:
        response = await client.post("/api/v1/receipts", json=body, headers=SUPERVISOR)
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == field
    assert await conn.fetchval("select count(*) from receipts") == 0
