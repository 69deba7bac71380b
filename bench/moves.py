"""Moves per second through the stock service, and the same SQL straight through asyncpg.

    .venv/bin/python -m bench.moves [--moves 4000] [--workers 16]

Both runs use the same database, pool size, bins and number of concurrent workers, one after the
other in one process, so their ratio is meaningful on a shared, noisy machine.
"""

import argparse
import asyncio
import random
import time

import asyncpg

from bench._database import scratch_database
from schema.catalog import SkuCreate
from schema.locations import LocationCreate, WarehouseCreate
from schema.stock import Adjustment, Move
from server.core.idempotency import run_once
from server.inventory import catalog, locations, stock
from server.orders.allocation import allocate_waiting

BINS = 50


async def setup(conn) -> tuple[int, list[int]]:
    await locations.create_warehouse(conn, WarehouseCreate(code="B", name="Bench"))
    for i in range(BINS):
        await locations.create_location(conn, LocationCreate(warehouse="B", code=f"B{i:03d}", kind="bin", type="storage"))
    await catalog.create_sku(conn, SkuCreate(code="BENCH", description="Bench item"))
    for i in range(BINS):
        adjustment = Adjustment(location=f"B{i:03d}", sku="BENCH", quantity=1_000_000, direction="in", reason="found")
        await stock.adjust(conn, adjustment, (None, "bench"), allocate_waiting)
    bin_ids = [r["id"] for r in await conn.fetch("select id from locations where kind = 'bin' order by id")]
    return await conn.fetchval("select id from skus where code = 'BENCH'"), bin_ids


async def run(pool, workers: int, moves: int, one_move) -> float:
    counter = iter(range(moves))

    async def worker(seed: int) -> None:
        rng = random.Random(seed)
        async with pool.acquire() as conn:
            for _ in counter:
                a, b = rng.sample(range(BINS), 2)
                await one_move(conn, a, b)

    started = time.perf_counter()
    await asyncio.gather(*(worker(i) for i in range(workers)))
    return moves / (time.perf_counter() - started)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--moves", type=int, default=4000)
    parser.add_argument("--workers", type=int, default=16)
    args = parser.parse_args()

    async with scratch_database() as url:
        pool = await asyncpg.create_pool(url, min_size=args.workers, max_size=args.workers)
        async with pool.acquire() as conn:
            sku_id, bin_ids = await setup(conn)

        async def through_service(conn, a, b):
            data = Move(from_location=f"B{a:03d}", to_location=f"B{b:03d}", sku="BENCH", quantity=1)

            async def action():
                await stock.move(conn, data, (None, "bench"), allocate_waiting)
                return 201, b""

            await run_once(conn, "bench", None, b"", action)

        async def raw_sql(conn, a, b):
            async with conn.transaction():
                await conn.fetchrow(
                    stock.APPLY_MOVEMENT, bin_ids[a], sku_id, "", "", None, 1, bin_ids[b], "", "move", "", None
                )

        await run(pool, args.workers, 300, through_service)  # warm up prepared statements
        await run(pool, args.workers, 300, raw_sql)
        service = await run(pool, args.workers, args.moves, through_service)
        raw = await run(pool, args.workers, args.moves, raw_sql)
        async with pool.acquire() as conn:
            assert (await stock.check_ledger(conn)).consistent
        await pool.close()

    print(f"moves through the stock service: {service:8.0f} /s")
    print(f"same SQL straight via asyncpg:   {raw:8.0f} /s")
    print(f"ratio service / raw:             {service / raw:8.2f}")


if __name__ == "__main__":
    asyncio.run(main())
