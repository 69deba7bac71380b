"""Not enough stock: backordered, partially where the channel allows, and allocated when stock comes."""

from server.orders import reads, state
from tests.allocating import place, put, reserved_from
from tests.channels import key, make_channel, order
from tests.conftest import bearer


async def test_without_partial_shipment_a_short_line_reserves_nothing(conn):
    shop = await make_channel(conn)
    await put(conn, "BIN-1", 3)
    placed = await place(conn, shop, "B-1", [{"sku": "APPLE", "quantity": 5}])
    assert placed.status == "backordered"
    assert await reserved_from(conn, placed.id) == []


async def test_with_partial_shipment_a_short_line_reserves_what_there_is(conn):
    shop = await make_channel(conn)
    await put(conn, "BIN-1", 3)
    placed = await place(conn, shop, "B-2", [{"sku": "APPLE", "quantity": 5}], allow_partial=True)
    assert placed.status == "backordered"
    assert [(l.allocated, l.state) for l in placed.lines] == [(3, "backordered")]


async def test_arriving_stock_goes_to_the_waiting_orders_by_priority_then_ship_by_date(conn):
    shop = await make_channel(conn)
    late = await place(conn, shop, "LATE", [{"sku": "APPLE", "quantity": 4}], priority=5, ship_by="2030-02-01")
    urgent = await place(conn, shop, "URGENT", [{"sku": "APPLE", "quantity": 4}], priority=1)
    early = await place(conn, shop, "EARLY", [{"sku": "APPLE", "quantity": 4}], priority=5, ship_by="2030-01-01")

    async with conn.transaction():
        await put(conn, "BIN-1", 8)

    status = {o.external_id: (await reads.get_order(conn, o.id, None)).status for o in (late, urgent, early)}
    assert status == {"URGENT": "allocated", "EARLY": "allocated", "LATE": "backordered"}
    timeline = [t.event for t in (await reads.get_order(conn, urgent.id, None)).timeline]
    assert timeline == ["order.accepted", "order.backordered", "order.allocated"]


async def test_cancelling_gives_the_reserved_units_back(conn):
    shop = await make_channel(conn)
    await put(conn, "BIN-1", 5)
    placed = await place(conn, shop, "C-1", [{"sku": "APPLE", "quantity": 5}])
    assert await conn.fetchval("select reserved from stock") == 5
    async with conn.transaction():
        await state.cancel(conn, placed.id, None, "changed mind")
    assert await conn.fetchval("select reserved from stock") == 0
    assert await conn.fetchval("select count(*) from reservations") == 0
    second = await place(conn, shop, "C-2", [{"sku": "APPLE", "quantity": 5}])
    assert second.status == "allocated"


async def test_reserved_stock_cannot_be_written_off_or_moved_away(client, conn):
    shop = await make_channel(conn)
    await put(conn, "BIN-1", 5)
    await place(conn, shop, "R-1", [{"sku": "APPLE", "quantity": 4}])
    out = {"location": "BIN-1", "sku": "APPLE", "quantity": 2, "direction": "out", "reason": "damaged"}
    response = await client.post("/api/v1/stock/adjustments", json=out, headers=bearer("supervisor"))
    assert response.status_code == 409 and "only 1" in response.json()["detail"]
    assert await conn.fetchval("select quantity from stock") == 5


async def test_a_channel_that_allocates_on_release_waits_for_the_supervisor(client, conn):
    shop = await make_channel(conn, allocate_on="release")
    await put(conn, "BIN-1", 5)
    placed = (await client.post("/api/v1/orders", json=order("R-1"), headers=key(shop))).json()
    assert placed["status"] == "received" and await conn.fetchval("select sum(reserved) from stock") == 0

    allocated = await client.post(f"/api/v1/orders/{placed['id']}/allocate", headers=bearer("supervisor"))

    assert allocated.status_code == 200 and allocated.json()["status"] == "allocated"
    assert await conn.fetchval("select sum(reserved) from stock") == 2
