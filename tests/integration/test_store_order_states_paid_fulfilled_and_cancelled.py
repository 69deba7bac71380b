"""What the store says about an order, and says later, is followed: an unpaid order waits on hold
until the store says paid; lines fulfilled elsewhere are not picked again; an order the customer
cancels in the shop is cancelled here before picking starts, and a supervisor is asked after."""

import asyncio

from schema.catalog import SkuCreate
from server.inventory import catalog
from tests.channels import make_channel
from tests.picking_floor import stock
from tests.unit.stores.payloads import body, shopify_order, sign, woo_order

SECRET = "shpss_0123456789abcdef"
SHOPIFY = "/api/v1/channels/shop/shopify/orders"
WOO = "/api/v1/channels/woo/woocommerce/orders"
SKUS = ("IPOD2008GREEN", "IPOD2008RED", "IPOD2008BLACK")


async def shop(client, conn, **settings) -> None:
    await make_channel(conn, "shop", "shopify", SECRET, **settings)
    for code in SKUS:
        await catalog.create_sku(conn, SkuCreate(code=code, description=code))
        await stock(client, "BIN-1", 10, code)


async def shopify(client, payload: dict, topic: str = "orders/create", webhook_id: str = "w1"):
    raw = body(payload)
    headers = {"X-Shopify-Hmac-Sha256": sign(raw, SECRET), "X-Shopify-Webhook-Id": webhook_id, "X-Shopify-Topic": topic}
    return await client.post(SHOPIFY, content=raw, headers=headers)


async def events(conn, type_: str) -> int:
    return await conn.fetchval("select count(*) from events where type = $1", type_)


async def test_an_unpaid_order_waits_on_hold_until_the_store_says_paid(client, conn):
    await shop(client, conn)
    unpaid = shopify_order() | {"financial_status": "pending"}

    created = (await shopify(client, unpaid)).json()["order"]

    assert created["status"] == "on_hold" and "awaiting payment" in created["timeline"][-1]["detail"]["note"]
    assert await conn.fetchval("select count(*) from reservations") == 0
    paid = await shopify(client, unpaid | {"financial_status": "paid"}, "orders/paid", "w2")
    assert paid.status_code == 200 and paid.json()["outcome"] == "paid"
    assert paid.json()["order"]["status"] == "allocated"
    assert paid.json()["order"]["timeline"][-1]["detail"]["note"] == "paid at the store"


async def test_a_channel_may_accept_unpaid_orders(client, conn):
    await shop(client, conn, unpaid_orders="accept")
    created = (await shopify(client, shopify_order() | {"financial_status": "pending"})).json()["order"]
    assert created["status"] == "allocated"


async def test_a_woocommerce_order_on_hold_for_a_bank_transfer_is_released_when_it_is_processing(client, conn):
    channel = await make_channel(conn, "woo", "woocommerce")
    for code in ("woo-single-1", "Bar3"):
        await catalog.create_sku(conn, SkuCreate(code=code, description=code))
    payload = woo_order() | {"status": "on-hold"}
    payload["line_items"] = payload["line_items"][:2]

    async def post(body_: dict, topic: str, delivery: str):
        raw = body(body_)
        headers = {"X-WC-Webhook-Signature": sign(raw, channel.webhook_secret), "X-WC-Webhook-Topic": topic,
                   "X-WC-Webhook-Delivery-ID": delivery}
        return await client.post(WOO, content=raw, headers=headers)

    assert (await post(payload, "order.created", "d1")).json()["order"]["status"] == "on_hold"
    answer = await post(payload | {"status": "processing"}, "order.updated", "d2")
    assert answer.json()["outcome"] == "paid" and answer.json()["order"]["status"] == "backordered"
    cancelled = await post(payload | {"status": "cancelled"}, "order.updated", "d3")
    assert cancelled.json()["outcome"] == "cancelled" and cancelled.json()["order"]["status"] == "cancelled"


async def test_lines_fulfilled_elsewhere_are_left_out_or_cut_to_what_is_left(client, conn):
    await shop(client, conn)
    payload = shopify_order()
    payload["line_items"][0] |= {"quantity": 3, "fulfillable_quantity": 1}
    payload["line_items"][1] |= {"fulfillable_quantity": 0, "fulfillment_status": "fulfilled"}

    answer = (await shopify(client, payload)).json()

    assert [(l["sku"], l["ordered"]) for l in answer["order"]["lines"]] == [("IPOD2008GREEN", 1), ("IPOD2008BLACK", 1)]
    assert [(s["sku"], s["reason"][:28]) for s in answer["skipped"]] == [("IPOD2008RED", "fulfilled elsewhere already ")]


async def test_a_channel_may_ship_lines_fulfilled_elsewhere(client, conn):
    await shop(client, conn, fulfilled_elsewhere="ship")
    payload = shopify_order()
    payload["line_items"][1]["fulfillable_quantity"] = 0
    answer = (await shopify(client, payload)).json()
    assert len(answer["order"]["lines"]) == 3


async def test_a_cancellation_before_picking_cancels_the_order_and_gives_its_stock_back_once(client, conn):
    await shop(client, conn)
    order = (await shopify(client, shopify_order())).json()["order"]
    assert order["status"] == "allocated"
    cancelled = shopify_order() | {"cancelled_at": "2026-12-01T10:00:00-05:00", "cancel_reason": "customer"}

    first = await shopify(client, cancelled, "orders/cancelled", "w2")
    again = await shopify(client, cancelled, "orders/cancelled", "w2")
    updated = await shopify(client, cancelled, "orders/updated", "w3")

    assert first.json()["outcome"] == "cancelled" and first.content == again.content
    assert updated.json()["outcome"] == "unchanged"
    assert first.json()["order"]["timeline"][-1]["detail"]["note"] == "cancelled in Shopify (customer)"
    assert await conn.fetchval("select coalesce(sum(reserved), 0) from stock") == 0
    assert await events(conn, "order.cancelled") == 1


async def test_a_cancellation_after_picking_started_asks_a_supervisor(client, conn):
    await shop(client, conn)
    order = (await shopify(client, shopify_order())).json()["order"]
    await conn.execute("update orders set status = 'picking' where id = $1", order["id"])
    cancelled = shopify_order() | {"cancelled_at": "2026-12-01T10:00:00-05:00", "cancel_reason": "fraud"}

    answer = (await shopify(client, cancelled, "orders/cancelled", "w2")).json()

    assert answer["outcome"] == "cancel_requested"
    assert answer["order"]["status"] == "picking" and answer["order"]["cancel_requested"] == "cancelled in Shopify (fraud)"
    assert await events(conn, "order.cancel_requested") == 1
    assert "a supervisor decides" in answer["order"]["timeline"][-1]["detail"]["note"]


async def test_a_cancellation_that_overtakes_the_creation_still_leaves_the_order_cancelled(client, conn):
    await shop(client, conn)
    orders = [shopify_order() | {"id": 5000 + n, "name": f"#{5000 + n}"} for n in range(6)]

    async def both(n: int, payload: dict):
        cancel = payload | {"cancelled_at": "2026-12-01T10:00:00-05:00", "cancel_reason": "customer"}
        sends = [shopify(client, payload, "orders/create", f"c{n}"), shopify(client, cancel, "orders/cancelled", f"x{n}")]
        await asyncio.gather(*(sends if n % 2 else reversed(sends)))

    await asyncio.gather(*(both(n, payload) for n, payload in enumerate(orders)))

    rows = await conn.fetch("select source_id, status from orders order by source_id")
    assert [(r["source_id"], r["status"]) for r in rows] == [(str(5000 + n), "cancelled") for n in range(6)]
    assert await conn.fetchval("select coalesce(sum(reserved), 0) from stock") == 0
