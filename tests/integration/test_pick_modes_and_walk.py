"""Batch and zone picking, the walk order within a trip, replenishment ahead of picks, waveless."""

import asyncio

from litestar.testing import AsyncTestClient

from schema.locations import LocationCreate
from server.app import create_app
from server.core.settings import Settings
from server.floor.walk import Stop, brute_force_route, route_length
from server.floor.waves import warehouse_layout
from server.inventory import locations
from tests.conftest import bearer
from tests.picking_floor import confirm, next_trip, orders, release, stock


async def test_batch_picking_puts_several_orders_on_one_cart_with_a_tote_each(client, conn):
    await stock(client, "BIN-1", 50)
    await orders(client, conn, *[[{"sku": "APPLE", "quantity": 1}] for _ in range(5)])
    wave = await release(client, mode="batch", orders_per_trip=3)
    assert (wave["orders"], wave["trips"]) == (5, 2)
    trip = await next_trip(client)
    assert len(trip["tasks"]) == 3 and len({t["order_id"] for t in trip["tasks"]}) == 3
    for i, task in enumerate(trip["tasks"]):
        assert (await confirm(client, task, f"b{i}", tote=f"TOTE-{i}")).status_code == 200
    totes = await conn.fetch("select lpn from stock where lpn <> '' order by lpn")
    assert [r["lpn"] for r in totes] == ["TOTE-0", "TOTE-1", "TOTE-2"]


async def test_zone_picking_splits_an_order_by_zone(client, conn):
    await locations.create_location(conn, LocationCreate(warehouse="WH1", code="ZONE-B", kind="zone", type="storage"))
    await locations.create_location(
        conn, LocationCreate(warehouse="WH1", code="B-1", kind="bin", type="pick_face", parent="ZONE-B", x=9.0, y=1.0)
    )
    await stock(client, "BIN-1", 5)
    await stock(client, "B-1", 5, "MILK", lot="L1", expiry="2031-01-01")
    await orders(client, conn, [{"sku": "APPLE", "quantity": 1}, {"sku": "MILK", "quantity": 1}])
    wave = await release(client, mode="zone")
    assert wave["trips"] == 2
    in_b = await next_trip(client, zone="ZONE-B")
    assert [t["location"] for t in in_b["tasks"]] == ["B-1"]


async def test_a_trip_visits_its_bins_in_the_shortest_walking_order(client, conn):
    depths = {"BIN-1": 7.0, "BIN-2": 2.0, "BIN-3": 9.0, "BIN-4": 3.0}
    for code, y in depths.items():
        await conn.execute("update locations set y = $2 where code = $1", code, y)
        await stock(client, code, 5, "APPLE")
    await orders(client, conn, [{"sku": "APPLE", "quantity": 20}])
    await release(client)
    trip = await next_trip(client)

    layout = await warehouse_layout(conn, await conn.fetchval("select id from warehouses where code = 'WH1'"))
    points = {code: (float(code[-1]), y) for code, y in depths.items()}
    walked = route_length(layout, [layout.depot] + [points[t["location"]] for t in trip["tasks"]] + [layout.depot])
    best = brute_force_route(layout, [Stop(code, *point) for code, point in points.items()])
    assert walked == best.length


async def test_a_pick_face_below_its_minimum_gets_a_replenishment_before_the_next_picks(client, conn):
    await locations.create_location(conn, LocationCreate(warehouse="WH1", code="RES-1", kind="bin", type="storage", x=1.0, y=1.0))
    await stock(client, "BIN-1", 6)
    await stock(client, "RES-1", 48)
    rule = {"location": "BIN-1", "sku": "APPLE", "min_quantity": 5, "max_quantity": 20}
    assert (await client.post("/api/v1/replenishment-rules", json=rule, headers=bearer("supervisor"))).status_code == 201
    await orders(client, conn, [{"sku": "APPLE", "quantity": 4}], [{"sku": "APPLE", "quantity": 1}])
    await release(client, mode="discrete")
    first = await next_trip(client)
    await confirm(client, first["tasks"][0], "p1")

    replenishment = await next_trip(client, role="supervisor")

    task = replenishment["tasks"][0]
    assert (task["kind"], task["location"], task["to_location"], task["quantity"]) == ("replenish", "RES-1", "BIN-1", 18)
    assert (await confirm(client, task, "r1", role="supervisor", count=18)).status_code == 200
    assert await conn.fetchval("select quantity from stock st join locations l on l.id = st.location_id where l.code = 'BIN-1'") == 20


async def test_waveless_operation_sends_allocated_orders_to_the_floor_without_a_wave(database_url, conn):
    settings = Settings(database_url=database_url, pool_min=1, pool_max=10, waveless_seconds=0.1)
    async with AsyncTestClient(create_app(settings)) as floor:
        await stock(floor, "BIN-1", 5)
        await orders(floor, conn, [{"sku": "APPLE", "quantity": 2}])
        for _ in range(100):
            if await conn.fetchval("select count(*) from pick_tasks"):
                break
            await asyncio.sleep(0.05)
        trip = await next_trip(floor)
    assert [(t["location"], t["quantity"], t["order"]) for t in trip["tasks"]] == [("BIN-1", 2, "P-0")]
