"""Putaway suggests, per LPN line and in this order: the SKU's pick face while below its maximum; a
storage bin already holding the same SKU and lot with room; an empty storage bin of the zone for
the SKU's velocity class, nearest the dock. Every bin's capacity (units, volume, weight, as set)
is respected. The operator confirms by scanning the destination (one ledger row); another bin
needs a reason and must have room; stock reaching a pick face serves backordered orders."""

from server.inventory.stock import check_ledger
from tests.channels import key, make_channel, order
from tests.receiving.warehouse import (
    APPLE, RECEIVER, SUPERVISOR, announce, on_hand, plan, put_away, received, start, storage,
)


async def profile(client, kind: str, code: str, **body) -> None:
    response = await client.put(f"/api/v1/storage/{kind}/{code}", json=body, headers=SUPERVISOR)
    assert response.status_code == 200, response.text


async def on_lpn(client, quantity: int) -> str:
    receipt = await announce(client, lines=[{"sku": "APPLE", "quantity": 1000}])
    await start(client, "PO-1")
    return (await received(client, receipt["id"], "a", APPLE, count=quantity))["received"][0]["lpn"]


async def adjust_in(client, location: str, quantity: int) -> None:
    body = {"location": location, "sku": "APPLE", "quantity": quantity, "direction": "in", "reason": "found"}
    assert (await client.post("/api/v1/stock/adjustments", json=body, headers=SUPERVISOR)).status_code == 201


async def test_the_rules_apply_in_order_within_each_bins_capacity(client, conn):
    await storage(conn, bins=4, capacity=20)
    await conn.execute("update skus set weight_g = 1000, length_mm = 100, width_mm = 100, height_mm = 100 where code = 'APPLE'")
    assert (await client.post("/api/v1/replenishment-rules", json={"location": "BIN-1", "sku": "APPLE", "min_quantity": 2,
                                                                   "max_quantity": 10}, headers=SUPERVISOR)).status_code == 201
    await adjust_in(client, "BIN-1", 4)
    await adjust_in(client, "S-3", 5)
    await profile(client, "locations", "S-1", capacity=20, max_weight_g=5000)  # 5 of these 1 kg units
    await profile(client, "locations", "S-2", capacity=20, max_volume_ml=3000)  # 3 of these 1 litre units
    lpn = await on_lpn(client, 40)

    [line] = (await plan(client, lpn))["lines"]
    assert [(p["location"], p["quantity"], p["rule"]) for p in line["puts"]] == [
        ("BIN-1", 6, "pick_face"),  # up to its maximum of 10
        ("S-3", 15, "same_lot"),  # 5 there, room for 20
        ("S-1", 5, "empty_bin"),  # nearest the dock, but only 5 kg
        ("S-2", 3, "empty_bin"),  # 3 litres
        ("S-4", 11, "empty_bin"),
    ]

    done = await put_away(client, "p1", lpn, "BIN-1")
    assert done.status_code == 200, done.text
    body = done.json()
    assert body["movement"]["reason"] == "putaway" and body["movement"]["quantity"] == 6 and body["overridden"] is False
    assert await on_hand(conn, "BIN-1", lpn="") == 10 and await on_hand(conn, "DOCK") == 34
    assert [p["location"] for p in body["plan"]["lines"][0]["puts"]] == ["S-3", "S-1", "S-2", "S-4"]

    elsewhere = await put_away(client, "p2", lpn, "S-4", quantity=4)
    assert elsewhere.status_code == 200  # S-4 is a suggested bin too, lower down the list
    # S-4 now holds the same lot: it comes before the empty bins
    puts = elsewhere.json()["plan"]["lines"][0]["puts"]
    assert [(p["location"], p["quantity"], p["rule"]) for p in puts] == [("S-3", 15, "same_lot"), ("S-4", 15, "same_lot")]
    refused = await put_away(client, "p3", lpn, "BIN-2")
    assert refused.status_code == 422 and "not the suggested bin (S-3)" in refused.json()["detail"]
    too_big = await put_away(client, "p4", lpn, "S-1", quantity=6, reason="closer")
    assert too_big.status_code == 422 and "room for 5" in too_big.json()["detail"]
    forced = await put_away(client, "p6", lpn, "S-2", quantity=3, reason="S-3 blocked by a pallet")
    assert forced.status_code == 200 and forced.json()["overridden"] is True
    assert "S-3 blocked by a pallet" in forced.json()["movement"]["reference"]
    assert await conn.fetchval("select count(*) from movements where reason = 'putaway'") == 3
    assert (await check_ledger(conn)).consistent


async def test_an_empty_bin_is_taken_from_the_zone_of_the_skus_velocity_class(client, conn):
    await storage(conn, bins=2, zone="ZONE-S")  # nearer, for no class
    fast = await storage(conn, bins=2, zone="ZONE-F", velocity="A")
    await conn.execute("update locations set x = x + 10 where code = any($1::text[])", fast)
    await profile(client, "skus", "APPLE", velocity="A", unit_value=2.5)
    lpn = await on_lpn(client, 7)
    [line] = (await plan(client, lpn))["lines"]
    assert [(p["location"], p["rule"]) for p in line["puts"]] == [("F-1", "empty_bin")]
    await profile(client, "skus", "APPLE")
    [line] = (await plan(client, lpn))["lines"]
    assert [(p["location"], p["rule"]) for p in line["puts"]] == [("S-1", "empty_bin")]


async def test_stock_put_into_a_pick_face_serves_a_backordered_order(client, conn):
    shop = await make_channel(conn)
    placed = await client.post("/api/v1/orders", json=order("W-1", lines=[{"sku": "APPLE", "quantity": 3}]), headers=key(shop))
    assert placed.json()["status"] == "backordered"
    assert (await client.post("/api/v1/replenishment-rules", json={"location": "BIN-1", "sku": "APPLE", "min_quantity": 1,
                                                                   "max_quantity": 50}, headers=SUPERVISOR)).status_code == 201
    lpn = await on_lpn(client, 5)
    assert await conn.fetchval("select status from orders") == "backordered"  # stock at the dock is not pickable
    assert (await put_away(client, "p", lpn, "BIN-1")).status_code == 200
    assert await conn.fetchval("select status from orders") == "allocated"
    assert await conn.fetchval("select sum(allocated) from order_lines") == 3


async def test_a_replayed_putaway_moves_nothing_more(client, conn):
    await storage(conn, bins=1)
    lpn = await on_lpn(client, 4)
    first = await put_away(client, "same", lpn, "S-1")
    again = await put_away(client, "same", lpn, "S-1")
    assert first.status_code == again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert await on_hand(conn, "S-1") == 4 and await conn.fetchval("select count(*) from movements where reason = 'putaway'") == 1
    empty = await put_away(client, "other", lpn, "S-1")
    assert empty.status_code == 422 and "holds nothing" in empty.json()["detail"]
    lookup = await client.get(f"/api/v1/receiving/lpns/{lpn}", headers=RECEIVER)
    assert lookup.json()["content"] == []
