"""FEFO for expiry-tracked SKUs, FIFO otherwise; one location where it can; the lot asked for."""

import datetime

from tests.allocating import place, put, reserved_from
from tests.channels import make_channel

TODAY = datetime.date.today()


async def test_fefo_takes_the_lot_that_expires_first_and_never_an_expired_one(conn):
    shop = await make_channel(conn)
    await put(conn, "BIN-1", 10, "MILK", "LATE", TODAY + datetime.timedelta(days=60))
    await put(conn, "BIN-2", 10, "MILK", "SOON", TODAY + datetime.timedelta(days=5))
    await put(conn, "BIN-3", 10, "MILK", "GONE", TODAY - datetime.timedelta(days=1))

    placed = await place(conn, shop, "F-1", [{"sku": "MILK", "quantity": 12}])

    assert placed.status == "allocated"
    assert await reserved_from(conn, placed.id) == [("BIN-2", "SOON", 10), ("BIN-1", "LATE", 2)]


async def test_fefo_respects_the_minimum_remaining_shelf_life_the_channel_asks_for(conn):
    shop = await make_channel(conn, min_shelf_life_days=30)
    await put(conn, "BIN-1", 10, "MILK", "LATE", TODAY + datetime.timedelta(days=60))
    await put(conn, "BIN-2", 10, "MILK", "SOON", TODAY + datetime.timedelta(days=5))

    placed = await place(conn, shop, "F-2", [{"sku": "MILK", "quantity": 12}], allow_partial=True)

    assert placed.status == "backordered"
    assert await reserved_from(conn, placed.id) == [("BIN-1", "LATE", 10)]


async def test_fifo_takes_the_oldest_stock_first(conn):
    shop = await make_channel(conn)
    await put(conn, "BIN-3", 4)
    await put(conn, "BIN-1", 4)
    placed = await place(conn, shop, "O-1", [{"sku": "APPLE", "quantity": 6}])
    assert await reserved_from(conn, placed.id) == [("BIN-3", "", 4), ("BIN-1", "", 2)]


async def test_a_line_is_filled_from_one_location_when_one_holds_it_all(conn):
    shop = await make_channel(conn)
    await put(conn, "BIN-1", 3)
    await put(conn, "BIN-2", 9)
    placed = await place(conn, shop, "O-2", [{"sku": "APPLE", "quantity": 5}])
    assert await reserved_from(conn, placed.id) == [("BIN-2", "", 5)]


async def test_a_lot_the_order_demands_is_the_lot_reserved(conn):
    shop = await make_channel(conn)
    await put(conn, "BIN-1", 10, "MILK", "A", TODAY + datetime.timedelta(days=5))
    await put(conn, "BIN-2", 10, "MILK", "B", TODAY + datetime.timedelta(days=50))
    placed = await place(conn, shop, "L-1", [{"sku": "MILK", "quantity": 4, "lot": "B"}])
    assert await reserved_from(conn, placed.id) == [("BIN-2", "B", 4)]


async def test_stock_outside_pickable_locations_is_not_allocated(conn):
    shop = await make_channel(conn)
    await put(conn, "DOCK", 10)
    placed = await place(conn, shop, "D-1", [{"sku": "APPLE", "quantity": 1}])
    assert placed.status == "backordered" and await reserved_from(conn, placed.id) == []
