"""`wms serve` killed with SIGKILL in the middle of orders, picks and moves from concurrent
clients, and started again; the clients retry with the same keys and scan ids as real ones do.
Every acknowledged operation is in the database exactly once, none twice after the retries,
nothing half-done, and the ledger agrees with the stock."""

import asyncio
import signal
import time

import httpx

from server.inventory.stock import check_ledger
from tests.channels import ADDRESS, key, make_channel
from tests.picking_floor import BARCODES, orders, release, stock
from tests.serving import free_port, serve

MOVES, ORDERS, PICKS = 30, 30, 20
cut_off: list[str] = []  # calls whose connection the kill cut: sent again with the same key


async def settled(send) -> httpx.Response:
    """As a client does: the same call until it is answered, whatever happens to the server."""
    while True:
        try:
            answer = await send()
        except httpx.TransportError as error:
            cut_off.append(type(error).__name__)
            await asyncio.sleep(0.1)
            continue
        if answer.status_code in (503, 409) and ("retry" in answer.text.lower() or answer.status_code == 503):
            await asyncio.sleep(0.1)
            continue
        return answer


async def test_a_server_killed_mid_load_leaves_every_acknowledged_operation_once(client, conn, database_url):
    await stock(client, "BIN-1", 500)
    await orders(client, conn, *[[{"sku": "APPLE", "quantity": 1}]] * PICKS)
    await release(client, mode="discrete", max_orders=PICKS)
    shop = await make_channel(conn, "killshop")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = serve(database_url, port)
    acknowledged = {"orders": set(), "moves": set(), "picks": set()}

    async def channel(http: httpx.AsyncClient) -> None:
        for n in range(ORDERS):
            answer = await settled(lambda: http.post("/api/v1/orders", headers=key(shop, f"O-{n}"), json={
                "external_id": f"O-{n}", "ship_to": ADDRESS, "lines": [{"sku": "APPLE", "quantity": 1}]}))
            assert answer.status_code == 201, answer.text
            acknowledged["orders"].add(f"O-{n}")

    async def mover(http: httpx.AsyncClient) -> None:
        for n in range(MOVES):
            answer = await settled(lambda: http.post("/api/v1/stock/moves", headers={"Authorization": "Bearer test-token-supervisor",
                                                                                     "Idempotency-Key": f"M-{n}"},
                                                     json={"from_location": "BIN-1", "to_location": "BIN-2", "sku": "APPLE", "quantity": 1}))
            assert answer.status_code == 201, answer.text
            acknowledged["moves"].add(f"M-{n}")

    async def picker(http: httpx.AsyncClient) -> None:
        headers = {"Authorization": "Bearer test-token-picker"}
        while True:
            trip = await settled(lambda: http.post("/api/v1/picking/next", headers=headers, json={}))
            if trip.status_code == 404:
                return
            for task in trip.json()["tasks"]:
                if task["status"] != "assigned":
                    continue
                scan = {"scan_id": f"P-{task['id']}", "location": task["location_barcode"], "item": BARCODES["APPLE"],
                        "count": task["quantity"] - task["picked"], "tote": f"T-{task['order_id']}"}
                answer = await settled(lambda: http.post(f"/api/v1/picking/tasks/{task['id']}/confirm", headers=headers, json=scan))
                assert answer.status_code == 200, answer.text
                acknowledged["picks"].add(task["id"])

    async def killer() -> None:
        nonlocal server
        await asyncio.sleep(0.7)
        server.send_signal(signal.SIGKILL)
        server.wait()
        server = await asyncio.to_thread(serve, database_url, port)

    try:
        async with httpx.AsyncClient(base_url=base, timeout=10) as http:
            started = time.monotonic()
            await asyncio.gather(channel(http), mover(http), picker(http), killer())
            assert time.monotonic() - started < 120
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    assert cut_off, "the kill came after the load: nothing was cut off"
    stored_orders = await conn.fetch("select external_id from orders where channel_id = $1", shop.channel.id)
    assert sorted(r["external_id"] for r in stored_orders) == sorted(acknowledged["orders"])
    assert await conn.fetchval("select count(*) from movements where reason = 'move'") == MOVES
    assert await conn.fetchval("select quantity from stock s join locations l on l.id = s.location_id where l.code = 'BIN-2'") == MOVES
    assert len(acknowledged["picks"]) == PICKS
    assert await conn.fetchval("select count(*) from movements where reason = 'pick'") == PICKS
    assert await conn.fetchval("select sum(picked) from pick_tasks") == PICKS
    assert (await check_ledger(conn)).consistent
