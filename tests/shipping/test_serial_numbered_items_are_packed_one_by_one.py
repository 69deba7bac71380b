"""A SKU tracked by serial number is packed one scan a unit, each with its serial (GS1 AI 21 on
the same barcode, or typed beside it); a unit without its serial, or a serial already packed, is
refused and changes nothing; the shipment lists the serials."""

from tests.conftest import bearer
from tests.packing_floor import close, open_carton, picked, scan, ship

PHONE = "09506000134352"


async def test_each_unit_needs_its_own_serial_and_a_serial_ships_once(client, conn):
    created = await client.post("/api/v1/skus", json={
        "code": "PHONE", "description": "Phone", "tracks_serial": True, "length_mm": 160, "width_mm": 80, "height_mm": 40,
        "weight_g": 400, "barcodes": [{"barcode": PHONE}]}, headers=bearer("supervisor"))
    assert created.status_code == 201, created.text
    [placed] = await picked(client, conn, [{"sku": "PHONE", "quantity": 2}])
    carton = await open_carton(client, placed["id"])

    bare = await scan(client, carton["id"], "p0", item=f"]E0{PHONE[1:]}")
    assert (bare.status_code, bare.json()["errors"][0]["field"]) == (422, "serial")
    assert (await scan(client, carton["id"], "p1", item=f"]C101{PHONE}21SN-001")).status_code == 200
    twice = await scan(client, carton["id"], "p2", item=f"]C101{PHONE}21SN-001")
    assert twice.status_code == 409 and "serial SN-001 is packed already" in twice.json()["detail"]
    typed = await scan(client, carton["id"], "p3", item=f"]E0{PHONE[1:]}", serial="SN-002")
    assert typed.status_code == 200, typed.text
    assert await conn.fetchval("select sum(quantity) from carton_items") == 2

    await close(client, carton["id"], 1000)
    [shipment] = (await ship(client, placed["id"])).json()
    assert shipment["lines"][0]["serials"] == ["SN-001", "SN-002"]
