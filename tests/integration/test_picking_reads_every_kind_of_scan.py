"""A picker's scanner may send AIM identifiers (which GS1 detection needs), GS1-128, DataMatrix,
DotCode or a Digital Link in a QR code: pick confirmation reads them all through the one scan
parser, and a scan that claims to be GS1 but is broken is a 422 a picker can read, never a 500."""

import pytest

from tests.picking_floor import confirm, next_trip, orders, release, stock

APPLE = "4006381333931"
MILK_GTIN = "05901234123457"


async def apple_task(client, conn, quantity: int = 3) -> dict:
    await stock(client, "BIN-1", 10)
    await orders(client, conn, [{"sku": "APPLE", "quantity": quantity}])
    await release(client)
    return (await next_trip(client))["tasks"][0]


@pytest.mark.parametrize(
    "item",
    [f"]E0{APPLE}", f"]C0{APPLE}", f"]C101{'0' + APPLE}21SER-9", f"]d201{'0' + APPLE}", f"]J101{'0' + APPLE}",
     f"]Q1https://id.gs1.org/01/0{APPLE}", f"]e001{'0' + APPLE}"],
)
async def test_an_item_scanned_with_a_symbology_identifier_is_picked(client, conn, item):
    task = await apple_task(client, conn, 1)
    response = await confirm(client, task, "s1", item=item, location="]C0" + task["location_barcode"])
    assert response.status_code == 200, response.text
    assert response.json()["order_picked"] is True


@pytest.mark.parametrize(
    "item, words",
    [
        (f"]C101{'0' + APPLE[:-1]}2", "wrong check digit"),
        (f"01{'0' + APPLE}1799133110A", "expiration date"),
        (f"]C101{'0' + APPLE}10" + "L" * 25, "too long"),
        ("]C100376104250021234569", "carton label"),
        ("]E04006381333932", "wrong check digit"),
    ],
)
async def test_a_broken_gs1_scan_is_a_422_naming_the_item_with_a_reason(client, conn, item, words):
    task = await apple_task(client, conn)
    response = await confirm(client, task, "s1", item=item, count=1)
    assert response.status_code == 422, response.text
    error = response.json()["errors"][0]
    assert error["field"] == "item" and words in error["reason"]
    assert await conn.fetchval("select count(*) from movements where reason = 'pick'") == 0


async def test_the_barcode_lookup_reads_a_raw_scan_too(client, conn):
    from tests.conftest import bearer

    for scan in (f"]E0{APPLE}", f"]C101{'0' + APPLE}10LOT"):
        found = await client.get(f"/api/v1/barcodes/{scan}", headers=bearer("picker"))
        assert found.status_code == 200 and found.json()["sku"] == "APPLE", found.text
