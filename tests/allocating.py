"""Helpers for allocation tests: stock in bins, orders through the service."""

import datetime

import msgspec

from schema.orders import OrderCreate
from schema.stock import Adjustment
from server.inventory import stock
from server.orders import placing
from server.orders.allocation import allocate_waiting
from tests.channels import order


async def put(conn, location: str, quantity: int, sku: str = "APPLE", lot: str = "", expiry: datetime.date | None = None) -> None:
    await stock.adjust(
        conn, Adjustment(location=location, sku=sku, quantity=quantity, direction="in", reason="found", lot=lot, expiry=expiry),
        (1, "admin"), allocate_waiting,
    )


async def place(conn, channel, external_id: str, lines: list[dict], **fields):
    async with conn.transaction():
        return await placing.create_order(conn, (channel.channel.id, channel.channel.name), msgspec.convert(order(external_id, lines=lines, **fields), OrderCreate))


async def reserved_from(conn, order_id: int) -> list[tuple[str, str, int]]:
    """(location, lot, quantity) of the order's reservations."""
    rows = await conn.fetch(
        """
        select l.code, st.lot, r.quantity from reservations r
          join stock st on st.id = r.stock_id join locations l on l.id = st.location_id
          join order_lines ol on ol.id = r.order_line_id
         where ol.order_id = $1 order by r.id
        """,
        order_id,
    )
    return [tuple(r) for r in rows]
