"""Events out: signed per Standard Webhooks, at least once, in order per order, after outages."""

import asyncio

import pytest
from litestar.testing import AsyncTestClient

from server.app import create_app
from server.core.settings import Settings
from tests.channels import key, make_channel, order
from tests.conftest import bearer
from tests.receiver import Receiver


@pytest.fixture
async def fast_client(database_url):
    """The app with its delivery worker retrying every 0.2 s, three retries before it gives up."""
    settings = Settings(
        database_url=database_url, pool_min=1, pool_max=20, webhook_schedule=(0.2, 0.2, 0.2), webhook_timeout=2,
        availability_interval=0.1,
    )
    async with AsyncTestClient(create_app(settings)) as client:
        yield client


async def eventually(check, seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if check():
            return
        await asyncio.sleep(0.05)
    assert check()


ORDER_EVENTS = ["order.accepted", "order.on_hold", "order.released", "order.cancelled"]  # not backordered: no stock here


async def subscribe(client, shop, url: str, event_types: list[str] | None = ORDER_EVENTS) -> dict:
    body = {"url": url, "event_types": event_types}
    response = await client.post("/api/v1/webhooks", json=body, headers=key(shop))
    assert response.status_code == 201
    return response.json()


async def event_count(conn, channel_id: int) -> int:
    return await conn.fetchval("select count(*) from events where channel_id = $1", channel_id)


async def test_events_arrive_signed_and_in_order_per_order(fast_client, conn):
    shop = await make_channel(conn)
    receiver = Receiver(shop.webhook_secret)
    await subscribe(fast_client, shop, receiver.url)

    placed = [(await fast_client.post("/api/v1/orders", json=order(f"W-{i}"), headers=key(shop))).json() for i in range(3)]
    for o in placed:
        await fast_client.post(f"/api/v1/orders/{o['id']}/hold", headers=key(shop))
        await fast_client.post(f"/api/v1/orders/{o['id']}/release", headers=key(shop))
        await fast_client.post(f"/api/v1/orders/{o['id']}/cancel", headers=key(shop))

    await eventually(lambda: len(receiver.accepted) == 12)
    for o in placed:
        types = [a["type"] for a in receiver.accepted if a["data"]["order_id"] == o["id"]]
        assert types == ["order.accepted", "order.on_hold", "order.released", "order.cancelled"]
    assert len(set(receiver.ids())) == 12
    assert receiver.refused == 0


async def test_a_failing_endpoint_gets_each_event_once_after_retries(fast_client, conn):
    shop = await make_channel(conn)
    receiver = Receiver(shop.webhook_secret)
    receiver.fail_next = 2
    await subscribe(fast_client, shop, receiver.url)

    for i in range(4):
        await fast_client.post("/api/v1/orders", json=order(f"W-{i}"), headers=key(shop))

    await eventually(lambda: len(receiver.accepted) == 4)
    await asyncio.sleep(0.5)
    assert sorted(receiver.ids()) == sorted(set(receiver.ids())) and len(receiver.ids()) == 4
    deliveries = (await fast_client.get("/api/v1/webhooks/deliveries", headers=key(shop))).json()["items"]
    assert {d["status"] for d in deliveries} == {"delivered"}
    assert max(d["attempts"] for d in deliveries) >= 2


async def test_a_receiver_down_for_a_while_gets_everything_when_it_comes_back(fast_client, conn):
    shop = await make_channel(conn)
    receiver = Receiver(shop.webhook_secret)
    await subscribe(fast_client, shop, receiver.url)
    receiver.stop()

    for i in range(3):
        await fast_client.post("/api/v1/orders", json=order(f"W-{i}"), headers=key(shop))
    await asyncio.sleep(0.3)
    receiver.start()

    await eventually(lambda: len(receiver.accepted) == 3)
    # different orders are different streams: they may arrive in any order
    assert sorted(a["data"]["external_id"] for a in receiver.accepted) == ["W-0", "W-1", "W-2"]


async def test_an_endpoint_down_past_the_schedule_is_disabled_then_re_enabled_and_replayed(fast_client, conn):
    shop = await make_channel(conn)
    receiver = Receiver(shop.webhook_secret)
    subscription = await subscribe(fast_client, shop, receiver.url)
    receiver.stop()
    await fast_client.post("/api/v1/orders", json=order("W-1"), headers=key(shop))

    async def disabled() -> bool:
        hooks = (await fast_client.get("/api/v1/webhooks", headers=key(shop))).json()
        return not hooks[0]["active"]

    for _ in range(100):
        if await disabled():
            break
        await asyncio.sleep(0.05)
    hooks = (await fast_client.get("/api/v1/webhooks", headers=key(shop))).json()
    assert not hooks[0]["active"] and "failed attempts" in hooks[0]["disabled_reason"]
    failed = (await fast_client.get("/api/v1/webhooks/deliveries?status=failed", headers=key(shop))).json()["items"]
    assert len(failed) == 1 and failed[0]["attempts"] == 4 and failed[0]["last_error"]

    await fast_client.post("/api/v1/orders", json=order("W-2"), headers=key(shop))  # while disabled
    receiver.start()
    enabled = await fast_client.post(f"/api/v1/webhooks/{subscription['id']}/enable?replay=true", headers=key(shop))
    assert enabled.status_code == 200 and enabled.json()["active"]

    await eventually(lambda: len(receiver.accepted) == 2)
    assert sorted(a["data"]["external_id"] for a in receiver.accepted) == ["W-1", "W-2"]


async def test_a_channel_that_cannot_receive_webhooks_polls_the_same_events(fast_client, conn):
    shop = await make_channel(conn)
    for i in range(3):
        await fast_client.post("/api/v1/orders", json=order(f"W-{i}"), headers=key(shop))

    first = (await fast_client.get("/api/v1/events?limit=4", headers=key(shop))).json()
    rest = (await fast_client.get(f"/api/v1/events?after={first['next_cursor']}", headers=key(shop))).json()
    again = (await fast_client.get(f"/api/v1/events?after={rest['next_cursor']}", headers=key(shop))).json()

    polled = [e for e in first["events"] + rest["events"] if e["type"] == "order.accepted"]
    assert [e["data"]["external_id"] for e in polled] == ["W-0", "W-1", "W-2"]
    # nothing of these orders again; the stock's availability may have been announced meanwhile
    assert [e for e in again["events"] if e["type"].startswith("order.")] == []


async def test_every_channel_hears_when_a_skus_available_to_promise_changes(fast_client, conn):
    shop = await make_channel(conn)
    receiver = Receiver(shop.webhook_secret)
    await subscribe(fast_client, shop, receiver.url, ["stock.available_changed"])
    found = {"location": "BIN-1", "sku": "APPLE", "quantity": 10, "direction": "in", "reason": "found"}

    await fast_client.post("/api/v1/stock/adjustments", json=found, headers=bearer("supervisor"))
    await eventually(lambda: len(receiver.accepted) == 1)
    await fast_client.post("/api/v1/orders", json=order(), headers=key(shop))  # 2 APPLE ordered

    await eventually(lambda: len(receiver.accepted) == 2)
    assert [(a["data"]["sku"], a["data"]["available"]) for a in receiver.accepted] == [("APPLE", 10), ("APPLE", 8)]
    availability = (await fast_client.get("/api/v1/availability?sku=APPLE&sku=MILK", headers=key(shop))).json()
    assert [(a["sku"], a["on_hand"], a["reserved"], a["unallocated_demand"], a["available"]) for a in availability] == [
        ("APPLE", 10, 2, 0, 8), ("MILK", 0, 0, 0, 0),
    ]


async def test_many_changes_to_one_sku_within_a_moment_become_one_event_with_the_latest_numbers(database_url, conn):
    settings = Settings(database_url=database_url, pool_min=1, pool_max=20, availability_interval=0.5)
    async with AsyncTestClient(create_app(settings)) as client:
        shop = await make_channel(conn)
        receiver = Receiver(shop.webhook_secret)
        await subscribe(client, shop, receiver.url, ["stock.available_changed"])
        for i in range(5):
            await client.post("/api/v1/orders", json=order(f"W-{i}"), headers=key(shop))
        await eventually(lambda: len(receiver.accepted) >= 1)
        await asyncio.sleep(1.2)
    assert len(receiver.accepted) <= 2
    assert receiver.accepted[-1]["data"]["unallocated_demand"] == 10
