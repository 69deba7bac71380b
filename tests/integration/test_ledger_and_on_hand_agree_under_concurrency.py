"""Invariant 1 and 2: the ledger and on-hand agree, and on-hand never goes negative, however
many moves and adjustments race each other on real PostgreSQL."""

import asyncio
import random

from schema.stock import Adjustment, Move
from server.core.idempotency import run_once
from server.core.problems import InsufficientStock
from server.inventory import stock
from server.orders.allocation import allocate_waiting
from tests.seed import BINS


async def stock_in(pool, location: str, quantity: int, sku: str = "APPLE") -> None:
    async with pool.acquire() as conn, conn.transaction():
        await stock.adjust(conn, Adjustment(location=location, sku=sku, quantity=quantity, direction="in", reason="found"), (1, "admin"), allocate_waiting)


async def total_on_hand(pool, sku: str = "APPLE") -> int:
    return await pool.fetchval(
        "select coalesce(sum(quantity), 0) from stock join skus on skus.id = stock.sku_id where skus.code = $1", sku
    )


async def test_hundreds_of_concurrent_random_moves_keep_the_ledger_and_on_hand_in_agreement(pool):
    for location in BINS:
        await stock_in(pool, location, 25)
    rng = random.Random(42)
    refused = 0

    async def one_move(i: int) -> None:
        nonlocal refused
        source, target = rng.sample(BINS, 2)
        data = Move(from_location=source, to_location=target, sku="APPLE", quantity=rng.randint(1, 15))
        async with pool.acquire() as conn:
            try:
                # run_once is the transaction the API uses, with its deadlock retry
                await run_once(conn, "test", None, b"", lambda: _move(conn, data))
            except InsufficientStock:
                refused += 1

    await asyncio.gather(*(one_move(i) for i in range(300)))

    async with pool.acquire() as conn:
        check = await stock.check_ledger(conn)
        assert check.consistent, check.mismatches
        assert check.rows_checked >= len(BINS)
        assert await conn.fetchval("select min(quantity) from stock") >= 0
        moved = await conn.fetchval("select count(*) from movements where reason = 'move'")
    assert moved + refused == 300
    assert refused > 0, "the test should have made some moves run out of stock"
    assert await total_on_hand(pool) == 100


async def _move(conn, data):
    await stock.move(conn, data, (1, "admin"), allocate_waiting)
    return 201, b""


async def test_fifty_pickers_taking_the_last_ten_units_leave_exactly_zero(pool):
    await stock_in(pool, "BIN-1", 10)

    async def take_one() -> bool:
        async with pool.acquire() as conn, conn.transaction():
            try:
                await stock.adjust(
                    conn, Adjustment(location="BIN-1", sku="APPLE", quantity=1, direction="out", reason="lost"), (1, "admin"), allocate_waiting
                )
                return True
            except InsufficientStock:
                return False

    taken = await asyncio.gather(*(take_one() for _ in range(50)))

    assert sum(taken) == 10
    assert await total_on_hand(pool) == 0
    async with pool.acquire() as conn:
        assert (await stock.check_ledger(conn)).consistent


async def test_the_ledger_cannot_be_edited_or_deleted(pool):
    await stock_in(pool, "BIN-1", 4)
    for statement in ("update movements set quantity = 1", "delete from movements", "truncate movements cascade"):
        try:
            await pool.execute(statement)
        except Exception as error:  # noqa: BLE001 - any refusal will do; what matters is the row survives
            assert "append-only" in str(error)
        else:
            raise AssertionError(f"{statement} was allowed")
    assert await pool.fetchval("select count(*) from movements") == 1


async def test_stock_without_a_ledger_row_is_reported_by_the_check(pool):
    await stock_in(pool, "BIN-1", 4)
    await pool.execute("update stock set quantity = quantity + 1")
    async with pool.acquire() as conn:
        check = await stock.check_ledger(conn)
    assert not check.consistent
    assert check.mismatches[0]["ledger"] == 4 and check.mismatches[0]["on_hand"] == 5
