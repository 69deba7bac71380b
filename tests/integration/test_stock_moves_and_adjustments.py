from tests.conftest import bearer


async def post(client, path, body, role="supervisor"):
    return await client.post(f"/api/v1/stock/{path}", json=body, headers=bearer(role))


async def on_hand(client, **query):
    params = "&".join(f"{k}={v}" for k, v in query.items())
    return (await client.get(f"/api/v1/stock?{params}", headers=bearer("picker"))).json()["items"]


async def test_a_move_takes_from_one_bin_and_puts_in_another_with_one_ledger_row(client):
    await post(client, "adjustments", {"location": "BIN-1", "sku": "APPLE", "quantity": 10, "direction": "in", "reason": "found"})

    moved = await post(client, "moves", {"from_location": "BIN-1", "to_location": "BIN-2", "sku": "APPLE", "quantity": 4}, "picker")

    assert moved.status_code == 201
    assert {(r["location"], r["quantity"]) for r in await on_hand(client, sku="APPLE")} == {("BIN-1", 6), ("BIN-2", 4)}
    ledger = (await client.get("/api/v1/stock/movements?location=BIN-2", headers=bearer("picker"))).json()["items"]
    assert [(m["from_location"], m["to_location"], m["quantity"], m["user"]) for m in ledger] == [("BIN-1", "BIN-2", 4, "picker")]


async def test_a_lot_keeps_its_expiry_when_it_moves(client):
    await post(
        client, "adjustments",
        {"location": "BIN-1", "sku": "MILK", "lot": "L7", "expiry": "2030-01-31", "quantity": 8, "direction": "in", "reason": "found"},
    )
    await post(client, "moves", {"from_location": "BIN-1", "to_location": "BIN-3", "sku": "MILK", "lot": "L7", "quantity": 3})

    rows = await on_hand(client, location="BIN-3")
    assert [(r["lot"], r["expiry"], r["quantity"]) for r in rows] == [("L7", "2030-01-31", 3)]


async def test_moving_into_an_lpn_keeps_the_lpn_on_hand(client):
    await post(client, "adjustments", {"location": "BIN-1", "sku": "APPLE", "quantity": 5, "direction": "in", "reason": "found"})
    await post(client, "moves", {"from_location": "BIN-1", "to_location": "BIN-1", "to_lpn": "LPN0001", "sku": "APPLE", "quantity": 5})
    rows = await on_hand(client, location="BIN-1")
    assert [(r["lpn"], r["quantity"]) for r in rows] == [("LPN0001", 5)]


async def test_taking_more_than_is_there_says_how_much_is_there(client):
    await post(client, "adjustments", {"location": "BIN-1", "sku": "APPLE", "quantity": 2, "direction": "in", "reason": "found"})
    response = await post(client, "moves", {"from_location": "BIN-1", "to_location": "BIN-2", "sku": "APPLE", "quantity": 3})
    assert response.status_code == 409
    assert response.json()["detail"] == "only 2 of SKU APPLE at BIN-1 there, 3 asked for"


async def test_the_reason_codes_are_listed(client):
    codes = {r["code"] for r in (await client.get("/api/v1/stock/reasons", headers=bearer("picker"))).json()}
    assert {"found", "damaged", "lost", "count", "move"} <= codes


async def test_a_supervisor_can_run_the_ledger_check(client):
    await post(client, "adjustments", {"location": "BIN-1", "sku": "APPLE", "quantity": 2, "direction": "in", "reason": "found"})
    check = (await client.get("/api/v1/stock/ledger-check", headers=bearer("supervisor"))).json()
    assert check == {"consistent": True, "rows_checked": 1, "mismatches": []}
