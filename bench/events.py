"""Webhook delivery: events per second to a local receiver, and the delay from commit to delivery.

    .venv/bin/python -m bench.events [--events 3000] [--paced 300]

One Deliverer (what each server process runs) sends to a receiver in a separate process
(uvicorn, answering 204). Throughput: a backlog of events, committed at once, delivered to the
last. Delay: events committed one at a time, 10 ms apart, each timed from its commit to its
arrival at the receiver.
"""

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import asyncpg

from bench._database import scratch_database
from bench._server import free_port
from schema.channels import ChannelCreate, SubscriptionCreate
from server.core import outbox
from server.orders import channels
from server.orders.webhook_delivery import Deliverer

RECEIVER = '''
import json, os, time
log = open(os.environ["WMS_BENCH_ARRIVALS"], "a", buffering=1)
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body"):
        pass
    headers = dict(scope["headers"])
    log.write(json.dumps([headers[b"webhook-id"].decode(), time.time()]) + "\\n")
    await send({"type": "http.response.start", "status": 204, "headers": []})
    await send({"type": "http.response.body", "body": b""})
'''


class Arrivals:
    """The receiver's log, read on from where the last look stopped: re-reading it all every
    50 ms would cost the measuring process (which also runs the Deliverer) O(n^2) CPU."""

    def __init__(self, path: Path):
        self.path = path
        self.found: dict[str, float] = {}
        self._offset = 0

    def read(self) -> dict[str, float]:
        with self.path.open("rb") as f:
            f.seek(self._offset)
            chunk = f.read()
        complete = chunk[: chunk.rfind(b"\n") + 1]  # a line still being written waits for the next look
        self._offset += len(complete)
        for line in complete.splitlines():
            event_id, at = json.loads(line)
            self.found.setdefault(event_id, at)
        return self.found


async def wait_for(log: Arrivals, count: int, seconds: float = 120) -> dict[str, float]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = log.read()
        if len(found) >= count:
            return found
        await asyncio.sleep(0.05)
    raise SystemExit(f"only {len(log.read())} of {count} events arrived")


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=3000)
    parser.add_argument("--paced", type=int, default=300)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        app_file, log = Path(tmp) / "receiver_app.py", Path(tmp) / "arrivals.jsonl"
        app_file.write_text(RECEIVER)
        log.touch()
        arrived = Arrivals(log)
        port = free_port()
        receiver = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "receiver_app:app", "--port", str(port), "--log-level", "warning"],
            cwd=tmp, env=os.environ | {"PYTHONPATH": tmp, "WMS_BENCH_ARRIVALS": str(log)},
        )
        try:
            async with scratch_database() as url:
                pool = await asyncpg.create_pool(url, min_size=4, max_size=20)
                async with pool.acquire() as conn:
                    shop = await channels.create_channel(conn, ChannelCreate(name="bench"))
                    await channels.subscribe(conn, shop.channel.id, SubscriptionCreate(url=f"http://127.0.0.1:{port}/hooks"))
                await asyncio.sleep(1.0)  # the receiver starts
                worker = asyncio.create_task(Deliverer(pool, (1.0,)).run())

                async with pool.acquire() as conn, conn.transaction():
                    await outbox.emit_many(
                        conn, [("order.accepted", f"order:{i}", {"n": i}, shop.channel.id, None) for i in range(args.events)]
                    )
                started = time.time()
                await wait_for(arrived, args.events)
                rate = args.events / (time.time() - started)

                committed = {}
                async with pool.acquire() as conn:
                    for i in range(args.paced):
                        async with conn.transaction():
                            event_id = await outbox.emit(conn, "order.accepted", f"order:p{i}", {"n": i}, shop.channel.id)
                        committed[f"evt_{event_id}"] = time.time()
                        await asyncio.sleep(0.01)
                found = await wait_for(arrived, args.events + args.paced)
                delays = sorted((found[e] - t) * 1000 for e, t in committed.items())
                worker.cancel()
                await asyncio.gather(worker, return_exceptions=True)
                await pool.close()
        finally:
            receiver.terminate()
            receiver.wait()

    p99 = delays[min(len(delays) - 1, int(len(delays) * 0.99))]
    print(f"delivery throughput (backlog of {args.events}): {rate:8.0f} events/s")
    print(f"commit to delivery, {args.paced} paced events: median {statistics.median(delays):.1f} ms, p99 {p99:.1f} ms")


if __name__ == "__main__":
    asyncio.run(main())
