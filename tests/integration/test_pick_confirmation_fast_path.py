"""The common confirmation in one statement: same answers as the full path, replays byte for byte,
one movement however many copies of a scan race, and the ledger agrees after concurrent picks."""

import asyncio

from server.floor import fast_confirmation
from server.inventory.stock import check_ledger
from tests.conftest import bearer
from tests.picking_floor import BARCODES, confirm, log_in, next_trip, orders, release, stock


async def pickers(conn, count: int) -> list[dict]:
    """Headers of `count` new pickers, each logged in."""
    headers = []
    for i in range(count):
        await conn.execute("insert into users (username, name, role) values ($1, $1, 'picker')", f"p{i}")
        headers.append(await log_in(conn, f"p{i}"))
    return headers


async def test_the_one_statement_answer_matches_the_trip_and_a_replay_returns_its_bytes(client, conn):
    await stock(client, "BIN-1", 10)
    await stock(client, "BIN-3", 10, "MILK", lot="L1", expiry="2031-01-01")
    await orders(client, conn, [{"sku": "APPLE", "quantity": 3}, {"sku": "MILK", "quantity": 1}])
    await release(client)
    apple, milk = (await next_trip(client))["tasks"]
    before = fast_confirmation.PATHS.copy()

    first = await confirm(client, apple, "f1", count=2, tote="TOTE-9")
    again = await confirm(client, apple, "f1", count=2, tote="TOTE-9")
    other_body = await confirm(client, apple, "f1", count=1, tote="TOTE-9")

    assert fast_confirmation.PATHS["one statement"] == before["one statement"] + 1
    assert first.status_code == 200 and again.status_code == 200, (first.text, again.text)
    assert again.content == first.content and again.headers["idempotent-replayed"] == "true"
    assert other_body.status_code == 422 and other_body.json()["errors"][0]["field"] == "Idempotency-Key"
    trip = (await client.get(f"/api/v1/picking/trips/{(await next_trip(client))['trip']}", headers=bearer("picker"))).json()
    answer = first.json()
    assert answer["task"] == trip["tasks"][0] | {"picked": 2, "status": "assigned"}
    assert answer["task"]["tote"] == "TOTE-9" and answer["task"]["picked_from"] == "BIN-1"
    assert answer["next_tasks"] == trip["tasks"] and answer["next_tasks"][1]["tote"] == "TOTE-9"  # the order's tote
    assert (answer["order_picked"], answer["message"]) == (False, "1 more to pick here")
    assert await conn.fetchval("select count(*) from movements where reason = 'pick'") == 1
    assert await conn.fetchval("select (reserved, quantity)::text from stock where lpn = '' and sku_id = (select id from skus where code = 'APPLE')") == "(1,8)"


async def test_twenty_copies_of_one_scan_at_once_move_stock_once(client, conn):
    await stock(client, "BIN-1", 10)
    await orders(client, conn, [{"sku": "APPLE", "quantity": 2}, {"sku": "MILK", "quantity": 1}])
    await stock(client, "BIN-3", 10, "MILK", lot="L1", expiry="2031-01-01")
    await release(client)
    task = (await next_trip(client))["tasks"][0]

    answers = await asyncio.gather(*(confirm(client, task, "same-scan", count=1) for _ in range(20)))

    assert {a.status_code for a in answers} <= {200, 409}, [a.text for a in answers]
    assert len({a.content for a in answers if a.status_code == 200}) == 1
    assert await conn.fetchval("select count(*) from movements where reason = 'pick'") == 1
    assert await conn.fetchval("select picked from pick_tasks where id = $1", task["id"]) == 1
    assert await conn.fetchval("select count(*) from idempotency_keys where key = 'same-scan'") == 1


async def test_the_ledger_agrees_after_pickers_confirm_at_once_from_the_same_bins(client, conn):
    await stock(client, "BIN-1", 100)
    await stock(client, "BIN-3", 100, "MILK", lot="L1", expiry="2031-01-01")
    await orders(client, conn, *[[{"sku": "APPLE", "quantity": 2}, {"sku": "MILK", "quantity": 1}] for _ in range(10)])
    await release(client, mode="discrete")
    floor = await pickers(conn, 10)
    trips = await asyncio.gather(*(client.post("/api/v1/picking/next", json={}, headers=h) for h in floor))
    before = fast_confirmation.PATHS.copy()

    async def pick(i: int, headers: dict, task: dict):
        body = {"scan_id": f"c{task['id']}", "location": task["location_barcode"], "tote": f"T{i}",
                "item": BARCODES[task["sku"]], "count": task["quantity"]}
        return await client.post(f"/api/v1/picking/tasks/{task['id']}/confirm", json=body, headers=headers)

    for n in range(2):  # every order's apple, all at once; then every order's milk, its last pick
        answers = await asyncio.gather(*(pick(i, h, t.json()["tasks"][n]) for i, (h, t) in enumerate(zip(floor, trips))))
        assert [a.status_code for a in answers] == [200] * 10, [a.text for a in answers]

    assert fast_confirmation.PATHS["one statement"] - before["one statement"] == 10
    assert fast_confirmation.PATHS["with follow-ups"] - before["with follow-ups"] == 10
    assert (await check_ledger(conn)).consistent
    assert await conn.fetchval("select sum(reserved) from stock") == 0
    assert await conn.fetchval("select count(*) from events where type = 'order.picked'") == 10
    assert await conn.fetchval("select count(*) from trips where status = 'done'") == 10
    on_hand = await conn.fetch("select l.code, st.quantity from stock st join locations l on l.id = st.location_id where st.lpn = '' order by l.code")
    assert [tuple(r) for r in on_hand] == [("BIN-1", 80), ("BIN-3", 90)]
