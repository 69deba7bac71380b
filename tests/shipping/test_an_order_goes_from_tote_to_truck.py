"""The shipping desk's whole path through the API: a picked tote is scanned, a carton opened,
every item scanned into it, the carton weighed and closed (SSCC, tracking number), the order
shipped (stock leaves the ledger once, the channel hears order.shipped with tracking), and the
day closed into a manifest the driver signs."""

from server.inventory.stock import check_ledger
from tests.conftest import bearer
from tests.packing_floor import MILK, close, find, open_carton, picked, scan, ship


async def test_a_picked_order_is_packed_shipped_and_manifested(client, conn):
    [placed] = await picked(client, conn, [{"sku": "APPLE", "quantity": 2}, {"sku": "MILK", "quantity": 1}])
    view = await find(client, placed["tote"])
    assert (view["order_id"], view["totes"], view["can_ship"]) == (placed["id"], [placed["tote"]], False)
    assert [(l["sku"], l["to_pack"]) for l in view["lines"]] == [("APPLE", 2), ("MILK", 1)]
    assert view["suggestion"]["cartons"] == ["BOX-S"]

    carton = await open_carton(client, placed["id"])
    first = await scan(client, carton["id"], "s1")
    assert first.status_code == 200, first.text
    assert first.json()["message"] == "1 x APPLE packed, 1 more to pack"
    assert (await scan(client, carton["id"], "s2")).status_code == 200
    assert (await scan(client, carton["id"], "s3", item=MILK)).status_code == 200

    closed = await close(client, carton["id"], 150 + 2 * 1050 + 1030 + 20)
    assert closed.status_code == 200, closed.text
    box = closed.json()["carton"]
    assert box["status"] == "closed" and len(box["sscc"]) == 18 and box["sscc"].startswith("00614141")
    assert box["tracking_number"].startswith("WMS") and closed.json()["order"]["can_ship"]

    shipped = await ship(client, placed["id"])
    assert shipped.status_code == 201, shipped.text
    [shipment] = shipped.json()
    assert shipment["tracking_numbers"] == [box["tracking_number"]] and shipment["cartons"][0]["sscc"] == box["sscc"]
    assert sorted((l["sku"], l["quantity"], l["lot"]) for l in shipment["lines"]) == [("APPLE", 2, ""), ("MILK", 1, "L1")]

    order = (await client.get(f"/api/v1/orders/{placed['id']}", headers=bearer("supervisor"))).json()
    assert order["status"] == "shipped" and order["shipments"][0]["tracking_numbers"] == [box["tracking_number"]]
    assert [l["state"] for l in order["lines"]] == ["shipped", "shipped"]
    events = [r["type"] for r in await conn.fetch("select type from events where order_id = $1 order by id", placed["id"])]
    assert events[-2:] == ["order.packed", "order.shipped"]
    left = await conn.fetchval("select coalesce(sum(quantity), 0) from stock where lpn like 'CARTON-%' or lpn like 'TOTE-%'")
    assert left == 0
    assert (await check_ledger(conn)).consistent

    manifest = await client.post("/api/v1/manifests", json={"carrier": "own"}, headers=bearer("shipper"))
    assert manifest.status_code == 201, manifest.text
    assert (manifest.json()["status"], manifest.json()["cartons"]) == ("closed", 1)
    pdf = await client.get(f"/api/v1/manifests/{manifest.json()['id']}/pdf", headers=bearer("shipper"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
