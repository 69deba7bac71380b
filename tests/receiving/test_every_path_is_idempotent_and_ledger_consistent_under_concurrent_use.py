"""Nothing twice, nothing past its limit: against a real `wms serve`, receipts announced under one
key and under several, two receivers scanning one receipt at once (every scan sent twice, together)
up to its over-receipt tolerance, both scanning one announced SSCC, putaways of one LPN racing,
two counters taking counts at once and replaying them, and a return announced and inspected in
parallel. Every unit is received, moved, counted and returned once, and the ledger agrees."""

import asyncio
import signal

import httpx

from server.inventory.stock import check_ledger
from tests.channels import make_channel, order
from tests.picking_floor import log_in
from tests.receiving.warehouse import APPLE, NEXT_YEAR, free_port, receipt_body, serve, storage

RECEIVER = {"Authorization": "Bearer test-token-receiver"}
SUPERVISOR = {"Authorization": "Bearer test-token-supervisor"}
SSCC = "106141411234567897"


async def settled(send, tries: int = 500) -> httpx.Response:
    """A call retried, as a client does, while its twin with the same key is still being answered
    (for ten seconds at most: a key held longer is a bug this test must show)."""
    for _ in range(tries):
        response = await send()
        if response.status_code != 409 or "still being processed" not in response.text:
            return response
        await asyncio.sleep(0.02)
    raise AssertionError(f"still being processed after {tries} tries: {response.text}")


async def twice(send) -> list[httpx.Response]:
    """The same call sent twice at once (a handheld resending after a timeout)."""
    return list(await asyncio.gather(settled(send), settled(send)))


async def test_receiving_putaway_counts_and_returns_raced_and_replayed_happen_once(client, conn, database_url):
    await storage(conn, bins=3)
    await conn.execute("insert into users (username, name, role) values ('receiver2', 'Second receiver', 'receiver')")
    other = await log_in(conn, "receiver2")
    shop = await make_channel(conn)
    channel = {"Authorization": f"Bearer {shop.api_key}"}
    placed = await client.post("/api/v1/orders", json=order("W-9", lines=[{"sku": "APPLE", "quantity": 3}]), headers=channel)
    await conn.execute("update order_lines set shipped = quantity where order_id = $1", placed.json()["id"])
    port = free_port()
    server = serve(database_url, port)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
            body = receipt_body("PO-C", lines=[{"sku": "APPLE", "quantity": 100}], cartons=[
                {"sscc": SSCC, "content": [{"sku": "MILK", "quantity": 5, "lot": "L1", "expiry": NEXT_YEAR.isoformat()}]}])
            announced = await asyncio.gather(*[settled(lambda k=k: http.post("/api/v1/receipts", json=body,
                                                                             headers=SUPERVISOR | {"Idempotency-Key": k}))
                                               for k in ["a", "a", "a", "b", "c"]])
            # whichever key comes first makes the receipt; the others are told which, and key "a" answers alike each time
            made = {r.json()["id"] if r.status_code == 201 else r.json()["receipt_id"] for r in announced}
            assert len(made) == 1 and len({r.status_code for r in announced[:3]}) == 1
            assert sorted(r.status_code for r in announced) in ([201, 201, 201, 409, 409], [201, 409, 409, 409, 409])
            [receipt_id] = made

            for who in (RECEIVER, other):
                started = await http.post("/api/v1/receiving/sessions", json={"receipt": "PO-C", "dock": "DOCK"}, headers=who)
                assert started.status_code == 201, started.text

            def scan(who, scan_id, value, **more):
                return lambda: http.post(f"/api/v1/receipts/{receipt_id}/scans", json={"scan_id": scan_id, "scan": value} | more,
                                         headers=who)

            sends = [twice(scan(who, f"{n}-{i}", APPLE, count=4)) for i in range(30) for n, who in enumerate((RECEIVER, other))]
            sends += [twice(scan(who, f"sscc-{n}", f"]C100{SSCC}")) for n, who in enumerate((RECEIVER, other))]
            pairs = await asyncio.gather(*sends)
            for a, b in pairs:  # a replay answers as the first did
                assert a.status_code == b.status_code and (a.status_code != 200 or a.json() == b.json())
            apples = [a for a, _ in pairs[:-2]]
            assert [a.status_code for a in apples].count(200) == 27  # 27 x 4 = 108 of at most 110
            assert {a.status_code for a in apples} == {200, 422}
            assert sorted(a.status_code for a, _ in pairs[-2:]) == [200, 409]  # the SSCC once

            held = {who["Authorization"]: (await http.get(f"/api/v1/receiving/sessions/{receipt_id}", headers=who)).json()["lpn"]
                    for who in (RECEIVER, other)}
            lpn = held[RECEIVER["Authorization"]]
            on_lpn = await conn.fetchval("select sum(quantity)::int from stock where lpn = $1", lpn)

            def put(scan_id):
                return lambda: http.post("/api/v1/putaway/confirm", json={"scan_id": scan_id, "lpn": lpn, "location": "S-1",
                                                                          "quantity": 5, "reason": "race"}, headers=RECEIVER)

            putaways = await asyncio.gather(*[twice(put(f"p{n}")) for n in range(on_lpn // 5 + 3)])
            moved = [a for a, _ in putaways if a.status_code == 200]
            assert len(moved) == on_lpn // 5
            assert await conn.fetchval("select coalesce(sum(quantity), 0) from stock where lpn = $1", lpn) == on_lpn % 5

            made = await http.post("/api/v1/counts", json={"locations": ["S-2", "S-3"]}, headers=SUPERVISOR)
            assert made.status_code == 201, made.text
            taken = await asyncio.gather(*[http.post("/api/v1/counts/next", json={}, headers=who) for who in (RECEIVER, other)])
            tasks = [t.json()["task"] for t in taken]
            assert len({t["id"] for t in tasks}) == 2
            counted = await asyncio.gather(*[twice(lambda t=t, who=who: http.post(
                f"/api/v1/counts/{t['id']}/count", json={"scan_id": f"c{t['id']}", "location": t["location"]}, headers=who))
                for t, who in zip(tasks, (RECEIVER, other))])
            assert all(a.status_code == b.status_code == 200 for a, b in counted)

            rma = {"reference": "RMA-9", "order": "W-9", "lines": [{"line": 1, "quantity": 3}]}
            returns = await asyncio.gather(*[settled(lambda k=k: http.post("/api/v1/returns", json=rma, headers=channel | {"Idempotency-Key": k}))
                                             for k in ["r", "r", "s"]])
            made = {r.json()["id"] if r.status_code == 201 else r.json()["return_id"] for r in returns}
            assert len(made) == 1 and returns[0].status_code == returns[1].status_code
            [return_id] = made
            inspected = await asyncio.gather(*[twice(lambda n=n: http.post(
                f"/api/v1/returns/{return_id}/items", json={"scan_id": f"i{n}", "item": APPLE, "location": "DOCK", "condition": "new",
                                                            "disposition": "stock"}, headers=RECEIVER)) for n in range(5)])
            assert [a.status_code for a, _ in inspected].count(200) == 3
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait()

    assert await conn.fetchval("select count(*) from receipts") == 1
    assert await conn.fetchval("select sum(quantity) from receipt_items where sku_id = (select id from skus where code = 'APPLE')") == 108
    assert await conn.fetchval("select sum(quantity) from movements where reason = 'receipt'") == 113  # 108 apples, 5 milk
    assert await conn.fetchval("select count(*) from receipt_cartons where received_at is not null") == 1
    assert await conn.fetchval("select sum(quantity) from movements where reason = 'putaway'") == 5 * len(moved)
    assert await conn.fetchval("select count(*) from counts") == 2
    assert await conn.fetchval("select count(*) from returns") == 1
    assert await conn.fetchval("select sum(quantity) from movements where reason = 'return'") == 3
    assert (await check_ledger(conn)).consistent
