"""A wave by filter takes only orders with reserved units no task covers yet: orders an earlier
wave released (still 'allocated' until their first pick) are not counted again nor use up
max_orders, and a wave that would release nothing says so instead of writing an empty wave."""

from tests.conftest import bearer
from tests.picking_floor import orders, stock


async def wave(client, **body):
    return await client.post("/api/v1/waves", json=body, headers=bearer("supervisor"))


async def test_a_second_filtered_wave_takes_the_next_orders_not_the_released_ones(client, conn):
    await stock(client, "BIN-1", 100)
    placed = await orders(client, conn, *[[{"sku": "APPLE", "quantity": 1}] for _ in range(6)])

    first = (await wave(client, max_orders=3)).json()
    second = (await wave(client, max_orders=3)).json()

    assert (first["orders"], second["orders"]) == (3, 3)
    tasked = [r["order_id"] for r in await conn.fetch("select order_id from pick_tasks order by order_id")]
    assert tasked == [o["id"] for o in placed]  # each order once


async def test_a_wave_with_nothing_new_to_release_is_a_409_and_writes_no_wave(client, conn):
    await stock(client, "BIN-1", 100)
    await orders(client, conn, [{"sku": "APPLE", "quantity": 1}])
    assert (await wave(client)).status_code == 201
    waves_before = await conn.fetchval("select count(*) from waves")

    again = await wave(client)

    assert again.status_code == 409 and "nothing to release" in again.json()["detail"]
    assert await conn.fetchval("select count(*) from waves") == waves_before


async def test_naming_an_order_already_on_the_floor_says_why_it_is_not_released(client, conn):
    await stock(client, "BIN-1", 100)
    first, second = await orders(client, conn, [{"sku": "APPLE", "quantity": 1}], [{"sku": "APPLE", "quantity": 2}])
    await wave(client, orders=[first["id"]])

    answer = (await wave(client, orders=[first["id"], second["id"]])).json()

    assert answer["orders"] == 1
    assert answer["not_released"] == [{"order_id": first["id"], "reason": "not waiting to be picked, or being changed"}]
