"""Zone picking: two pickers confirm an order's last two lines, one in each zone, at the same
moment. Each must see the other's line as it is once the other commits, so exactly one of them
finds the order fully picked and announces order.picked, on the one-statement path and the full one."""

import asyncio

import msgspec
import pytest

from schema.locations import LocationCreate
from schema.picking import PickConfirm, TripRequest, WaveRelease
from server.core.idempotency import run_once
from server.floor import confirmation, fast_confirmation, trips, waves
from server.floor.fast_confirmation import Confirmation
from server.inventory import locations
from server.inventory.stock import check_ledger
from tests.picking_floor import BARCODES, orders, stock

ROUNDS = 20


async def confirm(conn, user: tuple[int, str], task, scan_id: str, one_statement: bool) -> dict:
    data = PickConfirm(scan_id=scan_id, location=task.location_barcode, item=BARCODES[task.sku], count=task.quantity, tote=f"T-{user[1]}")
    request, scope = msgspec.json.encode(data), f"user:{user[0]}"
    if one_statement:
        stored = await fast_confirmation.confirm_once(conn, Confirmation(scope, request, task.id, data, user))
    else:
        async def full() -> tuple[int, bytes]:
            return 200, msgspec.json.encode(await confirmation.confirm(conn, task.id, data, user))

        stored = await run_once(conn, scope, scan_id, request, full)
    assert stored.status_code == 200, stored.body
    return msgspec.json.decode(stored.body)


@pytest.mark.parametrize("one_statement", [True, False], ids=["one statement", "full path"])
async def test_the_last_two_lines_confirmed_at_once_in_two_zones_announce_the_order_once(client, pool, one_statement):
    async with pool.acquire() as a, pool.acquire() as b:
        await locations.create_location(a, LocationCreate(warehouse="WH1", code="ZONE-B", kind="zone", type="storage"))
        await locations.create_location(
            a, LocationCreate(warehouse="WH1", code="B-1", kind="bin", type="pick_face", parent="ZONE-B", x=9.0, y=1.0)
        )
        await stock(client, "BIN-1", ROUNDS)
        await stock(client, "B-1", ROUNDS, "MILK", lot="L1", expiry="2031-01-01")
        placed = await orders(client, a, *[[{"sku": "APPLE", "quantity": 1}, {"sku": "MILK", "quantity": 1}]] * ROUNDS)
        pickers = [tuple(r) for r in await a.fetch("select id, username from users where role in ('picker', 'supervisor') order by id")]
        supervisor = pickers[1][0]

        for n, order in enumerate(placed):
            await waves.release_wave(a, WaveRelease(mode="zone", orders=[order["id"]]), supervisor)
            in_b = await trips.next_trip(b, TripRequest(zone="ZONE-B"), pickers[1])
            elsewhere = await trips.next_trip(a, TripRequest(), pickers[0])
            assert {in_b.tasks[0].order_id, elsewhere.tasks[0].order_id} == {order["id"]}

            answers = await asyncio.gather(
                confirm(a, pickers[0], elsewhere.tasks[0], f"a{n}", one_statement),
                confirm(b, pickers[1], in_b.tasks[0], f"b{n}", one_statement),
            )

            assert sorted(x["order_picked"] for x in answers) == [False, True], f"round {n}"
            announced = await a.fetchval("select count(*) from events where type = 'order.picked' and order_id = $1", order["id"])
            assert announced == 1, f"round {n}"
        assert (await check_ledger(a)).consistent
