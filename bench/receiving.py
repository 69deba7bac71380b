"""Receiving's figures, through HTTP against `wms serve --workers 2`:

    .venv/bin/python -m bench.receiving [--docks 10] [--seconds 10] [--bins 1000] [--suggestions 300]

- receive scans: --docks docks (wrk, one connection each, each its own receiver on its own
  receipt) scanning an item's EAN-13 flat out, one unit a scan onto the dock's LPN: scans per
  second, median and p99 latency of every request (bench/receiving_wrk.lua);
- putaway suggestion for an LPN in a zone of --bins storage bins (half of them holding other
  SKUs, a few the same SKU and lot, some full): median and p99 of the suggestion itself (the
  service's SQL, in process) and of GET /api/v1/putaway/lpns/{lpn} through HTTP.
The scan run needs wrk (`make bench` installs it).
"""

import argparse
import asyncio
import time

import asyncpg
import httpx

from bench import _wrk as wrk
from bench._database import scratch_database
from bench._figures import quantiles
from bench._server import running_server
from bench.packing import user
from bench.picking import checkpoint
from schema.catalog import SkuBarcode, SkuCreate
from schema.locations import LocationCreate, WarehouseCreate
from schema.receiving import ReceiptCreate, ReceiptLineIn, ReceivingStart
from server.inventory import catalog, locations
from server.receiving import putaway, receipts, sessions

GTIN = "4006381333931"


async def docks(conn, count: int) -> list[dict]:
    """A dock, a receiver and a receipt started there, per dock."""
    await locations.create_warehouse(conn, WarehouseCreate(code="B", name="Bench"))
    await catalog.create_sku(conn, SkuCreate(code="APPLE", description="Apple juice 1 L", length_mm=250, width_mm=70, height_mm=70,
                                             weight_g=1050, barcodes=[SkuBarcode(barcode=GTIN)]))
    made = []
    for n in range(count):
        await locations.create_location(conn, LocationCreate(warehouse="B", code=f"DOCK-{n}", kind="area", type="receiving",
                                                             x=float(n * 5), y=0.0))
        receiver = await user(conn, f"receiver{n}", "receiver")
        async with conn.transaction():
            receipt = await receipts.create_receipt(
                conn, ReceiptCreate(reference=f"PO-{n}", lines=[ReceiptLineIn(sku="APPLE", quantity=100_000_000)]), None, None)
            await sessions.start(conn, ReceivingStart(dock=f"DOCK-{n}", receipt=f"PO-{n}"), receiver[:2])
        made.append({"token": receiver[2], "receipt": receipt.id})
    return made


async def zone(conn, bins: int) -> str:
    """A zone of `bins` storage bins on a grid beside the docks; every other bin holds another SKU,
    every 50th the same SKU and lot with room, every 7th is full (units capacity); an LPN of APPLE
    at DOCK-0 to suggest for. Returns the LPN."""
    await locations.create_location(conn, LocationCreate(warehouse="B", code="ZONE-R", kind="zone", type="storage"))
    zone_id = await conn.fetchval("select id from locations where code = 'ZONE-R'")
    warehouse = await conn.fetchval("select id from warehouses where code = 'B'")
    await conn.executemany(
        "insert into locations (warehouse_id, parent_id, code, barcode, kind, type, x, y, capacity)"
        " values ($1, $2, $3, $3, 'bin', 'storage', $4, $5, 100)",
        [(warehouse, zone_id, f"R-{n:04d}", float(n % 40), float(10 + n // 40)) for n in range(bins)])
    other = await conn.fetchval("insert into skus (code, description) values ('OTHER', 'Other') returning id")
    apple = await conn.fetchval("select id from skus where code = 'APPLE'")
    rows = []
    for n in range(bins):
        location = await conn.fetchval("select id from locations where code = $1", f"R-{n:04d}")
        if n % 50 == 0:
            rows.append((location, apple, 95 if n % 100 == 0 else 60))  # same SKU and lot; some nearly full
        elif n % 2 == 0:
            rows.append((location, other, 100 if n % 7 == 0 else 30))
    await conn.executemany(
        "insert into stock (location_id, sku_id, quantity) values ($1, $2, $3)", rows)
    await conn.executemany(
        "insert into movements (reason, sku_id, to_location_id, quantity) values ('opening', $2, $1, $3)", rows)
    dock = await conn.fetchval("select id from locations where code = 'DOCK-0'")
    await conn.execute("insert into stock (location_id, sku_id, lpn, quantity) values ($1, $2, 'LPN-BENCH', 400)", dock, apple)
    await conn.execute("insert into movements (reason, sku_id, to_location_id, to_lpn, quantity) values ('receipt', $2, $1, 'LPN-BENCH', 400)",
                       dock, apple)
    await conn.execute("analyze")
    return "LPN-BENCH"


def receive_scans(base: str, made: list[dict], seconds: float) -> tuple[int, int, float, float]:
    data = (f'return {{gtin = "{GTIN}", docks = {{'
            + ",".join(f'{{token = "{d["token"]}", receipt = {d["receipt"]}}}' for d in made) + "}}\n")
    counts = wrk.run("receiving_wrk.lua", data, len(made), seconds, base, zero=("refused",))
    return counts["received"], counts["refused"], counts["p50"] / 1000, counts["p99"] / 1000


async def suggestions(conn, lpn: str, times: int) -> tuple[list[float], int]:
    """Seconds per suggestion of the service itself; and how many bins the last one used."""
    row = await conn.fetchrow("select sku_id, lot, expiry, location_id, quantity from stock where lpn = $1", lpn)
    took, puts = [], []
    for _ in range(times):
        start = time.perf_counter()
        puts = await putaway.suggest(conn, row["sku_id"], row["lot"], row["expiry"], row["location_id"], row["quantity"])
        took.append(time.perf_counter() - start)
    return took, len(puts)


async def suggestions_http(base: str, token: str, lpn: str, times: int) -> list[float]:
    took = []
    async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30) as http:
        for _ in range(times):
            start = time.perf_counter()
            response = await http.get(f"/api/v1/putaway/lpns/{lpn}")
            took.append(time.perf_counter() - start)
            if response.status_code != 200:
                raise SystemExit(f"suggestion refused: {response.status_code} {response.text[:300]}")
    return took


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docks", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--bins", type=int, default=1000)
    parser.add_argument("--suggestions", type=int, default=300)
    args = parser.parse_args()
    async with scratch_database() as url:
        conn = await asyncpg.connect(url)
        started = time.perf_counter()
        made = await docks(conn, args.docks)
        lpn = await zone(conn, args.bins)
        await checkpoint(conn)
        print(f"set-up: {args.docks} docks with a receipt each, a zone of {args.bins} bins ({time.perf_counter() - started:.1f} s)")
        took, used = await suggestions(conn, lpn, args.suggestions)
        median, tail = quantiles(took)
        print(f"putaway suggestion, {args.bins}-bin zone, in process ({args.suggestions}, {used} bins suggested): "
              f"median {median:.1f} ms, p99 {tail:.1f} ms")
        with running_server(url, workers=2) as base:
            median, tail = quantiles(await suggestions_http(base, made[0]["token"], lpn, args.suggestions))
            print(f"putaway suggestion through HTTP (GET /api/v1/putaway/lpns/{{lpn}}): median {median:.1f} ms, p99 {tail:.1f} ms")
            received, _, p50, p99 = receive_scans(base, made, args.seconds)
            print(f"receive scans, {args.docks} docks flat out (wrk): {received / args.seconds:,.0f} scans/s, "
                  f"median {p50:.1f} ms, p99 {p99:.1f} ms")
        units = await conn.fetchval("select coalesce(sum(quantity), 0) from receipt_items")
        ledger = await conn.fetchval("select coalesce(sum(quantity), 0) from movements where reason = 'receipt' and to_lpn <> 'LPN-BENCH'")
        # wrk stops counting at its deadline; the scans it had sent by then are received all the same
        if units != ledger or units < received:
            raise SystemExit(f"answered {received} scans, but {units} units received and {ledger} in the ledger")
        await conn.close()


if __name__ == "__main__":
    asyncio.run(main())
