"""A shift of load through HTTP, as the floor and the front office make it:

    .venv/bin/python -m bench.shift [--minutes 10] [--handhelds 200] [--channels 5]

200 handhelds picking (each its own picker: ask for a trip, then a scan every --think seconds,
the next trip) and 5 channels pushing orders (each --rate orders a second, 1 to 3 lines, each
with its Idempotency-Key), orders released to the floor waveless every second. The shift runs
twice on one database, first against `wms serve` with one process, then with `--workers 2`, in
the same run; halfway through the second, PostgreSQL is stopped for 5 s and started again. For
each: operations a second, p50 / p99 per operation, errors (anything but a 2xx, a "no work" 404,
or a 503 while the database is away: goal zero), the resident memory of each server process at
the start and the end, the time from PostgreSQL's start to the first answered operation, and the
operations lost (acknowledged but not in the database: goal zero).
"""

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import asyncpg
import httpx
import psutil

from schema.catalog import SkuBarcode, SkuCreate
from schema.locations import LocationCreate
from server.core.tokens import token_digest
from server.inventory import catalog, locations
from tests.faults.cluster import Cluster

ADDRESS = {"name": "Ada Lovelace", "line1": "12 St James's Square", "city": "London", "postal_code": "SW1Y 4JH", "country": "GB"}
SKUS = 200


def gtin(n: int) -> str:
    body = f"400638{n:06d}"
    odd = sum(int(d) for d in body[-1::-2])
    even = sum(int(d) for d in body[-2::-2])
    return body + str((10 - (3 * odd + even) % 10) % 10)


async def warehouse(url: str, handhelds: int, channels: int) -> tuple[list[str], list[str]]:
    """Pick faces with plenty of stock, handheld users and channels: their tokens and API keys."""
    conn = await asyncpg.connect(url)
    try:
        for n in range(SKUS):
            await locations.create_location(conn, LocationCreate(warehouse="WH1", code=f"PF-{n:03d}", kind="bin", type="pick_face",
                                                                 parent="ZONE-A", pick_sequence=100 + n, x=float(n % 40), y=float(n // 40)))
            await catalog.create_sku(conn, SkuCreate(code=f"S-{n:03d}", description=f"Item {n}", barcodes=[SkuBarcode(barcode=gtin(n))]))
        await conn.execute(
            "insert into stock (location_id, sku_id, quantity) select l.id, s.id, 1000000 from locations l"
            " join skus s on s.code = 'S-' || substr(l.code, 4) where l.code like 'PF-%'")
        await conn.execute(
            "insert into movements (reason, sku_id, to_location_id, quantity, reference) select 'opening', sku_id, location_id,"
            " quantity, 'bench' from stock where quantity = 1000000")
        tokens = []
        for n in range(handhelds):
            user = await conn.fetchval("insert into users (username, name, role) values ($1, $1, 'picker') returning id", f"hh{n}")
            await conn.execute("insert into sessions (token_hash, user_id, expires_at) values ($1, $2, now() + interval '1 day')",
                               token_digest(f"bench-hh{n}"), user)
            tokens.append(f"bench-hh{n}")
        from schema.channels import ChannelCreate
        from server.orders import channels as channel_service

        keys = [(await channel_service.create_channel(conn, ChannelCreate(name=f"shop{n}"))).api_key for n in range(channels)]
        return tokens, keys
    finally:
        await conn.close()


class Tally:
    def __init__(self) -> None:
        self.latencies: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}
        self.acknowledged_orders: set[str] = set()
        self.acknowledged_picks: set[str] = set()
        self.first_after_restart: float | None = None
        self.restarted_at: float | None = None

    def took(self, op: str, seconds: float) -> None:
        self.latencies.setdefault(op, []).append(seconds)
        if self.restarted_at is not None and self.first_after_restart is None:
            self.first_after_restart = time.monotonic() - self.restarted_at

    def error(self, op: str, what: str) -> None:
        self.errors[f"{op} {what}"] = self.errors.get(f"{op} {what}", 0) + 1


async def call(http: httpx.AsyncClient, tally: Tally, op: str, method: str, path: str, **kwargs) -> httpx.Response | None:
    """One operation, resent (same key or scan id) while the server or the database is away."""
    while True:
        started = time.monotonic()
        try:
            answer = await http.request(method, path, **kwargs)
        except httpx.TransportError as error:
            tally.error(op, type(error).__name__)
            await asyncio.sleep(0.5)
            continue
        if answer.status_code == 503 or (answer.status_code == 409 and "still being processed" in answer.text):
            await asyncio.sleep(0.5)
            continue
        if answer.is_success or (op == "next trip" and answer.status_code == 404):
            tally.took(op, time.monotonic() - started)
        else:
            tally.error(op, f"{answer.status_code} {answer.text[:120]}")
        return answer


async def handheld(http: httpx.AsyncClient, tally: Tally, token: str, think: float, until: float) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    await asyncio.sleep(random.random() * think)
    while time.monotonic() < until:
        trip = await call(http, tally, "next trip", "POST", "/api/v1/picking/next", headers=headers, json={})
        if trip.status_code != 200:
            await asyncio.sleep(1)
            continue
        for task in trip.json()["tasks"]:
            if task["status"] != "assigned" or time.monotonic() > until:
                continue
            await asyncio.sleep(think)
            scan_id = f"{token}-{task['id']}"
            body = {"scan_id": scan_id, "location": task["location_barcode"], "item": gtin(int(task["sku"][2:])),
                    "count": task["quantity"] - task["picked"], "tote": f"T-{task['order_id']}"}
            answer = await call(http, tally, "pick", "POST", f"/api/v1/picking/tasks/{task['id']}/confirm", headers=headers, json=body)
            if answer.status_code == 200:
                tally.acknowledged_picks.add(scan_id)


async def channel(http: httpx.AsyncClient, tally: Tally, api_key: str, name: str, rate: float, until: float) -> None:
    n = 0
    while time.monotonic() < until:
        started = time.monotonic()
        reference = f"{name}-{n}"
        lines = [{"sku": f"S-{n:03d}", "quantity": random.randint(1, 2)} for n in random.sample(range(SKUS), random.randint(1, 3))]
        answer = await call(http, tally, "order", "POST", "/api/v1/orders", json={"external_id": reference, "ship_to": ADDRESS,
                                                                                  "lines": lines},
                            headers={"Authorization": f"Bearer {api_key}", "Idempotency-Key": reference})
        if answer.status_code == 201:
            tally.acknowledged_orders.add(reference)
        n += 1
        await asyncio.sleep(max(0.0, 1 / rate - (time.monotonic() - started)))


def serve(url: str, port: int, workers: int, log: Path) -> subprocess.Popen:
    env = os.environ | {"WMS_DATABASE_URL": url, "WMS_WAVELESS_SECONDS": "1"}
    server = subprocess.Popen([sys.executable, "-m", "server.cli", "serve", "--port", str(port), "--workers", str(workers)],
                              env=env, stdout=subprocess.DEVNULL, stderr=open(log, "w"))
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1):
                return server
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit(f"wms serve did not start; see {log}")
            time.sleep(0.2)


def memory(server: subprocess.Popen) -> list[float]:
    """Resident MiB of each process that answers requests (the workers, or the one process)."""
    parent = psutil.Process(server.pid)
    workers = [p for p in parent.children() if "spawn_main" in " ".join(p.cmdline())] or [parent]
    return [round(p.memory_info().rss / 2**20) for p in workers]


async def shift(cluster: Cluster, workers: int, tokens: list[str], keys: list[str], args, restart: bool, logs: Path) -> dict:
    port = 18000 + workers
    server = serve(cluster.url, port, workers, logs / f"serve-{workers}.log")
    tally = Tally()
    started = time.monotonic()
    until = started + args.minutes * 60
    memory_at_start = memory(server)
    limits = httpx.Limits(max_connections=args.handhelds + args.channels + 10)

    async def outage() -> None:
        await asyncio.sleep(args.minutes * 30)
        await asyncio.to_thread(cluster.stop)
        await asyncio.sleep(5)
        await asyncio.to_thread(cluster.start)
        tally.restarted_at = time.monotonic()

    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30, limits=limits) as http:
        await asyncio.gather(
            *[handheld(http, tally, token, args.think, until) for token in tokens],
            *[channel(http, tally, key, f"w{workers}-c{n}", args.rate, until) for n, key in enumerate(keys)],
            *([outage()] if restart else []),
        )
    seconds = time.monotonic() - started
    memory_at_end = memory(server)
    server.terminate()
    server.wait(timeout=60)
    conn = await asyncpg.connect(cluster.url)
    try:
        stored = {r["external_id"] for r in await conn.fetch("select external_id from orders where external_id like $1",
                                                             f"w{workers}-%")}
        tasks = [int(scan.rsplit("-", 1)[1]) for scan in tally.acknowledged_picks]
        recorded = await conn.fetchval("select count(*) from pick_tasks where id = any($1::bigint[]) and picked > 0", tasks)
    finally:
        await conn.close()
    return {"seconds": seconds, "tally": tally, "memory": (memory_at_start, memory_at_end),
            "lost_orders": len(tally.acknowledged_orders - stored), "lost_picks": len(tasks) - recorded}


def report(workers: int, result: dict) -> None:
    tally = result["tally"]
    print(f"--- wms serve --workers {workers}: {result['seconds']:.0f} s, memory per process (MiB) "
          f"{result['memory'][0]} at the start, {result['memory'][1]} at the end")
    for op, values in sorted(tally.latencies.items()):
        ordered = sorted(values)
        print(f"  {op:<10} {len(values) / result['seconds']:8.1f} /s   p50 {statistics.median(ordered) * 1000:7.1f} ms"
              f"   p99 {ordered[int(len(ordered) * 0.99)] * 1000:7.1f} ms   ({len(values)})")
    print(f"  errors: {tally.errors or 'none'}; acknowledged {len(tally.acknowledged_orders)} orders, lost "
          f"{result['lost_orders']}; {len(tally.acknowledged_picks)} picks, lost {result['lost_picks']}")
    if tally.restarted_at is not None:
        print(f"  PostgreSQL stopped 5 s and started: first operation answered {tally.first_after_restart:.2f} s after its start")


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--handhelds", type=int, default=200)
    parser.add_argument("--channels", type=int, default=5)
    parser.add_argument("--rate", type=float, default=5, help="orders a second per channel")
    parser.add_argument("--think", type=float, default=1.0, help="seconds between a picker's scans")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wms-shift-") as tmp:
        cluster = await Cluster(Path(tmp) / "pg").prepare()
        try:
            tokens, keys = await warehouse(cluster.url, args.handhelds, args.channels)
            for workers, restart in ((1, False), (2, True)):
                report(workers, await shift(cluster, workers, tokens, keys, args, restart, Path(tmp)))
            check = subprocess.run([sys.executable, "-m", "server.cli", "check-ledger"], capture_output=True, text=True,
                                   env=os.environ | {"WMS_DATABASE_URL": cluster.url})
            print(f"wms check-ledger: {check.stdout.strip().splitlines()[0] if check.stdout else check.stderr[-300:]}")
        finally:
            cluster.close()


if __name__ == "__main__":
    asyncio.run(main())
