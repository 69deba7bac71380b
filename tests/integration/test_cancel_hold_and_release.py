from tests.channels import key, make_channel, order


async def place(client, shop, external_id: str = "W-1") -> dict:
    return (await client.post("/api/v1/orders", json=order(external_id), headers=key(shop))).json()


async def test_an_order_is_held_released_and_cancelled_with_each_step_on_its_timeline(client, conn):
    shop = await make_channel(conn)
    placed = await place(client, shop)

    held = await client.post(f"/api/v1/orders/{placed['id']}/hold?reason=address+check", headers=key(shop))
    assert held.status_code == 200 and held.json()["status"] == "on_hold"
    released = await client.post(f"/api/v1/orders/{placed['id']}/release", headers=key(shop))
    assert released.json()["status"] == "backordered"  # there is no stock yet
    cancelled = await client.post(f"/api/v1/orders/{placed['id']}/cancel?reason=customer+asked", headers=key(shop))

    assert cancelled.json()["status"] == "cancelled"
    assert [l["state"] for l in cancelled.json()["lines"]] == ["cancelled"]
    timeline = cancelled.json()["timeline"]
    events = ["order.accepted", "order.backordered", "order.on_hold", "order.released", "order.cancelled"]
    assert [t["event"] for t in timeline] == events
    assert timeline[2]["detail"]["note"] == "address check"


async def test_once_picking_has_started_the_order_cannot_be_cancelled_or_held(client, conn):
    shop = await make_channel(conn)
    placed = await place(client, shop)
    await conn.execute("update orders set status = 'picking' where id = $1", placed["id"])

    for action in ("cancel", "hold"):
        response = await client.post(f"/api/v1/orders/{placed['id']}/{action}", headers=key(shop))
        assert response.status_code == 409
        assert "picking has started" in response.json()["detail"]
    assert await conn.fetchval("select status from orders where id = $1", placed["id"]) == "picking"


async def test_a_cancelled_order_stays_cancelled(client, conn):
    shop = await make_channel(conn)
    placed = await place(client, shop)
    await client.post(f"/api/v1/orders/{placed['id']}/cancel", headers=key(shop))
    again = await client.post(f"/api/v1/orders/{placed['id']}/cancel", headers=key(shop))
    assert again.status_code == 409 and "already cancelled" in again.json()["detail"]
    assert (await client.post(f"/api/v1/orders/{placed['id']}/release", headers=key(shop))).status_code == 409


async def test_cancelling_returns_the_units_to_available_to_promise(client, conn):
    shop = await make_channel(conn)
    placed = await place(client, shop)
    before = (await client.get("/api/v1/availability?sku=APPLE", headers=key(shop))).json()[0]
    await client.post(f"/api/v1/orders/{placed['id']}/cancel", headers=key(shop))
    after = (await client.get("/api/v1/availability?sku=APPLE", headers=key(shop))).json()[0]
    assert (before["unallocated_demand"], after["unallocated_demand"]) == (2, 0)


async def test_availability_of_an_unknown_sku_is_a_clear_error(client, conn):
    shop = await make_channel(conn)
    response = await client.get("/api/v1/availability?sku=APPLE&sku=PEACH", headers=key(shop))
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "sku", "reason": "no SKU 'PEACH'"}]
