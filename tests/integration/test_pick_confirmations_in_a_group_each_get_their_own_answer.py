"""Confirmations that arrive together are confirmed in one transaction (server/floor/fast_confirmation.py),
yet each is answered as if it had run alone: its pick, its own refusal, its replay; and pickers
confirming at once through several groups, or a real server's two processes, from the same bins
never pick a unit twice."""

import asyncio
import functools
import os
import random
import subprocess
import sys

import httpx
import msgspec

from schema.picking import PickConfirm, TripRequest, WaveRelease
from server.core.coalescing import Coalescer
from server.core.idempotency import Stored
from server.core.problems import Invalid
from server.floor import fast_confirmation, trips, waves
from server.floor.fast_confirmation import Confirmation
from server.inventory.stock import check_ledger
from tests.picking_floor import BARCODES, log_in, orders, stock
from tests.serving import free_port, wait_healthy


async def floor(client, conn, pool, count: int) -> list[tuple[tuple[int, str], list]]:
    """`count` orders of an apple and a milk, each a trip held by a picker of its own: (picker, tasks)."""
    await stock(client, "BIN-1", 10 * count)
    await stock(client, "BIN-3", 10 * count, "MILK", lot="L1", expiry="2031-01-01")
    await orders(client, conn, *[[{"sku": "APPLE", "quantity": 2}, {"sku": "MILK", "quantity": 1}]] * count)
    supervisor = await conn.fetchval("select id from users where role = 'supervisor'")
    await waves.release_wave(conn, WaveRelease(mode="discrete"), supervisor)
    held = []
    for i in range(count):
        user = tuple(await conn.fetchrow(
            "insert into users (username, name, role) values ($1, $1, 'picker') returning id, username", f"g{i}"
        ))
        held.append((user, (await trips.next_trip(conn, TripRequest(), user)).tasks))
    return held


def scan(user: tuple[int, str], task, scan_id: str, item: str | None = None, count: int | None = None) -> Confirmation:
    data = PickConfirm(scan_id=scan_id, location=task.location_barcode, item=item or BARCODES[task.sku],
                       count=task.quantity if count is None else count, tote=f"T-{user[1]}")
    return Confirmation(f"user:{user[0]}", msgspec.json.encode(data), task.id, data, user)


async def test_one_group_answers_each_confirmation_on_its_own(client, conn, pool):
    (a, a_tasks), (b, b_tasks), (c, c_tasks) = await floor(client, conn, pool, 3)
    group = [
        scan(a, a_tasks[0], "a1"),
        scan(b, b_tasks[0], "b1", item=BARCODES["MILK"]),  # the wrong item
        scan(c, c_tasks[0], "c1", count=3),  # more than the task asks
        scan(a, a_tasks[0], "a1"),  # the same scan again, in the same group
        scan(b, b_tasks[0], "b-gs1", item="]C110L1"),  # GS1 with a lot but no GTIN
        scan(c, c_tasks[1], "c2"),
    ]

    answers = await fast_confirmation.confirm_group(pool, group)

    assert isinstance(answers[0], Stored) and answers[0].status_code == 200 and not answers[0].replayed
    assert msgspec.json.decode(answers[0].body)["task"]["picked"] == 2
    assert isinstance(answers[1], Invalid) and "wrong item" in answers[1].errors[0].reason
    assert isinstance(answers[2], Invalid) and answers[2].errors[0].field == "count"
    assert answers[3].replayed and answers[3].body == answers[0].body
    assert isinstance(answers[4], Invalid) and "no GTIN" in answers[4].errors[0].reason
    assert msgspec.json.decode(answers[5].body)["task"]["sku"] == "MILK"
    assert await conn.fetchval("select count(*) from movements where reason = 'pick'") == 2
    assert (await check_ledger(conn)).consistent


async def test_an_order_finished_in_a_group_is_announced_once_with_its_picks(client, conn, pool):
    held = await floor(client, conn, pool, 4)

    firsts = await fast_confirmation.confirm_group(pool, [scan(u, tasks[0], f"{u[1]}-1") for u, tasks in held])
    lasts = await fast_confirmation.confirm_group(pool, [scan(u, tasks[1], f"{u[1]}-2") for u, tasks in held])

    assert [msgspec.json.decode(x.body)["order_picked"] for x in firsts + lasts] == [False] * 4 + [True] * 4
    picked = [msgspec.json.decode(p) for p in await conn.fetchval("select array_agg(payload) from events where type = 'order.picked'")]
    assert len(picked) == 4
    assert all(line["picked"] == line["ordered"] for event in picked for line in event["lines"])
    assert await conn.fetchval("select count(*) from trips where status = 'done'") == 4


async def test_a_group_that_fails_as_a_whole_is_confirmed_one_by_one(client, conn, pool):
    (a, a_tasks), (b, b_tasks) = await floor(client, conn, pool, 2)
    broken = scan(b, b_tasks[0], "b1")
    broken = Confirmation(broken.scope, broken.request, 2**63, broken.data, b)  # past bigint: the statement cannot run

    answers = await fast_confirmation.confirm_group(pool, [scan(a, a_tasks[0], "a1"), broken, scan(a, a_tasks[1], "a2")])

    assert [a.status_code for a in (answers[0], answers[2])] == [200, 200]
    assert isinstance(answers[1], Exception)
    assert await conn.fetchval("select count(*) from movements where reason = 'pick'") == 2
    assert await conn.fetchval("select count(*) from events where type = 'order.picked'") == 1


async def test_pickers_confirming_at_once_through_two_servers_pick_each_unit_once(client, conn, pool):
    held = await floor(client, conn, pool, 30)
    # two server processes, each with its groups at once, every picker taking units from the same two bins
    servers = [Coalescer(functools.partial(fast_confirmation.confirm_group, pool), concurrency=4) for _ in range(2)]

    async def send(server: Coalescer, sent: Confirmation) -> Stored:
        await asyncio.sleep(random.uniform(0, 0.004))  # pickers do not all scan in the same instant
        return await server.submit(sent)

    async def picker(n: int, user, tasks) -> list:
        answers = []
        for task in tasks:
            sent = scan(user, task, f"{user[1]}-{task.id}")
            # a double tap, its copies through both servers
            copies = await asyncio.gather(*(send(servers[(n + k) % 2], sent) for k in range(2)), return_exceptions=True)
            answers.append(copies)
        return answers

    done = await asyncio.gather(*(picker(n, user, tasks) for n, (user, tasks) in enumerate(held)), return_exceptions=True)

    for answers in done:
        assert not isinstance(answers, Exception), answers
        for copies in answers:
            stored = [c for c in copies if isinstance(c, Stored)]
            assert stored and len({c.body for c in stored}) == 1, copies
            assert all(isinstance(c, Stored) or "still being processed" in c.detail for c in copies), copies
    assert await conn.fetchval("select count(*) from movements where reason = 'pick'") == 60
    assert await conn.fetchval("select sum(picked) from pick_tasks") == 90
    assert await conn.fetchval("select count(*) from events where type = 'order.picked'") == 30
    assert await conn.fetchval("select sum(reserved) from stock") == 0
    assert (await check_ledger(conn)).consistent
    on_hand = await conn.fetch("select l.code, st.quantity from stock st join locations l on l.id = st.location_id where st.lpn = '' order by l.code")
    assert [tuple(r) for r in on_hand] == [("BIN-1", 240), ("BIN-3", 270)]


async def test_pickers_double_tapping_at_a_real_server_with_two_workers_pick_each_unit_once(client, conn, pool, database_url):
    held = await floor(client, conn, pool, 20)
    headers = {user: await log_in(conn, user[1]) for user, _ in held}
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "server.cli", "serve", "--port", str(port), "--workers", "2"],
        env=os.environ | {"WMS_DATABASE_URL": database_url}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )

    async def picker(http: httpx.AsyncClient, user, tasks) -> list[list[httpx.Response]]:
        taps = []
        for task in tasks:
            body = {"scan_id": f"{user[1]}-{task.id}", "location": task.location_barcode, "item": BARCODES[task.sku],
                    "count": task.quantity, "tote": f"T-{user[1]}"}
            taps.append(await asyncio.gather(
                *(http.post(f"/api/v1/picking/tasks/{task.id}/confirm", json=body, headers=headers[user]) for _ in range(2))
            ))
        return taps

    try:
        await asyncio.to_thread(wait_healthy, f"http://127.0.0.1:{port}/health", server)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
            done = await asyncio.gather(*(picker(http, user, tasks) for user, tasks in held))
    finally:
        server.terminate()
        server.wait(timeout=30)

    for taps in done:
        for copies in taps:
            assert {c.status_code for c in copies} <= {200, 409}, [c.text for c in copies]
            assert len({c.content for c in copies if c.status_code == 200}) == 1, [c.text for c in copies]
    assert await conn.fetchval("select count(*) from movements where reason = 'pick'") == 40
    assert await conn.fetchval("select count(*) from events where type = 'order.picked'") == 20
    assert await conn.fetchval("select sum(reserved) from stock") == 0
    assert (await check_ledger(conn)).consistent
