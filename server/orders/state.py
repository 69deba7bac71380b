"""An order's state changed by a person or a channel: cancel, hold, release, and a supervisor's
release to allocation."""

import asyncpg
import msgspec

from schema.orders import Address, Order
from server.core import outbox
from server.core.problems import Conflict, NotFound
from server.inventory import availability
from server.orders import allocation
from server.orders.reads import BEFORE_PICKING, event_payload, get_order


async def _lock_order(conn: asyncpg.Connection, order_id: int, channel_id: int | None) -> asyncpg.Record:
    row = await conn.fetchrow(
        "select id, channel_id, status from orders where id = $1 and ($2::bigint is null or channel_id = $2) for update",
        order_id,
        channel_id,
    )
    if row is None:
        raise NotFound(f"no order {order_id}")
    return row


async def _set_status(conn: asyncpg.Connection, order: asyncpg.Record, status: str, event: str, note: str) -> Order:
    await conn.execute("update orders set status = $2, updated_at = now() where id = $1", order["id"], status)
    return await _announce(conn, order, event, note)


async def _announce(conn: asyncpg.Connection, order: asyncpg.Record, event: str, note: str) -> Order:
    """The event of a change to the order, with the order as it is now; the order with its timeline."""
    updated = await get_order(conn, order["id"], None)
    await outbox.emit(conn, event, f"order:{order['id']}", event_payload(updated, note), order["channel_id"], order["id"])
    return await get_order(conn, order["id"], None)


def _refuse_after_picking(order: asyncpg.Record, action: str) -> None:
    if order["status"] == "cancelled":
        raise Conflict(f"order {order['id']} is already cancelled")
    if order["status"] not in BEFORE_PICKING:
        raise Conflict(f"order {order['id']} cannot be {action}: picking has started (status {order['status']})")


async def cancel(conn: asyncpg.Connection, order_id: int, channel_id: int | None, reason: str) -> Order:
    order = await _lock_order(conn, order_id, channel_id)
    _refuse_after_picking(order, "cancelled")
    await conn.execute(
        "update pick_tasks set status = 'cancelled' where order_id = $1 and status in ('open', 'assigned')", order_id
    )
    await allocation.release(conn, order_id)
    cancelled = await _set_status(conn, order, "cancelled", "order.cancelled", reason or "cancelled")
    await availability.announce(conn, [line.sku for line in cancelled.lines])
    return cancelled


async def hold(conn: asyncpg.Connection, order_id: int, channel_id: int | None, reason: str) -> Order:
    order = await _lock_order(conn, order_id, channel_id)
    _refuse_after_picking(order, "held")
    if order["status"] == "on_hold":
        raise Conflict(f"order {order_id} is already on hold")
    return await _set_status(conn, order, "on_hold", "order.on_hold", reason or "held")


async def release(conn: asyncpg.Connection, order_id: int, channel_id: int | None, note: str = "released from hold") -> Order:
    order = await _lock_order(conn, order_id, channel_id)
    if order["status"] != "on_hold":
        raise Conflict(f"order {order_id} is not on hold (status {order['status']})")
    if await conn.fetchval("select ship_to = 'null'::jsonb from orders where id = $1", order_id):
        raise Conflict(f"order {order_id} has no address to ship to; set it first: PUT /api/v1/orders/{order_id}/ship-to")
    unmapped = await conn.fetch("select source, reason from unmapped_lines where order_id = $1 order by id", order_id)
    if unmapped:
        raise Conflict(
            f"order {order_id} waits for store lines to be mapped ("
            + "; ".join(f"{u['source']}: {u['reason']}" for u in unmapped)
            + "); it is released by itself once they are, or cancel it"
        )
    status = await conn.fetchval(
        """
        select case when bool_and(allocated >= quantity) then 'allocated'
                    when bool_or(allocated > 0) then 'backordered'
                    else 'received' end
          from order_lines where order_id = $1
        """,
        order_id,
    )
    await conn.execute(
        "update orders set status = $2, awaiting_payment = false, held_for_review = false, updated_at = now() where id = $1",
        order_id, status,
    )
    if status != "allocated" and await conn.fetchval(
        "select allocate_on = 'arrival' from channels where id = $1", order["channel_id"]
    ):
        await allocation.allocate_order(conn, order_id, announce=False)
    return await _announce(conn, order, "order.released", note)


async def release_when_clear(conn: asyncpg.Connection, order_id: int, note: str) -> str | None:
    """An order held by store intake, once nothing holds it any more (no unmapped line, an
    address, paid, nothing for a person to review): released, or cancelled when the warehouse has
    nothing of it to ship. Says which, or None when it stays held."""
    row = await conn.fetchrow(
        """
        select o.status, o.ship_to = 'null'::jsonb or o.awaiting_payment or o.held_for_review
                         or exists (select 1 from unmapped_lines u where u.order_id = o.id) as held,
               exists (select 1 from order_lines l where l.order_id = o.id) as has_lines
          from orders o where o.id = $1
        """,
        order_id,
    )
    if row["status"] != "on_hold" or row["held"]:
        return None
    if not row["has_lines"]:
        await cancel(conn, order_id, None, "nothing in it for the warehouse to ship: every line is mapped as not shipped")
        return "cancelled"
    await release(conn, order_id, None, note)
    return "released"


async def request_cancel(conn: asyncpg.Connection, order_id: int, reason: str) -> Order:
    """The store cancelled an order whose picking has started: it is not undone here; a supervisor
    decides (put the units back, or ship), told by order.cancel_requested."""
    order = await _lock_order(conn, order_id, None)
    await conn.execute("update orders set cancel_requested = $2, updated_at = now() where id = $1", order_id, reason)
    return await _announce(conn, order, "order.cancel_requested", f"{reason}; picking has started: a supervisor decides")


async def set_ship_to(conn: asyncpg.Connection, order_id: int, channel_id: int | None, address: Address) -> Order:
    """Customer service corrects where an order goes, until picking starts (a held order stays held)."""
    order = await _lock_order(conn, order_id, channel_id)
    _refuse_after_picking(order, "readdressed")
    await conn.execute(
        "update orders set ship_to = $2::jsonb, updated_at = now() where id = $1", order_id, msgspec.json.encode(address).decode()
    )
    return await _announce(conn, order, "order.ship_to_changed", "the address to ship to was changed")


async def allocate(conn: asyncpg.Connection, order_id: int) -> Order:
    """A supervisor releases an order to allocation (channels that allocate on release)."""
    order = await _lock_order(conn, order_id, None)
    if order["status"] not in ("received", "backordered", "allocated"):
        raise Conflict(f"order {order_id} cannot be allocated: it is {order['status']}")
    await allocation.allocate_order(conn, order_id)
    return await get_order(conn, order_id, None)
