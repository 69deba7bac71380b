"""Nothing twice: against a real `wms serve`, pack scans (each replayed, several at once), the
close (replayed with its key, and tried again under other keys) and the ship call (from several
desks at once) race each other. Every unit is packed once, the carton gets one SSCC, the order
ships once, the stock leaves the ledger once, and the ledger is consistent."""

import asyncio
import signal

import httpx

from server.inventory.stock import check_ledger
from tests.packing_floor import APPLE, open_carton, picked
from tests.serving import free_port, serve

PACKER = {"Authorization": "Bearer test-token-packer"}
UNITS = 6


async def settled(send) -> httpx.Response:
    """A call retried as a client does while its key is still being processed by its twin."""
    while True:
        response = await send()
        if response.status_code != 409 or "still being processed" not in response.text:
            return response
        await asyncio.sleep(0.02)


async def test_scans_close_and_ship_raced_and_replayed_leave_the_warehouse_once(client, conn, database_url):
    [placed] = await picked(client, conn, [{"sku": "APPLE", "quantity": UNITS}])
    carton = await open_carton(client, placed["id"])
    port = free_port()
    server = serve(database_url, port)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", headers=PACKER, timeout=30) as http:
            items = f"/api/v1/packing/cartons/{carton['id']}/items"
            def scan(n: int):
                return settled(lambda: http.post(items, json={"scan_id": f"s{n % (UNITS + 2)}", "item": APPLE}))

            answers = [r.status_code for r in await asyncio.gather(*[scan(n) for n in range(3 * (UNITS + 2))])]
            assert answers.count(200) == 3 * UNITS and answers.count(422) == 6, answers

            close = f"/api/v1/packing/cartons/{carton['id']}/close"
            body = {"weight_g": 150 + UNITS * 1050}
            keys = ["close-1"] * 3 + ["close-2", "close-3"]
            answered = await asyncio.gather(*[settled(lambda k=k: http.post(close, json=body, headers={"Idempotency-Key": k}))
                                              for k in keys])
            assert {r.status_code for r in answered} <= {200, 409}
            assert len({r.json()["carton"]["sscc"] for r in answered if r.status_code == 200}) == 1

            ships = await asyncio.gather(*[http.post(f"/api/v1/shipping/orders/{placed['id']}/ship",
                                                     headers={"Idempotency-Key": f"ship-{n}"}) for n in range(4)])
            assert sorted(r.status_code for r in ships) == [201, 409, 409, 409]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait()

    assert await conn.fetchval("select sum(quantity) from movements where reason = 'pack'") == UNITS
    assert await conn.fetchval("select sum(quantity) from movements where reason = 'ship'") == UNITS
    assert await conn.fetchval("select count(*) from shipments") == 1
    assert await conn.fetchval("select count(*) from cartons where sscc is not null") == 1
    assert await conn.fetchval("select count(*) from events where type = 'order.shipped'") == 1
    assert (await check_ledger(conn)).consistent
