"""Two `wms serve` processes on one PostgreSQL behave as one system: orders placed through either
(a key replayed through the other is the same order), stock allocated from both at once without
overselling, trips handed out by both without any picked twice, print jobs queued through both for
one printer that was off printed once each when it comes back, and events delivered once."""

import asyncio
import signal

import httpx

from labels.emulator import EmulatorThread
from server.inventory.stock import check_ledger
from tests.channels import ADDRESS, key, make_channel
from tests.integration.test_events_reach_channels import eventually
from tests.picking_floor import BARCODES, stock
from tests.printers import LOCATION, add_printer
from tests.receiver import Receiver
from tests.serving import free_port, serve

ORDERS = 24  # for 12 units of stock


async def test_two_processes_take_orders_allocate_pick_print_and_deliver_as_one(client, conn, database_url):
    await stock(client, "BIN-1", ORDERS // 2)
    printer_port = free_port()
    await add_printer(client, "SHARED-1", f"127.0.0.1:{printer_port}")
    shop = await make_channel(conn, "both")
    receiver = Receiver(shop.webhook_secret)
    ports = [free_port(), free_port()]
    servers = [serve(database_url, port) for port in ports]
    try:
        clients = [httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) for port in ports]
        a, b = clients
        assert (await a.post("/api/v1/webhooks", json={"url": receiver.url, "event_types": ["order.accepted"]},
                             headers=key(shop))).status_code == 201

        def place(n: int, through: httpx.AsyncClient):
            return through.post("/api/v1/orders", headers=key(shop, f"K-{n}"), json={
                "external_id": f"K-{n}", "ship_to": ADDRESS, "lines": [{"sku": "APPLE", "quantity": 1}]})

        placed = await asyncio.gather(*[place(n, clients[n % 2]) for n in range(ORDERS)])
        replayed = await asyncio.gather(*[place(n, clients[(n + 1) % 2]) for n in range(ORDERS)])
        assert [r.status_code for r in placed + replayed] == [201] * 2 * ORDERS
        assert [r.json()["id"] for r in placed] == [r.json()["id"] for r in replayed]
        statuses = [r.json()["status"] for r in placed]
        assert statuses.count("allocated") == ORDERS // 2 and statuses.count("backordered") == ORDERS // 2

        supervisor = {"Authorization": "Bearer test-token-supervisor"}
        assert (await a.post("/api/v1/waves", json={"mode": "discrete"}, headers=supervisor)).status_code == 201
        picked: list[int] = []

        async def picker(through: httpx.AsyncClient, token: str) -> None:
            headers = {"Authorization": f"Bearer {token}"}
            while (trip := await through.post("/api/v1/picking/next", headers=headers, json={})).status_code == 200:
                for task in trip.json()["tasks"]:
                    done = await clients[task["id"] % 2].post(f"/api/v1/picking/tasks/{task['id']}/confirm", headers=headers, json={
                        "scan_id": f"S-{task['id']}", "location": task["location_barcode"], "item": BARCODES["APPLE"],
                        "count": task["quantity"], "tote": f"T-{task['order_id']}"})
                    assert done.status_code == 200, done.text
                    picked.append(task["id"])

        await asyncio.gather(picker(a, "test-token-picker"), picker(b, "test-token-supervisor"))
        assert len(picked) == len(set(picked)) == ORDERS // 2

        jobs = await asyncio.gather(*[clients[n % 2].post("/api/v1/printers/SHARED-1/jobs", headers=supervisor,
                                                          json=LOCATION | {"code": f"B-{n:02d}"}) for n in range(6)])
        assert {j.status_code for j in jobs} == {202}
        with EmulatorThread(port=printer_port, render_png=False) as emulator:
            await conn.execute("update print_jobs set next_attempt_at = now() where status = 'queued'")
            await eventually(lambda: len(emulator.received) == 6, seconds=30)
            await asyncio.sleep(2.5)  # both processes' workers had another round: nothing twice
            assert sorted(emulator.received) == sorted(j.json()["zpl"].strip().encode() for j in jobs)

        await eventually(lambda: len(receiver.accepted) == ORDERS)
        await asyncio.sleep(1)
        assert len(set(receiver.ids())) == len(receiver.accepted) == ORDERS
        for http in clients:
            await http.aclose()
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    reserved = await conn.fetchval("select bool_and(reserved <= quantity) from stock")
    assert reserved and (await check_ledger(conn)).consistent
