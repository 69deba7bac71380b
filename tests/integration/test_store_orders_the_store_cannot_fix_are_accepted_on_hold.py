"""WooCommerce switches a webhook off after five failed deliveries, and a store retries what it
cannot fix: so a store order is refused only for a bad signature (401) or a body that is not its
JSON (400). A problem a person must look at (the address) is accepted on hold with the reason."""

import pytest

from schema.catalog import SkuCreate
from server.inventory import catalog
from tests.channels import ADDRESS, make_channel
from tests.conftest import bearer
from tests.unit.stores.payloads import body, shopify_order, sign, woo_order

SECRET = "shpss_0123456789abcdef"
SHOPIFY = "/api/v1/channels/shop/shopify/orders"
WOO = "/api/v1/channels/woo/woocommerce/orders"


async def shopify_post(client, conn, payload: dict | bytes):
    await make_channel(conn, "shop", "shopify", SECRET)
    for code in ("IPOD2008GREEN", "IPOD2008RED", "IPOD2008BLACK"):
        await catalog.create_sku(conn, SkuCreate(code=code, description=code))
    raw = payload if isinstance(payload, bytes) else body(payload)
    return await client.post(SHOPIFY, content=raw, headers={"X-Shopify-Hmac-Sha256": sign(raw, SECRET), "X-Shopify-Webhook-Id": "w1"})


async def test_a_woocommerce_order_with_only_a_billing_address_ships_there_on_hold_for_review(client, conn):
    channel = await make_channel(conn, "woo", "woocommerce")
    for code in ("woo-single-1", "Bar3"):
        await catalog.create_sku(conn, SkuCreate(code=code, description=code))
    payload = woo_order()
    payload["shipping"] = {k: "" for k in payload["shipping"]}
    payload["line_items"] = payload["line_items"][:2]
    raw = body(payload)

    response = await client.post(WOO, content=raw, headers={"X-WC-Webhook-Signature": sign(raw, channel.webhook_secret)})

    assert response.status_code == 201, response.text
    order = response.json()["order"]
    assert order["status"] == "on_hold" and order["ship_to"]["line1"] == "969 Market"
    assert "billing address is used" in order["timeline"][-1]["detail"]["note"]
    released = await client.post(f"/api/v1/orders/{order['id']}/release", headers=bearer("supervisor"))
    assert released.status_code == 200 and released.json()["status"] == "backordered"


async def test_an_incomplete_shipping_address_is_held_without_one_until_customer_service_sets_it(client, conn):
    payload = shopify_order()
    payload["shipping_address"]["zip"] = ""

    response = await shopify_post(client, conn, payload)

    assert response.status_code == 201, response.text
    order = response.json()["order"]
    assert order["status"] == "on_hold" and order["ship_to"] is None
    assert "shipping_address.zip: missing or empty" in order["notes"]
    assert f"PUT /api/v1/orders/{order['id']}/ship-to" in order["timeline"][-1]["detail"]["note"]
    refused = await client.post(f"/api/v1/orders/{order['id']}/release", headers=bearer("supervisor"))
    assert refused.status_code == 409 and "ship-to" in refused.json()["detail"]

    fixed = await client.put(f"/api/v1/orders/{order['id']}/ship-to", json=ADDRESS, headers=bearer("supervisor"))

    assert fixed.status_code == 200, fixed.text
    assert fixed.json()["ship_to"]["postal_code"] == "SW1Y 4JH" and fixed.json()["status"] == "on_hold"
    assert fixed.json()["timeline"][-1]["event"] == "order.ship_to_changed"
    released = await client.post(f"/api/v1/orders/{order['id']}/release", headers=bearer("supervisor"))
    assert released.status_code == 200 and released.json()["status"] == "backordered"


async def test_a_new_address_is_refused_once_picking_started_and_when_it_is_invalid(client, conn):
    payload = shopify_order()
    payload["shipping_address"]["zip"] = ""
    order = (await shopify_post(client, conn, payload)).json()["order"]
    bad = await client.put(f"/api/v1/orders/{order['id']}/ship-to", json=ADDRESS | {"country": "GBR"}, headers=bearer("supervisor"))
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "country"
    await conn.execute("update orders set status = 'picking' where id = $1", order["id"])
    late = await client.put(f"/api/v1/orders/{order['id']}/ship-to", json=ADDRESS, headers=bearer("supervisor"))
    assert late.status_code == 409


@pytest.mark.parametrize(
    "raw, field",
    [(b"{not json", "body"), (body(shopify_order() | {"line_items": "none"}), "line_items")],
)
async def test_a_body_that_is_not_the_stores_json_is_a_400_and_stores_nothing(client, conn, raw, field):
    response = await shopify_post(client, conn, raw)
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["field"] == field
    assert await conn.fetchval("select count(*) from orders") == 0


async def test_a_nul_in_a_store_name_is_a_400_naming_the_store_field(client, conn):
    payload = shopify_order()
    payload["shipping_address"]["first_name"] = "Bo\u0000b"
    response = await shopify_post(client, conn, payload)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "shipping_address.first_name"


async def test_a_value_no_order_can_hold_is_a_422_naming_the_line_as_the_store_numbers_it(client, conn):
    payload = shopify_order()
    payload["line_items"][2]["quantity"] = 10**10
    response = await shopify_post(client, conn, payload)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["line_items[2].quantity"]
