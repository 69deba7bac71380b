"""Single orders posted at the same moment are written together (server/orders/intake.py), yet each
call is answered as if it had run alone: its order, its own 409 or 422, its replay."""

import asyncio
import os
import subprocess
import sys

import httpx
import msgspec

from schema.orders import OrderCreate
from server.core.idempotency import Stored
from server.core.problems import Conflict, Invalid
from server.orders import intake
from tests.channels import key, make_channel, order
from tests.serving import free_port, wait_healthy


def submission(shop, body: dict, idempotency_key: str | None = None) -> intake.Submission:
    data = msgspec.convert(body, OrderCreate)
    request = b"" if idempotency_key is None else b"POST /api/v1/orders\n" + msgspec.json.encode(data)
    return intake.Submission((shop.channel.id, shop.channel.name), data, f"channel:{shop.channel.id}", idempotency_key, request)


async def test_one_group_answers_each_order_on_its_own(pool, conn):
    shop = await make_channel(conn)
    before, _ = await intake.place(pool, [submission(shop, order("WEB-OLD"), "k-old"), submission(shop, order("WEB-PREV"), "k-prev")])
    group = [
        submission(shop, order("WEB-1")),
        submission(shop, order("WEB-2", lines=[{"sku": "NOPE", "quantity": 1}])),
        submission(shop, order("WEB-OLD")),
        submission(shop, order("WEB-3")),
        submission(shop, order("WEB-3")),
        submission(shop, order("WEB-OLD"), "k-old"),
        submission(shop, order("WEB-4"), "k-prev"),
        submission(shop, order("WEB-5"), "k-5"),
        submission(shop, order("WEB-5"), "k-5"),
    ]

    answers = await intake.place(pool, group)

    made = {o["external_id"]: o["id"] for o in await conn.fetch("select external_id, id from orders")}
    assert made.keys() == {"WEB-OLD", "WEB-PREV", "WEB-1", "WEB-3", "WEB-5"}
    assert isinstance(answers[0], Stored) and answers[0].status_code == 201
    assert isinstance(answers[1], Invalid) and answers[1].errors[0].field == "lines[0].sku"
    assert isinstance(answers[2], Conflict) and answers[2].extensions == {"order_id": made["WEB-OLD"]}
    assert msgspec.json.decode(answers[3].body)["id"] == made["WEB-3"]
    assert isinstance(answers[4], Conflict) and answers[4].extensions == {"order_id": made["WEB-3"]}
    assert answers[5].replayed and answers[5].body == before.body
    assert isinstance(answers[6], Invalid) and answers[6].errors[0].field == "Idempotency-Key"
    assert answers[7].status_code == 201 and not answers[7].replayed
    assert isinstance(answers[8], Conflict) and "still being processed" in answers[8].detail
    (replay,) = await intake.place(pool, [submission(shop, order("WEB-5"), "k-5")])
    assert replay.replayed and replay.body == answers[7].body
    lines = await conn.fetchval("select count(*) from order_lines")
    accepted = await conn.fetchval("select count(*) from events where type = 'order.accepted'")
    assert lines == 5 and accepted == 5


async def test_an_order_that_breaks_its_group_does_not_take_the_others_down(pool, conn):
    shop = await make_channel(conn)
    broken = submission(shop, order("WEB-BROKEN"))
    broken = intake.Submission((999_999, "gone"), broken.data, broken.scope, None, b"")  # a channel deleted meanwhile

    answers = await intake.place(pool, [submission(shop, order("WEB-1")), broken, submission(shop, order("WEB-2"))])

    assert [type(a).__name__ for a in answers] == ["Stored", "ForeignKeyViolationError", "Stored"]
    assert {r["external_id"] for r in await conn.fetch("select external_id from orders")} == {"WEB-1", "WEB-2"}


async def test_a_burst_of_posts_to_a_real_server_creates_each_order_once(database_url, conn):
    shop = await make_channel(conn)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "server.cli", "serve", "--port", str(port)],
        env=os.environ | {"WMS_DATABASE_URL": database_url}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        await asyncio.to_thread(wait_healthy, f"http://127.0.0.1:{port}/health", server)
        bodies = [order(f"WEB-{i % 150}") for i in range(200)]  # 50 references sent twice
        bodies[17] = order("WEB-17", lines=[{"sku": "APPLE", "quantity": -1}])
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", headers=key(shop), timeout=60) as http:
            responses = await asyncio.gather(*(http.post("/api/v1/orders", json=b) for b in bodies))
    finally:
        server.terminate()
        server.wait(timeout=30)

    statuses = [r.status_code for r in responses]
    assert statuses[17] == 400
    assert statuses.count(201) == 150 and statuses.count(409) == 49
    created = sorted(r.json()["external_id"] for r in responses if r.status_code == 201)
    assert created == sorted(f"WEB-{i}" for i in range(150))
    assert await conn.fetchval("select count(*) from orders") == 150
    assert await conn.fetchval("select count(*) from events where type = 'order.accepted'") == 150


async def test_a_revoked_key_is_refused_at_once(client, conn):
    shop = await make_channel(conn)
    assert (await client.get("/api/v1/orders", headers=key(shop))).status_code == 200
    await conn.execute("update channels set active = false where id = $1", shop.channel.id)

    assert (await client.get("/api/v1/orders", headers=key(shop))).status_code == 401
    assert (await client.post("/api/v1/orders", json=order(), headers=key(shop))).status_code == 401
