"""Shopify and WooCommerce push orders through their own webhooks, signed with the store secret."""

import asyncio

from schema.catalog import SkuCreate
from server.inventory import catalog
from tests.channels import make_channel
from tests.unit.stores.payloads import body, shopify_order, sign, woo_order

SECRET = "shpss_0123456789abcdef"
SHOPIFY = "/api/v1/channels/shop/shopify/orders"
WOO = "/api/v1/channels/woo/woocommerce/orders"


async def add_skus(conn, *codes: str) -> None:
    for code in codes:
        await catalog.create_sku(conn, SkuCreate(code=code, description=code))


def shopify_headers(raw: bytes, secret: str = SECRET, webhook_id: str = "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043") -> dict:
    return {"X-Shopify-Hmac-Sha256": sign(raw, secret), "X-Shopify-Webhook-Id": webhook_id,
            "X-Shopify-Topic": "orders/create", "Content-Type": "application/json"}


async def count(conn, table: str) -> int:
    return await conn.fetchval(f"select count(*) from {table}")


async def test_the_shopify_sample_becomes_a_correct_order(client, conn):
    await make_channel(conn, "shop", "shopify", SECRET)
    await add_skus(conn, "IPOD2008GREEN", "IPOD2008RED", "IPOD2008BLACK")
    raw = body(shopify_order())

    response = await client.post(SHOPIFY, content=raw, headers=shopify_headers(raw))

    assert response.status_code == 201, response.text
    order = response.json()["order"]
    assert order["external_id"] == "#1001" and order["channel"] == "shop" and order["status"] == "backordered"
    assert [(l["sku"], l["ordered"]) for l in order["lines"]] == [("IPOD2008GREEN", 1), ("IPOD2008RED", 1), ("IPOD2008BLACK", 1)]
    assert order["ship_to"]["name"] == "Bob Norman" and order["ship_to"]["postal_code"] == "40202"
    assert order["ship_to"]["country"] == "US"
    assert await conn.fetchval("select source_id from orders") == "450789469"


async def test_a_shopify_id_beyond_two_to_the_53_is_kept_exact(client, conn):
    await make_channel(conn, "shop", "shopify", SECRET)
    await add_skus(conn, "IPOD2008GREEN", "IPOD2008RED", "IPOD2008BLACK")
    payload = shopify_order() | {"id": 9007199254740993}
    raw = body(payload)
    assert (await client.post(SHOPIFY, content=raw, headers=shopify_headers(raw))).status_code == 201
    assert await conn.fetchval("select source_id from orders") == "9007199254740993"


async def test_a_tampered_body_or_a_wrong_secret_is_refused_and_stores_nothing(client, conn):
    await make_channel(conn, "shop", "shopify", SECRET)
    await add_skus(conn, "IPOD2008GREEN", "IPOD2008RED", "IPOD2008BLACK")
    raw = body(shopify_order())
    tampered = raw.replace(b'"quantity": 1', b'"quantity": 9', 1)

    for content, headers in (
        (tampered, shopify_headers(raw)),
        (raw, shopify_headers(raw, secret="not the secret")),
        (raw, {"X-Shopify-Webhook-Id": "x"}),
    ):
        response = await client.post(SHOPIFY, content=content, headers=headers)
        assert response.status_code == 401
        assert response.headers["content-type"].startswith("application/problem+json")
    assert await count(conn, "orders") == 0 and await count(conn, "webhook_receipts") == 0


async def test_the_same_webhook_delivered_twice_makes_one_order(client, conn):
    await make_channel(conn, "shop", "shopify", SECRET)
    await add_skus(conn, "IPOD2008GREEN", "IPOD2008RED", "IPOD2008BLACK")
    raw = body(shopify_order())

    answers = await asyncio.gather(*(client.post(SHOPIFY, content=raw, headers=shopify_headers(raw)) for _ in range(5)))

    assert {a.status_code for a in answers} == {201}
    assert len({a.content for a in answers}) == 1
    assert await count(conn, "orders") == 1


async def test_the_same_order_under_a_new_delivery_id_is_answered_as_a_duplicate(client, conn):
    await make_channel(conn, "shop", "shopify", SECRET)
    await add_skus(conn, "IPOD2008GREEN", "IPOD2008RED", "IPOD2008BLACK")
    raw = body(shopify_order())
    await client.post(SHOPIFY, content=raw, headers=shopify_headers(raw, webhook_id="first"))
    again = await client.post(SHOPIFY, content=raw, headers=shopify_headers(raw, webhook_id="second"))
    assert again.status_code == 200 and again.json()["outcome"] == "duplicate"
    assert await count(conn, "orders") == 1


async def test_lines_with_unknown_skus_are_kept_and_the_order_is_held_for_a_person(client, conn):
    await make_channel(conn, "shop", "shopify", SECRET)
    await add_skus(conn, "IPOD2008GREEN")
    raw = body(shopify_order())

    answer = (await client.post(SHOPIFY, content=raw, headers=shopify_headers(raw))).json()

    assert answer["order"]["status"] == "on_hold"
    assert [l["sku"] for l in answer["order"]["lines"]] == ["IPOD2008GREEN"]
    assert [u["sku"] for u in answer["order"]["unmapped_lines"]] == ["IPOD2008RED", "IPOD2008BLACK"]
    assert "skipped" not in answer
    assert "IPOD2008RED" in answer["order"]["timeline"][-1]["detail"]["note"]


async def test_an_order_with_no_known_sku_is_accepted_on_hold_not_refused_for_the_store_to_retry(client, conn):
    await make_channel(conn, "shop", "shopify", SECRET)
    raw = body(shopify_order())
    held = await client.post(SHOPIFY, content=raw, headers=shopify_headers(raw))
    assert held.status_code == 201 and held.json()["order"]["status"] == "on_hold"
    assert len(held.json()["order"]["unmapped_lines"]) == 3


async def test_a_woocommerce_order_created_webhook_becomes_an_order(client, conn):
    credentials = await make_channel(conn, "woo", "woocommerce")
    payload = woo_order()
    await add_skus(conn, *[l["sku"] for l in payload["line_items"] if l["sku"]])
    raw = body(payload)
    headers = {"X-WC-Webhook-Signature": sign(raw, credentials.webhook_secret), "X-WC-Webhook-Delivery-ID": "d1",
               "X-WC-Webhook-Topic": "order.created"}

    answer = await client.post(WOO, content=raw, headers=headers)

    assert answer.status_code == 201, answer.text
    assert answer.json()["order"]["external_id"] == str(payload["number"])
    assert [u["line"] for u in answer.json()["order"]["unmapped_lines"]] == ["line_items[2]"]
    ping = await client.post(WOO, content=b"webhook_id=12", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert ping.status_code == 200 and await count(conn, "orders") == 1
