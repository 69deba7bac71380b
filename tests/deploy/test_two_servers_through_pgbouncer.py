"""`wms serve --workers 2` through a real PgBouncer in transaction pooling (WMS_PGBOUNCER=1, four
server connections for the two processes' forty): channels place orders while pickers claim
trips and confirm picks, every call sent twice at once, and nothing fails; the ledger agrees, and
the webhook worker, listening straight to PostgreSQL (WMS_LISTEN_URL), delivers every event."""

import asyncio
import os
import signal
import subprocess
import sys

import asyncpg
import httpx

from server.inventory.stock import check_ledger
from tests.channels import ADDRESS, make_channel
from tests.conftest import bearer
from tests.integration.test_events_reach_channels import eventually
from tests.picking_floor import BARCODES, log_in
from tests.receiver import Receiver
from tests.serving import free_port, wait_healthy

CHANNELS, ORDERS, PICKERS = 4, 8, 6  # orders per channel, before the wave and again while picking


async def test_orders_and_picks_at_once_through_pgbouncer_with_two_server_processes(pgbouncer, database_url, tmp_path):
    conn = await asyncpg.connect(database_url)
    shops = [await make_channel(conn, f"shop-{n}") for n in range(CHANNELS)]
    pickers = []
    for n in range(PICKERS):
        await conn.execute("insert into users (username, name, role) values ($1, $1, 'picker')", f"p{n}")
        pickers.append(await log_in(conn, f"p{n}"))
    receivers = [Receiver(shop.webhook_secret) for shop in shops]
    port, log = free_port(), open(tmp_path / "server.log", "w+")
    env = os.environ | {"WMS_DATABASE_URL": pgbouncer.url(database_url), "WMS_PGBOUNCER": "1",
                        "WMS_LISTEN_URL": database_url, "WMS_POOL_MAX": "20"}
    server = subprocess.Popen([sys.executable, "-m", "server.cli", "serve", "--port", str(port), "--workers", "2"],
                              env=env, stdout=log, stderr=subprocess.STDOUT)
    answers: list[int] = []

    async def twice(send) -> httpx.Response:
        """A call sent twice at once (a retry that overtook the first): one answer, or the other told to wait."""
        first, second = await asyncio.gather(send(), send())
        answers.extend([first.status_code, second.status_code])
        assert {first.status_code, second.status_code} <= {200, 201, 409}, (first.text, second.text)
        return first if first.status_code != 409 else second

    async def channel(http: httpx.AsyncClient, n: int, batch: str) -> None:
        for i in range(ORDERS):
            key = f"{batch}-{n}-{i}"
            headers = {"Authorization": f"Bearer {shops[n].api_key}", "Idempotency-Key": key}
            body = {"external_id": key, "ship_to": ADDRESS, "lines": [{"sku": "APPLE", "quantity": 2}]}
            assert (await twice(lambda: http.post("/api/v1/orders", json=body, headers=headers))).status_code == 201

    async def picker(http: httpx.AsyncClient, headers: dict) -> int:
        picked = 0
        while (trip := await http.post("/api/v1/picking/next", json={}, headers=headers)).status_code == 200:
            for task in trip.json()["tasks"]:
                body = {"scan_id": f"{headers['Authorization']}-{task['id']}", "location": task["location_barcode"],
                        "item": BARCODES[task["sku"]], "count": task["quantity"], "tote": f"T-{trip.json()['trip']}"}
                url = f"/api/v1/picking/tasks/{task['id']}/confirm"
                assert (await twice(lambda: http.post(url, json=body, headers=headers))).status_code == 200
                picked += task["quantity"]
        assert trip.status_code == 404, trip.text  # no work left
        return picked

    try:
        await asyncio.to_thread(wait_healthy, f"http://127.0.0.1:{port}/health", server)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
            for shop, receiver in zip(shops, receivers):
                subscribed = await http.post("/api/v1/webhooks", json={"url": receiver.url, "event_types": ["order.accepted"]},
                                             headers={"Authorization": f"Bearer {shop.api_key}"})
                assert subscribed.status_code == 201, subscribed.text
            for location in ("BIN-1", "BIN-2"):
                adjusted = await http.post("/api/v1/stock/adjustments", headers=bearer("supervisor"), json={
                    "location": location, "sku": "APPLE", "quantity": 500, "direction": "in", "reason": "found"})
                assert adjusted.status_code == 201, adjusted.text
            await asyncio.gather(*(channel(http, n, "A") for n in range(CHANNELS)))
            wave = await http.post("/api/v1/waves", json={"mode": "discrete"}, headers=bearer("supervisor"))
            assert wave.status_code == 201, wave.text
            work = await asyncio.gather(*(picker(http, headers) for headers in pickers),
                                        *(channel(http, n, "B") for n in range(CHANNELS)))
            await eventually(lambda: sum(len(r.accepted) for r in receivers) == 2 * CHANNELS * ORDERS)
            backends = await conn.fetch("select query from pg_stat_activity where datname = current_database()")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        for receiver in receivers:
            receiver.stop()

    # each process listens straight to PostgreSQL; all else shares PgBouncer's four server connections
    assert sum(b["query"].startswith("LISTEN") for b in backends) == 2, backends
    assert len(backends) <= 4 + 2 + 1, backends  # and this test's own
    try:
        assert sum(w for w in work if w) == 2 * CHANNELS * ORDERS  # every order of the wave, 2 apples each
        assert await conn.fetchval("select count(*) from orders") == 2 * CHANNELS * ORDERS
        assert await conn.fetchval("select count(*) from movements where reason = 'pick'") == CHANNELS * ORDERS
        assert await conn.fetchval("select count(*) from events where type = 'order.picked'") == CHANNELS * ORDERS
        assert (await check_ledger(conn)).consistent
        for receiver in receivers:  # each event once
            assert len({e["id"] for e in receiver.accepted}) == len(receiver.accepted) == 2 * ORDERS
    finally:
        await conn.close()
    log.seek(0)
    output = log.read()
    assert server.returncode == 0 and "Traceback" not in output and '"level": "error"' not in output, output
