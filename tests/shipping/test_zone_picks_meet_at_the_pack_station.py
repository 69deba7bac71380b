"""An order picked in two zones arrives in two totes. Scanning either tote at the pack station
finds the order with both totes; its items are packed from whichever tote holds them, into one
carton, and both totes are empty afterwards."""

from schema.locations import LocationCreate
from server.inventory import locations
from tests.conftest import bearer
from tests.packing_floor import (
    APPLE,
    MILK,
    close,
    find,
    measure,
    open_carton,
    scan,
    ship,
)
from tests.picking_floor import BARCODES, confirm, next_trip, orders, release, stock


async def test_two_totes_of_one_order_are_packed_into_one_carton(client, conn):
    await measure(conn)
    await locations.create_location(conn, LocationCreate(warehouse="WH1", code="ZONE-B", kind="zone", type="storage"))
    await locations.create_location(conn, LocationCreate(warehouse="WH1", code="B-1", kind="bin", type="pick_face",
                                                         parent="ZONE-B", x=9.0, y=1.0))
    await stock(client, "BIN-1", 2)
    await stock(client, "B-1", 1, "MILK", lot="L1", expiry="2031-01-01")
    [placed] = await orders(client, conn, [{"sku": "APPLE", "quantity": 2}, {"sku": "MILK", "quantity": 1}])
    await release(client, mode="zone")
    for role, zone, tote in (("picker", "ZONE-A", "TOTE-A"), ("supervisor", "ZONE-B", "TOTE-B")):
        trip = await next_trip(client, role, zone=zone)
        for task in trip["tasks"]:
            done = await confirm(client, task, f"{tote}-{task['id']}", item=BARCODES[task["sku"]], tote=tote, role=role)
            assert done.status_code == 200, done.text

    view = await find(client, "TOTE-B")
    assert (view["order_id"], view["totes"]) == (placed["id"], ["TOTE-A", "TOTE-B"])
    carton = await open_carton(client, placed["id"])
    for n, item in enumerate((APPLE, MILK, APPLE)):
        assert (await scan(client, carton["id"], f"z{n}", item=item)).status_code == 200
    assert (await close(client, carton["id"], 150 + 2 * 1050 + 1030)).status_code == 200
    assert (await ship(client, placed["id"])).status_code == 201
    left = await conn.fetchval("select coalesce(sum(quantity), 0) from stock where lpn in ('TOTE-A', 'TOTE-B')")
    assert left == 0
    moved = await conn.fetch("select from_lpn, sum(quantity) as units from movements where reason = 'pack' group by 1 order by 1")
    assert [(r["from_lpn"], r["units"]) for r in moved] == [("TOTE-A", 2), ("TOTE-B", 1)]
    assert (await client.get(f"/api/v1/orders/{placed['id']}", headers=bearer("supervisor"))).json()["status"] == "shipped"
