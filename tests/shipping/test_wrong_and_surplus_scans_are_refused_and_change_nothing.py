"""At the pack station a wrong item, an item of another order, a surplus unit, a case where single
units are left, a carton label, a carton weighing far from its content, and shipping an order that
is not complete are each refused with the reason, and nothing changes: not the ledger, not stock,
not the order."""

from labels.symbols import gs1
from tests.conftest import bearer
from tests.packing_floor import APPLE, APPLE_CASE, MILK, close, open_carton, picked, scan, ship
from tests.picking_floor import BARCODES


async def snapshot(conn) -> tuple:
    return (
        await conn.fetchval("select count(*) from movements"),
        tuple(await conn.fetch("select id, lpn, quantity from stock order by id")),
        tuple(await conn.fetch("select id, packed, shipped from order_lines order by id")),
        await conn.fetchval("select count(*) from carton_items"),
    )


async def test_every_wrong_scan_is_refused_with_its_reason_and_moves_nothing(client, conn):
    mine, other = await picked(client, conn, [{"sku": "APPLE", "quantity": 2}], [{"sku": "MILK", "quantity": 1}])
    carton = await open_carton(client, mine["id"])
    assert (await scan(client, carton["id"], "ok-1")).status_code == 200
    before = await snapshot(conn)

    refusals = {
        MILK: "wrong item: MILK is not in order P-0; it belongs to order P-1, put it aside",
        APPLE_CASE: "too many: 1 x APPLE left to pack, that scan is 12",
        "]E04006381333948": "'4006381333948' is not an item we know",
        "]C100" + gs1.sscc(0, "0614141", 1): "that is a carton label (SSCC): scan the item's own barcode",
    }
    for n, (item, reason) in enumerate(refusals.items()):
        refused = await scan(client, carton["id"], f"bad-{n}", item=item)
        assert refused.status_code == 422, refused.text
        assert reason in refused.json()["errors"][0]["reason"], refused.text
        assert refused.json()["errors"][0]["field"] == "item"
    assert await snapshot(conn) == before

    assert (await scan(client, carton["id"], "ok-2")).status_code == 200
    surplus = await scan(client, carton["id"], "ok-3", item=APPLE)
    assert surplus.status_code == 422
    assert surplus.json()["errors"][0]["reason"] == "surplus: every APPLE of this order is packed already; put it back"
    replay = await scan(client, carton["id"], "ok-2")
    assert replay.status_code == 200 and replay.headers["Idempotent-Replayed"] == "true"
    assert await conn.fetchval("select packed from order_lines where order_id = $1", mine["id"]) == 2


async def test_a_carton_far_from_its_expected_weight_does_not_close_until_the_packer_accepts_it(client, conn):
    [placed] = await picked(client, conn, [{"sku": "APPLE", "quantity": 2}])
    carton = await open_carton(client, placed["id"])
    for n in range(2):
        await scan(client, carton["id"], f"w-{n}")
    expected = 150 + 2 * 1050

    light = await close(client, carton["id"], expected - 1050)
    assert light.status_code == 422
    assert light.json()["errors"][0] == {
        "field": "weight_g",
        "reason": "the carton weighs 1.200 kg; its content and box should weigh 2.250 kg (2.025 to 2.475): "
                  "check the content, or accept the weight",
    }
    still = (await client.get(f"/api/v1/packing/cartons/{carton['id']}", headers=bearer("packer"))).json()
    assert (still["status"], still["sscc"]) == ("open", None)

    accepted = await close(client, carton["id"], expected - 1050, accept_weight=True)
    assert accepted.status_code == 200 and accepted.json()["carton"]["weight_g"] == expected - 1050


async def test_an_order_that_may_not_ship_partly_waits_until_complete_and_the_station_says_why(client, conn):
    [placed] = await picked(client, conn, [{"sku": "APPLE", "quantity": 1}, {"sku": "MILK", "quantity": 1}])
    carton = await open_carton(client, placed["id"])
    await scan(client, carton["id"], "a")
    assert (await close(client, carton["id"], 1200)).json()["order"]["why_not"] == (
        "the order is not complete (line 2 MILK: 0 of 1 packed) and its channel does not allow partial shipments")
    before = await snapshot(conn)

    refused = await ship(client, placed["id"])
    assert refused.status_code == 409
    assert "cannot ship yet: the order is not complete (line 2 MILK: 0 of 1 packed)" in refused.json()["detail"]
    assert await snapshot(conn) == before


async def test_an_order_that_allows_it_ships_in_parts_and_is_shipped_with_the_last(client, conn):
    [placed] = await picked(client, conn, [{"sku": "APPLE", "quantity": 1}, {"sku": "MILK", "quantity": 1}], allow_partial=True)
    first = await open_carton(client, placed["id"])
    await scan(client, first["id"], "a")
    await close(client, first["id"], 1200)
    assert (await ship(client, placed["id"])).status_code == 201
    order = (await client.get(f"/api/v1/orders/{placed['id']}", headers=bearer("supervisor"))).json()
    assert (order["status"], [l["state"] for l in order["lines"]]) == ("partially_shipped", ["shipped", "picked"])

    second = await open_carton(client, placed["id"])
    await scan(client, second["id"], "m", item=f"]C1010{BARCODES['MILK']}10L1")
    await close(client, second["id"], 1180)
    assert (await ship(client, placed["id"])).status_code == 201
    order = (await client.get(f"/api/v1/orders/{placed['id']}", headers=bearer("supervisor"))).json()
    assert order["status"] == "shipped" and len(order["shipments"]) == 2
