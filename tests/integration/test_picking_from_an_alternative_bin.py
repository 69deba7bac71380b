"""A picker may take the units from another pickable bin holding the same lot; anything else is refused."""

from server.inventory.stock import check_ledger
from tests.picking_floor import confirm, next_trip, orders, release, stock

MILK = "5901234123457"


async def reserved_and_on_hand(conn) -> dict[str, tuple[int, int]]:
    rows = await conn.fetch(
        "select l.code, st.reserved, st.quantity from stock st join locations l on l.id = st.location_id where st.lpn = '' order by l.code"
    )
    return {r["code"]: (r["reserved"], r["quantity"]) for r in rows}


async def test_a_pick_from_another_bin_with_the_same_lot_moves_the_reservation_there(client, conn):
    await stock(client, "BIN-1", 5, "MILK", lot="L1", expiry="2031-01-01")
    await stock(client, "BIN-2", 5, "MILK", lot="L1", expiry="2031-01-01")
    await orders(client, conn, [{"sku": "MILK", "quantity": 3}])
    await release(client)
    task = (await next_trip(client))["tasks"][0]
    assert task["location"] == "BIN-1"

    first = await confirm(client, task, "a1", item=MILK, count=2, location="BIN-2")

    assert first.status_code == 200, first.text
    assert first.json()["task"]["picked_from"] == "BIN-2"
    assert await reserved_and_on_hand(conn) == {"BIN-1": (1, 5), "BIN-2": (0, 3)}
    rest = await confirm(client, first.json()["task"], "a2", item=MILK, count=1, location="BIN-2")
    assert rest.status_code == 200, rest.text
    assert rest.json()["order_picked"] is True
    assert await reserved_and_on_hand(conn) == {"BIN-1": (0, 5), "BIN-2": (0, 2)}
    sources = await conn.fetch(
        "select l.code, m.lot, m.quantity from movements m join locations l on l.id = m.from_location_id"
        " where m.reason = 'pick' order by m.id"
    )
    assert [tuple(r) for r in sources] == [("BIN-2", "L1", 2), ("BIN-2", "L1", 1)]
    assert await conn.fetchval("select sum(picked) from reservations") == 3
    assert (await check_ledger(conn)).consistent


async def test_a_bin_with_another_lot_too_few_free_units_or_no_pick_location_is_refused_and_moves_nothing(client, conn):
    await stock(client, "BIN-1", 5, "MILK", lot="L1", expiry="2031-01-01")
    await stock(client, "BIN-2", 5, "MILK", lot="L2", expiry="2031-01-01")
    await stock(client, "BIN-3", 5, "MILK", lot="L1", expiry="2031-02-01")
    await stock(client, "BIN-4", 1, "MILK", lot="L1", expiry="2031-01-01")
    await stock(client, "PACK", 5, "MILK", lot="L1", expiry="2031-01-01")
    await orders(client, conn, [{"sku": "MILK", "quantity": 2}])
    await release(client)
    task = (await next_trip(client))["tasks"][0]
    before = await reserved_and_on_hand(conn)

    cases = [
        ("BIN-2", "BIN-2 holds no MILK lot L1 expiring 2031-01-01; go to BIN-1"),
        ("BIN-3", "BIN-3 holds no MILK lot L1 expiring 2031-01-01; go to BIN-1"),
        ("BIN-4", "only 1 of MILK lot L1 expiring 2031-01-01 free at BIN-4, you scanned 2; go to BIN-1"),
        ("PACK", "PACK is not a bin to pick from; go to BIN-1"),
        ("NOWHERE", "wrong location: go to BIN-1"),
    ]
    for i, (location, words) in enumerate(cases):
        response = await confirm(client, task, f"r{i}", item=MILK, location=location)
        assert response.status_code == 422, response.text
        problem = response.json()
        assert problem["errors"][0]["field"] == "location" and words in problem["detail"], problem

    assert await reserved_and_on_hand(conn) == before
    assert await conn.fetchval("select count(*) from movements where reason = 'pick'") == 0
    assert await conn.fetchval("select picked_from_id from pick_tasks where id = $1", task["id"]) is None
