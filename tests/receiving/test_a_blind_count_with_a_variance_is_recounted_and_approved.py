"""Cycle counts: tasks from a supervisor's list and from the ABC schedule; the counter never sees
what the system holds; a variance beyond the tolerance is counted again by another counter; the
confirmed variance becomes an adjustment ('count'), after a supervisor's approval when it is worth
more than the approval value. Picks from a bin under count wait, or go to another bin. The
accuracy of the counts over time comes back from the API."""

from server.inventory.stock import check_ledger
from tests.picking_floor import confirm, next_trip, orders, release, stock
from tests.receiving.warehouse import APPLE, SUPERVISOR, on_hand, storage

PICKER = {"Authorization": "Bearer test-token-picker"}
RECEIVER = {"Authorization": "Bearer test-token-receiver"}


async def counts_at(client, *codes: str) -> list[dict]:
    response = await client.post("/api/v1/counts", json={"locations": list(codes)}, headers=SUPERVISOR)
    assert response.status_code == 201, response.text
    return response.json()


async def take(client, headers) -> dict | None:
    response = await client.post("/api/v1/counts/next", json={}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["task"]


async def count(client, task: dict, scan_id: str, units: int, headers) -> dict:
    lines = [{"item": APPLE, "count": units}] if units else []
    response = await client.post(f"/api/v1/counts/{task['id']}/count",
                                 json={"scan_id": scan_id, "location": task["location_barcode"], "lines": lines}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_variance_is_recounted_by_another_counter_and_approved_into_an_adjustment(client, conn):
    await storage(conn, bins=2)
    await stock(client, "S-1", 10)
    settings = (await client.get("/api/v1/receiving/settings", headers=SUPERVISOR)).json()
    await client.put("/api/v1/receiving/settings", json=settings | {"approval_value": 20}, headers=SUPERVISOR)
    await client.put("/api/v1/storage/skus/APPLE", json={"unit_value": 5}, headers=SUPERVISOR)
    [task] = await counts_at(client, "S-1")
    assert (task["source"], task["status"], task["round"]) == ("list", "open", 1)

    mine = await take(client, RECEIVER)
    assert mine["id"] == task["id"] and mine["status"] == "counting"
    assert "expected" not in str(mine) and "quantity" not in str(mine)  # blind
    first = await count(client, mine, "c1", 2, RECEIVER)
    assert first["task"]["status"] == "recount" and "10" not in first["message"]
    assert await take(client, RECEIVER) is None  # a recount is another counter's

    other = await take(client, PICKER)
    assert (other["id"], other["round"]) == (task["id"], 2)
    second = await count(client, other, "c2", 2, PICKER)
    assert second["task"]["status"] == "approval"  # 8 x 5.00 = 40.00, above the approval value of 20
    assert await on_hand(conn, "S-1") == 10  # nothing adjusted yet

    approved = await client.post(f"/api/v1/counts/{task['id']}/approve", json={"approve": True, "note": "checked"}, headers=SUPERVISOR)
    assert approved.status_code == 200, approved.text
    review = approved.json()
    assert review["task"]["status"] == "done" and "approved by supervisor" in review["outcome"]
    assert [(r["round"], r["user"], r["lines"][0]["counted"], r["lines"][0]["expected"]) for r in review["rounds"]] == [
        (1, "receiver", 2, 10), (2, "picker", 2, 10)]
    assert len(review["adjustments"]) == 1
    row = await conn.fetchrow("select reason, quantity, from_location_id is not null as out from movements where reason = 'count'")
    assert (row["quantity"], row["out"]) == (8, True)
    assert await on_hand(conn, "S-1") == 2
    again = await client.post(f"/api/v1/counts/{task['id']}/approve", json={"approve": True}, headers=SUPERVISOR)
    assert again.status_code == 409
    assert (await check_ledger(conn)).consistent


async def test_small_variances_are_adjusted_at_once_and_accuracy_is_reported(client, conn):
    await storage(conn, bins=3)
    for code in ("S-1", "S-2", "S-3"):
        await stock(client, code, 10)
    settings = (await client.get("/api/v1/receiving/settings", headers=SUPERVISOR)).json()
    await client.put("/api/v1/receiving/settings", json=settings | {"count_tolerance_units": 1}, headers=SUPERVISOR)
    await counts_at(client, "S-1", "S-2", "S-3")
    exact = await count(client, await take(client, RECEIVER), "a", 10, RECEIVER)
    assert exact["task"]["status"] == "done"
    one_more = await count(client, await take(client, RECEIVER), "b", 11, RECEIVER)  # within the tolerance of 1
    assert one_more["task"]["status"] == "done" and await on_hand(conn, "S-2") == 11
    found = await conn.fetchrow("select quantity, to_location_id is not null as into from movements where reason = 'count'")
    assert (found["quantity"], found["into"]) == (1, True)
    await count(client, await take(client, RECEIVER), "c", 10, RECEIVER)

    report = await client.get("/api/v1/counts/accuracy", headers=SUPERVISOR)
    assert report.status_code == 200, report.text
    body = report.json()
    assert body["locations_counted"] == 3 and body["accuracy_pct"] == 66.67
    [today] = body["periods"]
    assert (today["locations_with_variance"], today["units_counted"], today["units_variance"]) == (1, 31, 1)


async def test_the_abc_schedule_makes_the_counts_that_are_due(client, conn):
    await storage(conn, bins=3)
    await stock(client, "S-1", 5)
    await stock(client, "S-2", 5)
    await client.put("/api/v1/storage/skus/APPLE", json={"velocity": "A"}, headers=SUPERVISOR)
    made = await client.post("/api/v1/counts/schedule", json={}, headers=SUPERVISOR)
    assert made.status_code == 201, made.text
    assert sorted((t["location"], t["source"]) for t in made.json()) == [("S-1", "schedule"), ("S-2", "schedule")]
    assert "class A" in made.json()[0]["reason"]
    assert (await client.post("/api/v1/counts/schedule", json={}, headers=SUPERVISOR)).json() == []  # already open
    for n in range(2):
        await count(client, await take(client, RECEIVER), f"s{n}", 5, RECEIVER)
    assert (await client.post("/api/v1/counts/schedule", json={}, headers=SUPERVISOR)).json() == []  # counted today


async def test_picks_from_a_bin_under_count_wait_or_go_to_another_bin(client, conn):
    await storage(conn, bins=1)
    await stock(client, "S-1", 5)
    await orders(client, conn, [{"sku": "APPLE", "quantity": 2}])
    await stock(client, "BIN-2", 5)
    await release(client, mode="discrete")
    [task] = (await next_trip(client))["tasks"]
    assert task["location"] == "S-1"
    await counts_at(client, "S-1")
    assert (await take(client, RECEIVER))["location"] == "S-1"

    waits = await confirm(client, task, "p1")
    assert waits.status_code == 409 and "S-1 is being counted" in waits.json()["detail"] and "BIN-2" in waits.json()["detail"]
    moved = await confirm(client, task, "p2", location="BIN-2")
    assert moved.status_code == 200, moved.text
    assert await on_hand(conn, "BIN-2") == 3 and await on_hand(conn, "S-1") == 5
    assert (await check_ledger(conn)).consistent


async def test_a_count_is_refused_at_the_wrong_bin_or_by_someone_else(client, conn):
    await storage(conn, bins=2)
    [task] = await counts_at(client, "S-1")
    held = await take(client, RECEIVER)
    wrong_bin = await client.post(f"/api/v1/counts/{task['id']}/count", json={"scan_id": "x", "location": "S-2"}, headers=RECEIVER)
    assert wrong_bin.status_code == 422 and wrong_bin.json()["errors"][0]["field"] == "location"
    not_theirs = await client.post(f"/api/v1/counts/{task['id']}/count", json={"scan_id": "y", "location": "S-1"}, headers=PICKER)
    assert not_theirs.status_code == 409
    unknown = await client.post(f"/api/v1/counts/{task['id']}/count",
                                json={"scan_id": "z", "location": "S-1", "lines": [{"item": "]E09780201379624", "count": 1}]},
                                headers=RECEIVER)
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "lines[0].item"
    empty = await count(client, held, "e", 0, RECEIVER)
    assert empty["task"]["status"] == "done"
    assert await conn.fetchval("select count(*) from counts") == 1


async def test_a_short_picks_count_finds_the_missing_units_back(client, conn):
    await stock(client, "BIN-1", 5)
    await orders(client, conn, [{"sku": "APPLE", "quantity": 5}])
    await release(client)
    task = (await next_trip(client))["tasks"][0]
    short = await client.post(f"/api/v1/picking/tasks/{task['id']}/short", json={"scan_id": "s", "location": "BIN-1", "reason": "empty"},
                              headers=PICKER)
    assert short.status_code == 200, short.text
    assert await on_hand(conn, "BIN-1") == 0  # written off as lost until counted

    counting = await take(client, RECEIVER)
    assert (counting["location"], counting["sku"], counting["source"]) == ("BIN-1", "APPLE", "short_pick")
    assert (await count(client, counting, "k1", 5, RECEIVER))["task"]["status"] == "recount"
    recount = await take(client, PICKER)
    done = await count(client, recount, "k2", 5, PICKER)
    assert done["task"]["status"] == "done" and done["message"] == "counted: the stock is corrected"
    assert await on_hand(conn, "BIN-1") == 5
    assert await conn.fetchval("select status from orders") == "allocated"  # found stock serves the order again
    assert (await check_ledger(conn)).consistent
