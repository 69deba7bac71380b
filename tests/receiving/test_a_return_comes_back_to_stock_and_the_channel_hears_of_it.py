"""Returns: a channel announces a return (its RMA, the order and lines; idempotent by key and by
reference) or the desk opens one blind; each item is inspected and goes back to stock (onto the
return's LPN at the desk, then put away), to quarantine, or to scrap, each with its ledger rows;
never more back than the order shipped. Closing tells the channel what came back and how."""

from server.inventory.stock import check_ledger
from tests.channels import key, make_channel
from tests.receiving.warehouse import APPLE, NEXT_YEAR, RECEIVER, carton_label, on_hand, put_away, shipped_order, storage
from tests.seed import MILK_GTIN


async def inspect(client, return_id: int, scan_id: str, item: str, condition: str, disposition: str, **more):
    body = {"scan_id": scan_id, "item": item, "location": "DOCK", "condition": condition, "disposition": disposition} | more
    return await client.post(f"/api/v1/returns/{return_id}/items", json=body, headers=RECEIVER)


async def test_an_announced_return_is_inspected_put_back_and_announced_to_the_channel(client, conn):
    await storage(conn, bins=2)
    shop = await make_channel(conn)
    await shipped_order(client, conn, shop)
    body = {"reference": "RMA-1", "order": "W-1", "lines": [{"line": 1, "quantity": 2, "reason": "too sweet"},
                                                             {"sku": "MILK", "quantity": 1}]}
    made = await client.post("/api/v1/returns", json=body, headers=key(shop, "r1"))
    assert made.status_code == 201, made.text
    ret = made.json()
    assert [(l["line"], l["order_line"], l["sku"], l["expected"]) for l in ret["lines"]] == [(1, 1, "APPLE", 2), (2, 2, "MILK", 1)]
    replay = await client.post("/api/v1/returns", json=body, headers=key(shop, "r1"))
    assert replay.status_code == 201 and replay.json()["id"] == ret["id"]
    twice = await client.post("/api/v1/returns", json=body, headers=key(shop, "r2"))
    assert twice.status_code == 409 and twice.json()["return_id"] == ret["id"]
    too_many = await client.post("/api/v1/returns", json=body | {"reference": "RMA-2", "lines": [{"line": 1, "quantity": 4}]},
                                 headers=key(shop))
    assert too_many.status_code == 422 and too_many.json()["errors"][0]["field"] == "lines[0].quantity"

    good = await inspect(client, ret["id"], "i1", APPLE, "new", "stock")
    assert good.status_code == 200, good.text
    assert good.json()["item"]["lpn"] == f"RET-{ret['id']}"
    assert (await inspect(client, ret["id"], "i2", APPLE, "damaged", "quarantine", note="dented")).status_code == 200
    milk = await inspect(client, ret["id"], "i3", carton_label(MILK_GTIN, 1, "L1", NEXT_YEAR), "defective", "scrap")
    assert milk.status_code == 200, milk.text
    refused = await inspect(client, ret["id"], "i4", APPLE, "new", "stock", count=2)
    assert refused.status_code == 422 and "shipped 3" in refused.json()["detail"]
    wrong = await inspect(client, ret["id"], "i5", APPLE, "defective", "stock")
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "disposition"
    replayed = await inspect(client, ret["id"], "i1", APPLE, "new", "stock")
    assert replayed.headers["Idempotent-Replayed"] == "true"

    ledger = dict(await conn.fetch("select reason, sum(quantity)::int from movements where reference = 'return RMA-1' group by reason"))
    assert ledger == {"return": 3, "quarantine": 1, "scrap": 1}
    assert await on_hand(conn, "QUARANTINE") == 1 and await on_hand(conn, "DOCK", lpn=f"RET-{ret['id']}") == 1
    assert (await put_away(client, "back", f"RET-{ret['id']}", "S-1")).status_code == 200
    assert await on_hand(conn, "S-1") == 1

    closed = await client.post(f"/api/v1/returns/{ret['id']}/close", headers=RECEIVER)
    assert closed.status_code == 200, closed.text
    events = (await client.get("/api/v1/events", headers=key(shop))).json()["events"]
    [heard] = [e for e in events if e["type"] == "return.received"]
    assert heard["data"]["reference"] == "RMA-1" and heard["data"]["order"] == "W-1"
    assert sorted((i["sku"], i["quantity"], i["condition"], i["disposition"]) for i in heard["data"]["items"]) == [
        ("APPLE", 1, "damaged", "quarantine"), ("APPLE", 1, "new", "stock"), ("MILK", 1, "defective", "scrap")]
    assert [(l["sku"], l["received"]) for l in heard["data"]["lines"]] == [("APPLE", 2), ("MILK", 1)]
    assert (await client.post(f"/api/v1/returns/{ret['id']}/close", headers=RECEIVER)).status_code == 200
    assert await conn.fetchval("select count(*) from events where type = 'return.received'") == 1
    assert (await check_ledger(conn)).consistent


async def test_a_blind_return_takes_what_comes_back(client, conn):
    opened = await client.post("/api/v1/returns", json={}, headers=RECEIVER)
    assert opened.status_code == 201, opened.text
    ret = opened.json()
    assert (ret["reference"], ret["order"], ret["lines"]) == (None, None, [])
    done = await inspect(client, ret["id"], "b1", APPLE, "opened", "stock", count=2)
    assert done.status_code == 200 and done.json()["return"]["items"][0]["quantity"] == 2
    assert await on_hand(conn, "DOCK", lpn=f"RET-{ret['id']}") == 2
    closed = await client.post(f"/api/v1/returns/{ret['id']}/close", headers=RECEIVER)
    assert closed.json()["status"] == "closed"
    late = await inspect(client, ret["id"], "b2", APPLE, "new", "stock")
    assert late.status_code == 409
