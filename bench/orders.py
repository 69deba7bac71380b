"""Orders per second through POST /api/v1/orders and /api/v1/orders/batch (5 lines each), and
the same inserts straight through asyncpg, in one run.

    .venv/bin/python -m bench.orders [--orders 2000] [--concurrency 64] [--seconds 10] [--workers 1 2]

The API runs as a separate `wms serve` process, measured with one worker and with two (one per
core), each against the same raw baseline measured in the same run. Single orders are posted
by wrk (Debian package `wrk`; `make bench` installs it), a C load generator, because a Python
client on the same 2 cores tops out near 400 requests/s and would measure itself; without wrk
the bench falls back to httpx and says so. Batches are posted by httpx (a few large calls). The
raw baseline runs the order + lines INSERT statement the service uses, with known SKU ids, one
order per statement (and transaction), at the same concurrency.
"""

import argparse
import asyncio
import os
import random
import re
import shutil
import subprocess
import time
from pathlib import Path

import asyncpg
import httpx
import msgspec

from bench._database import scratch_database
from bench._server import running_server
from schema.catalog import SkuCreate
from schema.channels import ChannelCreate
from server.inventory import catalog
from server.orders import channels
from server.orders.placing import INSERT_ORDERS

SKUS = 50
ADDRESS = {"name": "Ada Lovelace", "line1": "12 St James's Square", "city": "London", "postal_code": "SW1Y 4JH", "country": "GB"}


def make_order(tag: str, i: int, rng: random.Random) -> dict:
    skus = rng.sample(range(SKUS), 5)
    return {
        "external_id": f"{tag}-{i}",
        "ship_to": ADDRESS,
        "lines": [{"sku": f"S{s:03d}", "quantity": rng.randint(1, 5)} for s in skus],
    }


async def timed(coroutine) -> float:
    started = time.perf_counter()
    await coroutine
    return time.perf_counter() - started


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=64, help="HTTP connections, and asyncpg connections for raw")
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--seconds", type=int, default=10, help="how long wrk posts single orders")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="wms serve --workers to measure")
    args = parser.parse_args()
    rng = random.Random(1)

    async with scratch_database() as url:
        conn = await asyncpg.connect(url)
        for s in range(SKUS):
            await catalog.create_sku(conn, SkuCreate(code=f"S{s:03d}", description=f"Bench SKU {s}"))
        shop = await channels.create_channel(conn, ChannelCreate(name="bench"))
        sku_ids = {r["code"]: r["id"] for r in await conn.fetch("select id, code from skus")}
        await conn.close()
        pool = await asyncpg.create_pool(url, min_size=args.concurrency, max_size=args.concurrency)

        async def raw(tag: str) -> None:
            queue = iter(range(args.orders))

            async def worker() -> None:
                async with pool.acquire() as c:
                    for i in queue:
                        o = make_order(tag, i, rng)
                        await c.fetch(
                            INSERT_ORDERS, shop.channel.id, [o["external_id"]], [None],
                            [msgspec.json.encode(o["ship_to"]).decode()], ["standard"], [""], [5], [None], [""], [False],
                            [o["external_id"]] * 5, [1, 2, 3, 4, 5], [sku_ids[l["sku"]] for l in o["lines"]], [None] * 5,
                            [""] * 5, [l["quantity"] for l in o["lines"]],
                        )

            await asyncio.gather(*(worker() for _ in range(args.concurrency)))

        rows: list[tuple[str, float]] = []
        # The tables grow through the run and the rate with them falls, so the ceiling is taken
        # before and after the API runs and averaged.
        await raw("warm-raw")
        raw_before = args.orders / await timed(raw("raw-before"))
        for workers in args.workers:
            with running_server(url, workers) as base:
                headers = {"Authorization": f"Bearer {shop.api_key}"}
                limits = httpx.Limits(max_connections=args.concurrency)
                async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=60) as client:

                    async def single(tag: str, count: int) -> None:
                        queue = iter(range(count))

                        async def worker() -> None:
                            for i in queue:
                                response = await client.post("/api/v1/orders", json=make_order(tag, i, rng))
                                assert response.status_code == 201, response.text

                        await asyncio.gather(*(worker() for _ in range(args.concurrency)))

                    async def batches(tag: str) -> None:
                        for start in range(0, args.orders, args.batch_size):
                            orders = [make_order(tag, i, rng) for i in range(start, min(start + args.batch_size, args.orders))]
                            response = await client.post("/api/v1/orders/batch", json={"orders": orders})
                            assert response.json()["created"] == len(orders), response.text

                    await single(f"warm-{workers}", 200)
                    if shutil.which("wrk"):
                        rate = with_wrk(base, shop.api_key, args.concurrency, args.seconds, f"w{workers}")
                        rows.append((f"POST /api/v1/orders, {workers} worker(s) (wrk)", rate))
                    else:
                        rate = args.orders / await timed(single(f"api-{workers}", args.orders))
                        rows.append((f"POST /api/v1/orders, {workers} worker(s) (httpx)", rate))
                    rate = args.orders / await timed(batches(f"batch-{workers}"))
                    rows.append((f"POST /api/v1/orders/batch, {workers} worker(s)", rate))
        raw_after = args.orders / await timed(raw("raw-after"))
        raw_rate = (raw_before + raw_after) / 2
        rows.append((f"same INSERT via asyncpg (before {raw_before:.0f}, after {raw_after:.0f})", raw_rate))
        await pool.close()

    print(f"{args.concurrency} connections; batches of {args.batch_size}; 5 lines an order")
    print(f"{'path':<58}{'orders/s':>10}{'ratio to raw':>14}")
    for name, rate in rows:
        print(f"{name:<58}{rate:>10.0f}{rate / raw_rate:>14.2f}")


def with_wrk(base: str, api_key: str, connections: int, seconds: int, run: str) -> float:
    """Created orders per second under wrk; any answer but 201 fails the bench."""
    script = Path(__file__).with_name("orders_wrk.lua")
    result = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", str(script), base],
        capture_output=True, text=True, env=os.environ | {"WMS_BENCH_KEY": api_key, "WMS_BENCH_RUN": run}, check=True,
    )
    if "Non-2xx" in result.stdout or "Socket errors" in result.stdout:
        raise SystemExit("some orders were refused or not answered:\n" + result.stdout)
    return float(re.search(r"Requests/sec:\s+([\d.]+)", result.stdout).group(1))


if __name__ == "__main__":
    asyncio.run(main())
