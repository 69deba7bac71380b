"""A store line to ship that the warehouse cannot find a SKU for never vanishes: the order is
created on hold with the line kept as unmapped (notes, timeline, event), and it is released by
itself once the channel maps the store's product or variant to a SKU."""

import asyncio
import json

import msgspec

from schema.catalog import SkuCreate
from server.inventory import catalog
from tests.channels import make_channel
from tests.conftest import bearer
from tests.integration.test_wms_channel_command import wms
from tests.picking_floor import stock
from tests.unit.stores.payloads import body, shopify_order, sign

SECRET = "shpss_0123456789abcdef"
SHOPIFY = "/api/v1/channels/shop/shopify/orders"
MAPPINGS = "/api/v1/channels/shop/sku-mappings"
# the sample's three lines: one product, three variants
GREEN, RED, BLACK = "39072856", "49148385", "457924702"
PRODUCT = "632910392"


def headers(raw: bytes, webhook_id: str) -> dict:
    return {"X-Shopify-Hmac-Sha256": sign(raw, SECRET), "X-Shopify-Webhook-Id": webhook_id, "Content-Type": "application/json"}


async def post(client, payload: dict, webhook_id: str = "w1"):
    raw = body(payload)
    return await client.post(SHOPIFY, content=raw, headers=headers(raw, webhook_id))


def without_skus(*indexes: int) -> dict:
    order = shopify_order()
    for i in indexes:
        order["line_items"][i]["sku"] = ""
    return order


async def setup(conn, *skus: str) -> None:
    await make_channel(conn, "shop", "shopify", SECRET)
    for code in skus:
        await catalog.create_sku(conn, SkuCreate(code=code, description=code))


async def test_an_order_whose_every_line_lacks_a_sku_is_created_on_hold_not_ignored(client, conn):
    await setup(conn)

    response = await post(client, without_skus(0, 1, 2))

    assert response.status_code == 201, response.text
    order = response.json()["order"]
    assert order["status"] == "on_hold" and order["lines"] == []
    assert [(u["line"], u["store_line_id"], u["variant_id"]) for u in order["unmapped_lines"]] == [
        ("line_items[0]", "466157049", GREEN), ("line_items[1]", "518995019", RED), ("line_items[2]", "703073504", BLACK),
    ]
    assert "no SKU on the line" in order["unmapped_lines"][0]["reason"]
    assert "[warehouse] held" in order["notes"] and "line_items[2]" in order["notes"]
    assert [t["event"] for t in order["timeline"]] == ["order.accepted", "order.on_hold"]
    held = json.loads(await conn.fetchval("select payload from events where type = 'order.on_hold'"))
    assert "line_items[1]" in held["note"] and len(held["unmapped_lines"]) == 3


async def test_one_good_line_and_one_without_a_sku_make_a_held_order_that_reserves_nothing(client, conn):
    await setup(conn, "IPOD2008GREEN", "IPOD2008BLACK")
    await stock(client, "BIN-1", 5, "IPOD2008GREEN")

    order = (await post(client, without_skus(1))).json()["order"]

    assert order["status"] == "on_hold"
    assert [l["sku"] for l in order["lines"]] == ["IPOD2008GREEN", "IPOD2008BLACK"]
    assert [u["line"] for u in order["unmapped_lines"]] == ["line_items[1]"]
    assert await conn.fetchval("select count(*) from reservations") == 0
    release = await client.post(f"/api/v1/orders/{order['id']}/release", headers=bearer("supervisor"))
    assert release.status_code == 409 and "line_items[1]" in release.json()["detail"]


async def test_mapping_the_variant_releases_the_order_and_allocates_it(client, conn):
    await setup(conn, "IPOD2008GREEN", "IPOD2008BLACK", "RED-NANO")
    await stock(client, "BIN-1", 5, "IPOD2008GREEN")
    await stock(client, "BIN-1", 5, "RED-NANO")
    await stock(client, "BIN-1", 5, "IPOD2008BLACK")
    order = (await post(client, without_skus(1))).json()["order"]

    mapped = await client.post(
        MAPPINGS, json={"product_id": PRODUCT, "variant_id": RED, "sku": "RED-NANO"}, headers=bearer("supervisor")
    )

    assert mapped.status_code == 200, mapped.text
    assert mapped.json()["released_orders"] == [order["id"]] and mapped.json()["resolved_lines"] == 1
    after = (await client.get(f"/api/v1/orders/{order['id']}", headers=bearer("supervisor"))).json()
    assert after["status"] == "allocated" and after["unmapped_lines"] == []
    assert [(l["sku"], l["reference"]) for l in after["lines"]] == [
        ("IPOD2008GREEN", "466157049"), ("IPOD2008BLACK", "703073504"), ("RED-NANO", "518995019"),
    ]
    assert after["timeline"][-1]["event"] == "order.released"
    assert after["timeline"][-1]["detail"]["note"] == "every store line is mapped"


async def test_a_mapping_wins_over_the_sku_text_and_a_variant_mapping_over_its_product(client, conn):
    await setup(conn, "IPOD2008GREEN", "IPOD2008RED", "IPOD2008BLACK", "NANO", "NANO-RED")
    for body_ in ({"product_id": PRODUCT, "sku": "NANO"}, {"product_id": PRODUCT, "variant_id": RED, "sku": "NANO-RED"}):
        assert (await client.post(MAPPINGS, json=body_, headers=bearer("supervisor"))).status_code == 200

    order = (await post(client, shopify_order())).json()["order"]

    assert [(l["sku"], l["ordered"]) for l in order["lines"]] == [("NANO", 2), ("NANO-RED", 1)]
    assert order["lines"][0]["reference"] == "466157049,703073504"
    listed = (await client.get(MAPPINGS, headers=bearer("supervisor"))).json()
    assert [(m["variant_id"], m["sku"]) for m in listed] == [("", "NANO"), (RED, "NANO-RED")]


async def test_two_store_lines_of_one_sku_become_one_line_not_a_refusal(client, conn):
    await setup(conn, "IPOD2008GREEN")
    payload = shopify_order()
    for line in payload["line_items"]:
        line["sku"] = "IPOD2008GREEN"
    payload["line_items"][2]["quantity"] = 4

    response = await post(client, payload)

    assert response.status_code == 201, response.text
    assert [(l["sku"], l["ordered"]) for l in response.json()["order"]["lines"]] == [("IPOD2008GREEN", 6)]


async def test_a_product_mapped_as_not_shipped_is_skipped_and_an_order_of_nothing_else_is_cancelled(client, conn):
    await setup(conn)
    order = (await post(client, without_skus(0, 1, 2))).json()["order"]

    mapped = await client.post(MAPPINGS, json={"product_id": PRODUCT, "sku": None}, headers=bearer("supervisor"))

    assert mapped.json()["cancelled_orders"] == [order["id"]]
    after = (await client.get(f"/api/v1/orders/{order['id']}", headers=bearer("supervisor"))).json()
    assert after["status"] == "cancelled" and after["unmapped_lines"] == []
    again = await post(client, without_skus(0, 1, 2) | {"id": 1, "name": "#1002"}, webhook_id="w2")
    assert again.json()["outcome"] == "ignored"
    assert [s["reason"] for s in again.json()["skipped"]] == ["mapped as not shipped by the warehouse"] * 3


async def test_skus_added_to_the_catalog_later_release_the_order_with_one_call(client, conn):
    await setup(conn, "IPOD2008GREEN")
    order = (await post(client, shopify_order())).json()["order"]
    assert [u["sku"] for u in order["unmapped_lines"]] == ["IPOD2008RED", "IPOD2008BLACK"]
    assert "the warehouse has no SKU IPOD2008RED" in order["unmapped_lines"][0]["reason"]

    for code in ("IPOD2008RED", "IPOD2008BLACK"):
        await catalog.create_sku(conn, SkuCreate(code=code, description=code))
    applied = await client.post(MAPPINGS + "/apply", headers=bearer("supervisor"))

    assert applied.json() == {"resolved_lines": 2, "released_orders": [order["id"]], "cancelled_orders": []}
    after = (await client.get(f"/api/v1/orders/{order['id']}", headers=bearer("supervisor"))).json()
    assert after["status"] == "backordered" and len(after["lines"]) == 3


async def test_mappings_made_at_once_release_each_order_once_and_add_each_line_once(client, conn):
    await setup(conn, "A", "B")
    for n in range(5):
        payload = without_skus(0, 1, 2) | {"id": 100 + n, "name": f"#{2000 + n}"}
        assert (await post(client, payload, webhook_id=f"w{n}")).status_code == 201

    answers = await asyncio.gather(
        client.post(MAPPINGS, json={"product_id": PRODUCT, "sku": "A"}, headers=bearer("supervisor")),
        client.post(MAPPINGS, json={"product_id": PRODUCT, "variant_id": RED, "sku": "B"}, headers=bearer("supervisor")),
        client.post(MAPPINGS + "/apply", headers=bearer("supervisor")),
    )

    assert all(a.status_code == 200 for a in answers), [a.text for a in answers]
    released = [i for a in answers for i in a.json()["released_orders"]]
    assert len(released) == len(set(released)) == 5
    assert await conn.fetchval("select count(*) from unmapped_lines") == 0
    assert await conn.fetchval("select sum(quantity) from order_lines") == 15
    assert await conn.fetchval("select count(*) from events where type = 'order.released'") == 5


async def test_a_sku_mapping_needs_a_known_sku_and_a_supervisor(client, conn):
    await setup(conn)
    unknown = await client.post(MAPPINGS, json={"product_id": PRODUCT, "sku": "NOPE"}, headers=bearer("supervisor"))
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "sku"
    picker = await client.post(MAPPINGS, json={"product_id": PRODUCT, "sku": None}, headers=bearer("picker"))
    assert picker.status_code == 403
    assert await conn.fetchval("select count(*) from sku_mappings") == 0


async def test_wms_map_sku_maps_from_the_command_line_and_releases(client, conn, database_url):
    await setup(conn, "IPOD2008GREEN", "IPOD2008BLACK", "RED-NANO")
    order = (await post(client, without_skus(1))).json()["order"]

    result = wms(database_url, "map-sku", "shop", PRODUCT, "RED-NANO", "--variant", RED)

    assert result.returncode == 0, result.stderr
    assert msgspec.json.decode(result.stdout)["released_orders"] == [order["id"]]
    assert wms(database_url, "map-sku", "shop", PRODUCT).returncode == 2  # neither a SKU nor --not-shipped
