from tests.channels import key, make_channel, order


async def test_a_batch_answers_per_order_and_one_bad_order_blocks_no_other(client, conn):
    shop = await make_channel(conn)
    await client.post("/api/v1/orders", json=order("DUP"), headers=key(shop))
    batch = {"orders": [
        order("B-1"),
        order("B-2", lines=[{"sku": "NOPE", "quantity": 1}]),
        order("DUP"),
        order("B-3", lines=[{"sku": "APPLE", "quantity": "2"}]),
        {"external_id": "B-4"},
        order("B-5", lines=[{"sku": "APPLE", "quantity": 1}, {"gtin": "4006381333931", "quantity": 1}]),
    ]}

    response = await client.post("/api/v1/orders/batch", json=batch, headers=key(shop))

    assert response.status_code == 200, response.text
    answer = response.json()
    assert (answer["created"], answer["duplicate"], answer["invalid"]) == (1, 1, 4)
    outcomes = [(r["index"], r["external_id"], r["outcome"]) for r in answer["results"]]
    assert outcomes == [(0, "B-1", "created"), (1, "B-2", "invalid"), (2, "DUP", "duplicate"),
                        (3, "B-3", "invalid"), (4, "B-4", "invalid"), (5, "B-5", "invalid")]
    assert answer["results"][1]["errors"][0]["field"] == "lines[0].sku"
    assert answer["results"][3]["errors"][0]["field"] == "lines[0].quantity"
    assert answer["results"][5]["errors"][0]["field"] == "lines[1]"
    assert await conn.fetchval("select count(*) from orders") == 2


async def test_a_batch_of_more_than_a_thousand_orders_is_refused_whole(client, conn):
    shop = await make_channel(conn)
    response = await client.post("/api/v1/orders/batch", json={"orders": [order(f"B-{i}") for i in range(1001)]}, headers=key(shop))
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "orders"
    assert await conn.fetchval("select count(*) from orders") == 0


async def test_a_replayed_batch_creates_nothing_more(client, conn):
    shop = await make_channel(conn)
    batch = {"orders": [order(f"B-{i}") for i in range(20)]}
    first = await client.post("/api/v1/orders/batch", json=batch, headers=key(shop, "batch-1"))
    second = await client.post("/api/v1/orders/batch", json=batch, headers=key(shop, "batch-1"))
    assert first.content == second.content and first.json()["created"] == 20
    assert await conn.fetchval("select count(*) from orders") == 20
