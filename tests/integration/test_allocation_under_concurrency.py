"""Invariant 2 under real concurrency: reserved never exceeds on hand, no unit promised twice."""

import asyncio
import random

from tests.allocating import place, put
from tests.channels import make_channel


async def test_a_hundred_concurrent_orders_on_the_same_skus_never_oversell(pool):
    async with pool.acquire() as conn:
        shop = await make_channel(conn)
        for location in ("BIN-1", "BIN-2", "BIN-3"):
            await put(conn, location, 40, "APPLE")
    rng = random.Random(5)

    async def one(i: int) -> None:
        lines = [{"sku": "APPLE", "quantity": rng.randint(1, 4)}]
        async with pool.acquire() as conn:
            await place(conn, shop, f"C-{i}", lines, allow_partial=bool(i % 2))

    await asyncio.gather(*(one(i) for i in range(100)))

    async with pool.acquire() as conn:
        assert await conn.fetchval("select count(*) from stock where reserved > quantity") == 0
        on_hand = await conn.fetchval("select sum(quantity) from stock")
        reserved = await conn.fetchval("select sum(reserved) from stock")
        allocated = await conn.fetchval("select sum(allocated) from order_lines")
        demand = await conn.fetchval("select sum(quantity) from order_lines")
        by_reservation = await conn.fetchval(
            "select count(*) from order_lines l where allocated <> (select coalesce(sum(quantity), 0) from reservations r where r.order_line_id = l.id)"
        )
        per_row = await conn.fetchval(
            "select count(*) from stock st where reserved <> (select coalesce(sum(quantity - picked), 0) from reservations r where r.stock_id = st.id)"
        )
    assert reserved == allocated <= on_hand == 120
    assert demand > on_hand, "the test should have asked for more than there is"
    assert allocated >= on_hand - 4 * 1, "allocation should use up (nearly) all stock"
    assert by_reservation == 0 and per_row == 0


async def test_two_orders_racing_for_the_last_units_do_not_both_get_them(pool):
    async with pool.acquire() as conn:
        shop = await make_channel(conn)
        await put(conn, "BIN-1", 5)

    async def order(tag: str):
        async with pool.acquire() as conn:
            return await place(conn, shop, tag, [{"sku": "APPLE", "quantity": 5}])

    first, second = await asyncio.gather(order("A"), order("B"))
    assert sorted([first.status, second.status]) == ["allocated", "backordered"]
