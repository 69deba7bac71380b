import asyncio

from tests.channels import key, make_channel, order
from tests.conftest import bearer
from tests.seed import APPLE_CASE_GTIN, MILK_GTIN


async def count(conn, table: str) -> int:
    return await conn.fetchval(f"select count(*) from {table}")


async def test_a_channel_creates_an_order_and_reads_it_back(client, conn):
    shop = await make_channel(conn)
    body = order(lines=[{"sku": "APPLE", "quantity": 2}, {"gtin": MILK_GTIN, "quantity": 1, "lot": "L1"}], priority=2, ship_by="2030-01-01")

    created = await client.post("/api/v1/orders", json=body, headers=key(shop))

    assert created.status_code == 201, created.text
    placed = created.json()
    assert placed["status"] == "backordered"  # the seed warehouse has no stock
    states = [(l["line"], l["sku"], l["ordered"], l["state"]) for l in placed["lines"]]
    assert states == [(1, "APPLE", 2, "backordered"), (2, "MILK", 1, "backordered")]
    read = (await client.get(f"/api/v1/orders/{placed['id']}", headers=key(shop))).json()
    assert read["external_id"] == "WEB-1001" and read["ship_to"]["city"] == "London"
    assert [t["event"] for t in read["timeline"]] == ["order.accepted", "order.backordered"]


async def test_every_bad_line_is_named_and_nothing_is_created(client, conn):
    shop = await make_channel(conn)
    body = order(lines=[
        {"sku": "NOPE", "quantity": 1},
        {"sku": "APPLE", "quantity": 1},
        {"sku": "APPLE", "quantity": 3},
        {"gtin": "4006381333932", "quantity": 1},
        {"sku": "APPLE", "gtin": APPLE_CASE_GTIN, "quantity": 1},
    ])

    response = await client.post("/api/v1/orders", json=body, headers=key(shop))

    assert response.status_code == 422
    fields = [e["field"] for e in response.json()["errors"]]
    assert fields == ["lines[3].gtin", "lines[4].sku"]
    response = await client.post("/api/v1/orders", json=order(lines=body["lines"][:3]), headers=key(shop))
    assert [e["field"] for e in response.json()["errors"]] == ["lines[0].sku", "lines[2]"]
    assert await count(conn, "orders") == 0 and await count(conn, "events") == 0


async def test_missing_address_fields_and_bad_quantities_are_named(client, conn):
    shop = await make_channel(conn)
    no_city = order(ship_to={"name": "A", "line1": "B", "postal_code": "1", "country": "GB"})
    response = await client.post("/api/v1/orders", json=no_city, headers=key(shop))
    assert response.status_code == 400 and "city" in response.json()["detail"]
    zero = order(lines=[{"sku": "APPLE", "quantity": 0}])
    response = await client.post("/api/v1/orders", json=zero, headers=key(shop))
    assert response.json()["errors"][0]["field"] == "lines[0].quantity"
    too_many = order(lines=[{"sku": "APPLE", "quantity": 1}] * 501)
    assert (await client.post("/api/v1/orders", json=too_many, headers=key(shop))).status_code == 400
    assert await count(conn, "orders") == 0


async def test_a_repeated_external_id_without_a_key_is_a_409_naming_the_existing_order(client, conn):
    shop = await make_channel(conn)
    first = (await client.post("/api/v1/orders", json=order(), headers=key(shop))).json()
    again = await client.post("/api/v1/orders", json=order(), headers=key(shop))
    assert again.status_code == 409
    assert again.json()["order_id"] == first["id"]


async def test_fifty_concurrent_identical_requests_with_one_key_make_one_order(client, conn):
    shop = await make_channel(conn)
    responses = await asyncio.gather(
        *(client.post("/api/v1/orders", json=order(), headers=key(shop, "order-WEB-1001")) for _ in range(50))
    )
    assert {r.status_code for r in responses} <= {201, 409}
    assert len({r.content for r in responses if r.status_code == 201}) == 1
    assert await count(conn, "orders") == 1


async def test_the_same_key_with_another_body_is_a_422(client, conn):
    shop = await make_channel(conn)
    await client.post("/api/v1/orders", json=order(), headers=key(shop, "k"))
    response = await client.post("/api/v1/orders", json=order("WEB-2"), headers=key(shop, "k"))
    assert response.status_code == 422


async def test_two_channels_cannot_see_each_others_orders(client, conn):
    shop, market = await make_channel(conn, "shop"), await make_channel(conn, "market")
    placed = (await client.post("/api/v1/orders", json=order(), headers=key(shop))).json()

    assert (await client.get(f"/api/v1/orders/{placed['id']}", headers=key(market))).status_code == 404
    assert (await client.post(f"/api/v1/orders/{placed['id']}/cancel", headers=key(market))).status_code == 404
    assert (await client.get("/api/v1/orders", headers=key(market))).json()["items"] == []
    seen_by_market = (await client.get("/api/v1/events", headers=key(market))).json()["events"]
    assert [e for e in seen_by_market if e["type"].startswith("order.")] == []
    # the same external id is fine in another channel
    assert (await client.post("/api/v1/orders", json=order(), headers=key(market))).status_code == 201
    assert (await client.get(f"/api/v1/orders/{placed['id']}", headers=bearer("supervisor"))).status_code == 200


async def test_a_wrong_or_revoked_key_is_a_401(client, conn):
    shop = await make_channel(conn)
    assert (await client.get("/api/v1/orders", headers={"Authorization": "Bearer wms_ck_nope"})).status_code == 401
    assert (await client.post("/api/v1/channels/webshop/revoke", headers=bearer("admin"))).status_code == 200
    response = await client.get("/api/v1/orders", headers=key(shop))
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_a_rotated_key_replaces_the_old_one(client, conn):
    shop = await make_channel(conn)
    rotated = (await client.post("/api/v1/channels/webshop/rotate-key", headers=bearer("admin"))).json()
    assert (await client.get("/api/v1/orders", headers=key(shop))).status_code == 401
    assert (await client.get("/api/v1/orders", headers={"Authorization": f"Bearer {rotated['api_key']}"})).status_code == 200


async def test_a_channel_key_cannot_touch_the_warehouse(client, conn):
    shop = await make_channel(conn)
    adjustment = {"location": "BIN-1", "sku": "APPLE", "quantity": 1, "direction": "in", "reason": "found"}
    assert (await client.post("/api/v1/stock/adjustments", json=adjustment, headers=key(shop))).status_code == 403
    assert (await client.post("/api/v1/orders", json=order(), headers=bearer("supervisor"))).status_code == 403


async def test_orders_are_found_by_reference_status_and_last_change(client, conn):
    shop = await make_channel(conn)
    for i in range(3):
        await client.post("/api/v1/orders", json=order(f"WEB-{i}"), headers=key(shop))
    found = (await client.get("/api/v1/orders?external_id=WEB-1", headers=key(shop))).json()["items"]
    assert [o["external_id"] for o in found] == ["WEB-1"]
    pages = (await client.get("/api/v1/orders?status=backordered&limit=2", headers=key(shop))).json()
    assert len(pages["items"]) == 2 and pages["next_cursor"]
    later = (await client.get("/api/v1/orders?updated_since=2999-01-01T00:00:00Z", headers=key(shop))).json()
    assert later["items"] == []


async def test_status_events_from_stock_arriving_go_only_to_the_orders_channel(client, conn):
    shop, market = await make_channel(conn, "shop"), await make_channel(conn, "market")
    await client.post("/api/v1/orders", json=order(), headers=key(shop))
    found = {"location": "BIN-1", "sku": "APPLE", "quantity": 5, "direction": "in", "reason": "found"}
    await client.post("/api/v1/stock/adjustments", json=found, headers=bearer("supervisor"))

    shop_types = [e["type"] for e in (await client.get("/api/v1/events", headers=key(shop))).json()["events"]]
    market_types = [e["type"] for e in (await client.get("/api/v1/events", headers=key(market))).json()["events"]]
    assert "order.allocated" in shop_types
    assert not [t for t in market_types if t.startswith("order.")]
