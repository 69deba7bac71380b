"""From a released wave to stock in the tote: the picker's trip, confirmations, the ledger."""

import asyncio

from server.inventory.stock import check_ledger
from tests.conftest import bearer
from tests.picking_floor import confirm, log_in, next_trip, orders, release, stock


async def test_a_discrete_wave_is_picked_into_totes_and_the_order_is_reported_picked(client, conn):
    await stock(client, "BIN-1", 10)
    await stock(client, "BIN-3", 10, "MILK", lot="L1", expiry="2031-01-01")
    placed = await orders(client, conn, [{"sku": "APPLE", "quantity": 2}, {"sku": "MILK", "quantity": 3}])

    wave = await release(client, mode="discrete")
    assert (wave["orders"], wave["trips"], wave["tasks"]) == (1, 1, 2)
    trip = await next_trip(client)
    assert [t["location"] for t in trip["tasks"]] == ["BIN-1", "BIN-3"]

    first = await confirm(client, trip["tasks"][0], "s1")
    assert first.status_code == 200, first.text
    milk = "]C1" + "01" + "05901234123457" + "10" + "L1"
    second = await confirm(client, trip["tasks"][1], "s2", item=milk)
    assert second.status_code == 200, second.text
    assert second.json()["order_picked"] is True

    in_tote = await conn.fetch(
        "select s.code, st.quantity from stock st join skus s on s.id = st.sku_id join locations l on l.id = st.location_id"
        " where l.code = 'PACK' and st.lpn = 'TOTE-1' order by s.code"
    )
    assert [tuple(r) for r in in_tote] == [("APPLE", 2), ("MILK", 3)]
    order = (await client.get(f"/api/v1/orders/{placed[0]['id']}", headers=bearer("supervisor"))).json()
    assert order["status"] == "picking" and [l["picked"] for l in order["lines"]] == [2, 3]
    assert "order.picked" in [t["event"] for t in order["timeline"]]
    assert (await check_ledger(conn)).consistent
    assert await conn.fetchval("select sum(reserved) from stock") == 0


async def test_a_replayed_confirmation_returns_the_first_answer_and_moves_nothing(client, conn):
    await stock(client, "BIN-1", 10)
    await orders(client, conn, [{"sku": "APPLE", "quantity": 4}])
    await release(client)
    task = (await next_trip(client))["tasks"][0]

    first = await confirm(client, task, "scan-42", count=1)
    again = await confirm(client, task, "scan-42", count=1)

    assert first.content == again.content
    assert await conn.fetchval("select count(*) from movements where reason = 'pick'") == 1
    assert await conn.fetchval("select picked from pick_tasks where id = $1", task["id"]) == 1


async def test_wrong_location_wrong_item_wrong_lot_or_too_many_are_refused_and_move_nothing(client, conn):
    await stock(client, "BIN-1", 10)
    await stock(client, "BIN-2", 10, "MILK", lot="L1", expiry="2031-01-01")
    await orders(client, conn, [{"sku": "APPLE", "quantity": 2}, {"sku": "MILK", "quantity": 1}])
    await release(client)
    apple, milk = (await next_trip(client))["tasks"]

    cases = [
        (await confirm(client, apple, "b1", location="BIN-2"), "location", "go to BIN-1"),
        (await confirm(client, apple, "b2", item="5901234123457"), "item", "wrong item"),
        (await confirm(client, apple, "b3", count=3), "count", "too many"),
        (await confirm(client, apple, "b4", item="14006381333938", count=1), "count", "too many"),  # a case of 12
        (await confirm(client, milk, "b5", item="]C1010590123412345710L2"), "item", "wrong lot"),
        (await confirm(client, apple, "b6", item="no-such-code"), "item", "not an item we know"),
    ]
    for response, field, words in cases:
        assert response.status_code == 422, response.text
        problem = response.json()
        assert problem["errors"][0]["field"] == field and words in problem["detail"]
    assert await conn.fetchval("select count(*) from movements where reason = 'pick'") == 0


async def test_a_trip_is_held_by_one_picker_and_twenty_pickers_asking_at_once_get_different_trips(client, conn):
    await stock(client, "BIN-1", 100)
    await orders(client, conn, *[[{"sku": "APPLE", "quantity": 1}] for _ in range(10)])
    await release(client, mode="discrete")
    for i in range(20):
        await conn.execute(
            "insert into users (username, name, role) values ($1, $1, 'picker')", f"p{i}"
        )
        await log_in(conn, f"p{i}")

    async def ask(i: int):
        return await client.post("/api/v1/picking/next", json={}, headers={"Authorization": f"Bearer token-p{i}"})

    answers = await asyncio.gather(*(ask(i) for i in range(20)))

    trips = [a.json()["trip"] for a in answers if a.status_code == 200]
    assert len(trips) == 10 == len(set(trips))
    assert sorted(a.status_code for a in answers) == [200] * 10 + [404] * 10
    holders = await conn.fetchval("select count(distinct (trip, assigned_to)) from pick_tasks")
    assert holders == 10


async def test_another_picker_cannot_confirm_a_task_they_do_not_hold(client, conn):
    await stock(client, "BIN-1", 10)
    await orders(client, conn, [{"sku": "APPLE", "quantity": 1}])
    await release(client)
    task = (await next_trip(client))["tasks"][0]
    response = await confirm(client, task, "x1", role="supervisor")
    assert response.status_code == 409 and "held by picker" in response.json()["detail"]


async def test_a_trip_that_does_not_exist_is_a_404(client):
    response = await client.get("/api/v1/picking/trips/0", headers=bearer("picker"))
    assert response.status_code == 404 and response.json()["detail"] == "no trip 0"
