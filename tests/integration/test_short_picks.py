"""A short pick: an exception for the supervisor, a count task for the bin, the rest found elsewhere."""

from server.inventory.stock import check_ledger
from tests.conftest import bearer
from tests.picking_floor import confirm, next_trip, orders, release, stock


async def test_a_short_pick_makes_an_exception_a_count_task_and_sends_the_picker_to_other_stock(client, conn):
    await stock(client, "BIN-1", 5)
    await stock(client, "BIN-2", 3)
    placed = await orders(client, conn, [{"sku": "APPLE", "quantity": 5}])
    await release(client)
    task = (await next_trip(client))["tasks"][0]
    assert task["location"] == "BIN-1"
    await confirm(client, task, "s1", count=2)

    short = await client.post(
        f"/api/v1/picking/tasks/{task['id']}/short", json={"scan_id": "s2", "location": "BIN-1", "reason": "empty"},
        headers=bearer("picker"),
    )

    assert short.status_code == 200, short.text
    answer = short.json()
    assert answer["message"] == "short pick recorded; pick the rest at BIN-2"
    assert [(t["location"], t["quantity"]) for t in answer["next_tasks"]] == [("BIN-2", 3)]
    exceptions = (await client.get("/api/v1/exceptions", headers=bearer("supervisor"))).json()
    assert [(e["location"], e["sku"], e["quantity"], e["reason"]) for e in exceptions] == [("BIN-1", "APPLE", 3, "empty")]
    assert await conn.fetchval("select count(*) from count_tasks where status = 'open'") == 1
    assert await conn.fetchval("select coalesce(sum(quantity), 0) from stock st join locations l on l.id = st.location_id where l.code = 'BIN-1'") == 0

    rest = answer["next_tasks"][0]
    assert (await confirm(client, rest, "s3")).json()["order_picked"] is True
    order = (await client.get(f"/api/v1/orders/{placed[0]['id']}", headers=bearer("supervisor"))).json()
    assert order["lines"][0]["picked"] == 5
    assert (await check_ledger(conn)).consistent


async def test_a_short_pick_with_nothing_left_elsewhere_leaves_the_order_waiting(client, conn):
    await stock(client, "BIN-1", 2)
    placed = await orders(client, conn, [{"sku": "APPLE", "quantity": 2}])
    await release(client)
    task = (await next_trip(client))["tasks"][0]
    short = await client.post(
        f"/api/v1/picking/tasks/{task['id']}/short", json={"scan_id": "s1", "location": "BIN-1"}, headers=bearer("picker")
    )
    assert short.json()["message"].endswith("the order waits for stock")
    order = (await client.get(f"/api/v1/orders/{placed[0]['id']}", headers=bearer("supervisor"))).json()
    assert order["status"] == "backordered"
    assert await conn.fetchval("select sum(reserved) from stock") == 0
