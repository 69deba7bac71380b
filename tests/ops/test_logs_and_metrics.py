"""Operations: `wms serve` logs one JSON object per line, each request's lines with its id, route,
user and device, and never a secret (PINs, passwords, session tokens, API keys); /metrics gives
request latency by route, orders received, scans confirmed and the webhook backlog, added up over
`--workers 2`, and asks for the metrics token when one is set."""

import json
import os
import signal
import subprocess
import sys

import httpx

from tests.channels import ADDRESS, make_channel
from tests.picking_floor import BARCODES, confirm, next_trip, orders, release, stock
from tests.seed import PASSWORD, PIN
from tests.serving import free_port, wait_healthy


def start(database_url: str, log_path, *args: str, **env: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "server.cli", "serve", "--port", str(port), *args],
                              env=os.environ | {"WMS_DATABASE_URL": database_url} | env,
                              stdout=subprocess.DEVNULL, stderr=open(log_path, "w"))  # the log is stderr
    wait_healthy(f"http://127.0.0.1:{port}/health", server)
    return server, f"http://127.0.0.1:{port}"


def stop(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    assert server.wait(timeout=30) == 0


async def test_every_log_line_is_json_with_its_request_and_no_secret_in_any(conn, database_url, tmp_path):
    shop = await make_channel(conn)
    server, base = start(database_url, tmp_path / "log", "--access-log")
    try:
        with httpx.Client(base_url=base, timeout=10) as http:
            assert http.post("/api/v1/auth/login", json={"username": "supervisor", "password": PASSWORD}).status_code == 201
            badge = http.post("/api/v1/auth/badge", json={"badge": "BADGE-PICKER", "pin": PIN}, headers={"X-Device": "hh-7"})
            assert badge.status_code == 201
            session = badge.json()["token"]
            wrong = http.post("/api/v1/auth/badge", json={"badge": "BADGE-PICKER", "pin": "0000"})
            assert wrong.status_code == 401
            placed = http.post("/api/v1/orders", headers={"Authorization": f"Bearer {shop.api_key}", "X-Request-ID": "req-42"},
                               json={"external_id": "L-1", "ship_to": ADDRESS, "lines": [{"sku": "APPLE", "quantity": 1}]})
            assert placed.status_code == 201 and placed.headers["x-request-id"] == "req-42"
            assert http.get("/api/v1/skus", headers={"Authorization": f"Bearer {session}", "X-Device": "hh-7"}).status_code == 200
    finally:
        stop(server)
    lines = (tmp_path / "log").read_text().splitlines()
    records = [json.loads(line) for line in lines if line.strip()]  # every line is one JSON object
    ordered = next(r for r in records if r.get("request_id") == "req-42" and r.get("event") == "request answered")
    assert (ordered["route"], ordered["status"], ordered["user"]) == ("/api/v1/orders", 201, "channel:webshop")
    looked = next(r for r in records if r.get("route") == "/api/v1/skus")
    assert (looked["user"], looked["device"]) == ("picker", "hh-7")
    text = "\n".join(lines)
    for secret in (PIN, PASSWORD, session, shop.api_key, "test-token-"):
        assert secret not in text, secret


async def test_metrics_add_up_over_two_workers_and_take_the_token_when_set(client, conn, database_url, tmp_path):
    await stock(client, "BIN-1", 10)
    await orders(client, conn, [{"sku": "APPLE", "quantity": 1}])
    await release(client)
    task = (await next_trip(client))["tasks"][0]
    assert (await confirm(client, task, "m-1", item=BARCODES["APPLE"])).status_code == 200
    shop = await make_channel(conn, "second")
    server, base = start(database_url, tmp_path / "log", "--workers", "2", WMS_METRICS_TOKEN="scrape-me")
    try:
        with httpx.Client(base_url=base, timeout=10) as http:
            for n in range(6):
                assert http.post("/api/v1/orders", headers={"Authorization": f"Bearer {shop.api_key}"},
                                 json={"external_id": f"M-{n}", "ship_to": ADDRESS, "lines": [{"sku": "APPLE", "quantity": 1}]}
                                 ).status_code == 201
            assert http.get("/metrics").status_code == 401
            scraped = [http.get("/metrics", headers={"Authorization": "Bearer scrape-me"}).text for _ in range(4)]
    finally:
        stop(server)
    for text in scraped:  # whichever worker answered, the figures of both
        assert "wms_orders_received_total 6.0" in text
        assert 'wms_http_request_duration_seconds_count{method="POST",route="/api/v1/orders",status="2xx"} 6.0' in text
        assert "wms_events_waiting" in text and "wms_db_pool_connections" in text
