"""The handheld's figures, through its real parts:

    .venv/bin/python -m bench.handheld [--queued 10000] [--scans 500]

- scan to result: a scan written to a pty (the scanner's device file), read by the app's
  SerialScanner, checked by the pick flow and queued: median and p99 (goal p99 under 100 ms);
- an offline queue of --queued pick scans (one unit each, of one large task) replayed to a real
  `wms serve`: the time, and proof that none was lost or done twice (the task's picked units,
  the ledger rows, the scan ids the server holds; then the whole queue sent again moves nothing);
- cold start of the app to its login screen, offscreen.
"""

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import asyncpg
import msgspec

from bench._database import scratch_database
from bench._server import running_server
from handheld.client import ApiClient
from handheld.flows.picking import PickFlow
from handheld.offline import OfflineQueue, drain
from handheld.scanner import SerialScanner
from schema.catalog import SkuBarcode, SkuCreate
from schema.channels import ChannelCreate
from schema.locations import LocationCreate, WarehouseCreate
from schema.orders import OrderCreate
from schema.picking import PickConfirm, TripRequest, WaveRelease
from schema.stock import Adjustment
from server.core.tokens import token_digest
from server.floor import waves
from server.inventory import catalog, locations, stock
from server.orders import allocation, channels, placing

GTIN = "4006381333931"
ROOT = Path(__file__).resolve().parent.parent


async def one_big_task(conn, units: int) -> str:
    """A warehouse with one bin of one SKU, an order for `units` of it released as one task, and a
    picker's session token."""
    await locations.create_warehouse(conn, WarehouseCreate(code="B", name="Bench"))
    await locations.create_location(conn, LocationCreate(warehouse="B", code="PACK-1", kind="area", type="packing"))
    await locations.create_location(conn, LocationCreate(warehouse="B", code="BIN-1", kind="bin", type="pick_face", barcode="BIN-1"))
    await catalog.create_sku(conn, SkuCreate(code="APPLE", description="Apple juice", barcodes=[SkuBarcode(barcode=GTIN)]))
    await stock.adjust(conn, Adjustment(location="BIN-1", sku="APPLE", quantity=units * 2, direction="in", reason="found"),
                       (None, "bench"), allocation.allocate_waiting)
    shop = await channels.create_channel(conn, ChannelCreate(name="bench"))
    address = {"name": "A", "line1": "B", "city": "C", "postal_code": "1", "country": "GB"}
    order = msgspec.convert({"external_id": "BIG", "ship_to": address, "lines": [{"sku": "APPLE", "quantity": units}]}, OrderCreate)
    async with conn.transaction():
        await placing.create_order(conn, (shop.channel.id, "bench"), order)
        await waves.release_wave(conn, WaveRelease(mode="discrete"), None)
    user = await conn.fetchval("insert into users (username, name, role) values ('hh', 'hh', 'picker') returning id")
    await conn.execute("insert into sessions (token_hash, user_id, expires_at) values ($1, $2, now() + interval '1 day')",
                       token_digest("bench-hh"), user)
    return "bench-hh"


def scan_to_result(base: str, token: str, scans: int, data: Path) -> list[float]:
    """Seconds from a scan's bytes on the pty to the pick screen's next view."""
    flow = PickFlow(ApiClient(base, token), OfflineQueue(data / "latency.sqlite"), "bench")
    flow.start()
    task = flow.trip.tasks[0]
    flow.scan("TOTE-1")
    flow.scan(task.location_barcode)
    master, slave = os.openpty()
    done = threading.Event()
    latencies: list[float] = []
    sent_at: list[float] = []

    def sink(scan) -> None:
        flow.scan(scan.raw)
        latencies.append(time.perf_counter() - sent_at[len(latencies)])
        if len(latencies) == scans:
            done.set()

    scanner = SerialScanner(os.ttyname(slave), sink)
    scanner.start()
    while scanner.state != "connected":
        time.sleep(0.01)
    for _ in range(scans):
        sent_at.append(time.perf_counter())
        os.write(master, f"]E0{GTIN}\r".encode())
        time.sleep(0.02)  # a picker does not scan faster than this
    done.wait(30)
    scanner.stop()
    os.close(master)
    os.close(slave)
    return latencies


def cold_start(base: str, data: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, str(ROOT / "tests/handheld/drive_app.py"), base, str(data / "app"), str(data / "shots"), json.dumps([["shot", "login"]])],
        check=True, capture_output=True, cwd=ROOT,
        env=os.environ | {"SDL_VIDEODRIVER": "offscreen", "SDL_AUDIODRIVER": "dummy", "KIVY_HOME": str(data / "kivy")},
    )
    return time.perf_counter() - started


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queued", type=int, default=10_000)
    parser.add_argument("--scans", type=int, default=500)
    args = parser.parse_args()
    async with scratch_database() as url:
        conn = await asyncpg.connect(url)
        token = await one_big_task(conn, args.queued + args.scans + 10)
        with tempfile.TemporaryDirectory() as tmp, running_server(url) as base:
            data = Path(tmp)
            latencies = await asyncio.to_thread(scan_to_result, base, token, args.scans, data)
            api = ApiClient(base, token)
            task = api.next_trip(TripRequest()).tasks[0]
            picked_before = await conn.fetchval("select picked from pick_tasks where id = $1", task.id)
            moves_before = await conn.fetchval("select count(*) from movements where reason = 'pick'")
            queue = OfflineQueue(data / "replay.sqlite")
            for n in range(args.queued):
                ApiClient.queue_confirm(queue, task.id, PickConfirm(scan_id=f"replay-{n}", location="BIN-1", item=GTIN, count=1,
                                                                     tote="TOTE-1"))
            started = time.perf_counter()
            drained = await asyncio.to_thread(drain, queue, api.http)
            replay_seconds = time.perf_counter() - started
            picked = await conn.fetchval("select picked from pick_tasks where id = $1", task.id) - picked_before
            moves = await conn.fetchval("select count(*) from movements where reason = 'pick'") - moves_before
            keys = await conn.fetchval("select count(*) from idempotency_keys where key like 'replay-%'")
            # the app killed before it wrote any answer down: the whole queue goes again
            await asyncio.to_thread(lambda: [queue.settle(a.seq, "waiting", 0, b"") for a in queue.actions()])
            again = await asyncio.to_thread(drain, queue, api.http)
            moves_after = await conn.fetchval("select count(*) from movements where reason = 'pick'") - moves_before
            start_seconds = await asyncio.to_thread(cold_start, base, data)
        await conn.close()

    ordered = sorted(latencies)
    print(f"scan to result ({len(ordered)} scans on a pty, pick flow, offline queue): "
          f"median {statistics.median(ordered) * 1000:.1f} ms, p99 {ordered[int(len(ordered) * 0.99)] * 1000:.1f} ms")
    print(f"{args.queued} queued scans replayed in {replay_seconds:.1f} s ({args.queued / replay_seconds:.0f} /s): "
          f"sent {drained.sent}, refused {drained.refused}; units picked {picked}, ledger rows {moves}, scan ids held {keys}")
    print(f"the whole queue sent again: sent {again.sent}, ledger rows after {moves_after} (none lost, none twice: "
          f"{picked == moves == keys == args.queued and moves_after == moves})")
    print(f"app cold start to the login screen (offscreen, with a screenshot): {start_seconds:.1f} s")


if __name__ == "__main__":
    asyncio.run(main())
