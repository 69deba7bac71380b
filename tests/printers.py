"""Shared by the test_print_* files: sample labels, a fast retry policy, emulators, printers.

(No tests here; the fixtures are imported by the files that use them.)
"""

import asyncio
import time

import pytest

from labels.emulator import EmulatorThread
from server.printing import policy
from tests.conftest import bearer
from tests.serving import free_port  # noqa: F401 (the printer tests take it from here)

SHIPPING = {
    "kind": "shipping",
    "ship_from": {"name": "Lagerhaus Nord GmbH", "lines": ["Industriestraße 7"], "postal_code": "20457",
                  "city": "Hamburg", "country": "DE"},
    "ship_to": {"name": "Zoë Ångström-Müller", "lines": ["Rue de la Paix 12"], "postal_code": "75002",
                "city": "Paris", "country": "FR"},
    "carrier": "DHL",
    "service": "Express Worldwide",
    "tracking_number": "1Z999AA10123456784",
    "order_ref": "SO-2024-000123",
    "weight_grams": 12350,
    "carton_no": 1,
    "carton_count": 2,
}
LOCATION = {"kind": "location", "code": "A-01-02-03", "description": "Aisle A, bay 1, level 2, bin 3"}

FAST = policy.RetryPolicy(
    poll_seconds=0.05, backoff_seconds=0.1, backoff_max_seconds=0.3, printing_timeout=30.0,
    send_timeout=2.0, status_timeout=1.0, probe_timeout=0.5,
)


@pytest.fixture
def fast_retries(monkeypatch):
    """Retry every 0.1-0.3 s, the worker looking every 0.05 s. Ask for it before `client`."""
    monkeypatch.setattr(policy, "POLICY", FAST)
    return FAST


@pytest.fixture
def emulator():
    """A Zebra stand-in on a free loopback port, on its own thread: the test client runs the app
    on another thread and blocks the test's event loop while a request runs."""
    with EmulatorThread(render_png=False) as emu:
        yield emu


async def add_printer(client, name: str, address: str, transport: str = "tcp", **extra) -> dict:
    body = {"name": name, "transport": transport, "address": address, "location": "packing station 3", **extra}
    response = await client.post("/api/v1/printers", json=body, headers=bearer("supervisor"))
    assert response.status_code == 201, response.text
    return response.json()


async def print_label(client, printer: str, label: dict, role: str = "packer", key: str | None = None):
    headers = bearer(role) | ({"Idempotency-Key": key} if key else {})
    return await client.post(f"/api/v1/printers/{printer}/jobs", json=label, headers=headers)


async def job(client, job_id: int) -> dict:
    response = await client.get(f"/api/v1/print-jobs/{job_id}", headers=bearer("supervisor"))
    assert response.status_code == 200, response.text
    return response.json()


async def wait_until(check, timeout: float = 10.0):
    """Await check() until it returns something truthy; return that."""
    deadline = time.monotonic() + timeout
    while True:
        result = await check()
        if result or time.monotonic() > deadline:
            return result
        await asyncio.sleep(0.05)
