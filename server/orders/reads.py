"""Orders as channels and customer service read them: one order, a page of orders, each line's
state, and the payload of the events that announce them."""

import datetime

import asyncpg
import msgspec

from schema.orders import Address, Order, OrderLine, OrderSearch, OrderSummary, Shipment, TimelineEntry, UnmappedLine
from server.core.problems import NotFound

# Picking has not started: the customer may still cancel or hold.
BEFORE_PICKING = ("received", "allocated", "backordered", "on_hold")
OPEN = ("received", "allocated", "backordered", "on_hold", "picking", "packed", "partially_shipped")


SELECT_ORDER = """
select o.id, c.name as channel, o.external_id, o.status, o.ship_to, o.service_level, o.carrier, o.priority, o.cancel_requested,
       o.ship_by, o.notes, o.allow_partial, o.created_at, o.updated_at,
       (select coalesce(jsonb_agg(jsonb_build_object(
                 'line', l.line_no, 'sku', s.code, 'lot', l.lot, 'reference', l.reference, 'ordered', l.quantity,
                 'allocated', l.allocated, 'picked', l.picked, 'packed', l.packed, 'shipped', l.shipped)
               order by l.line_no), '[]')
          from order_lines l join skus s on s.id = l.sku_id where l.order_id = o.id) as lines,
       (select coalesce(jsonb_agg(jsonb_build_object(
                 'id', sh.id, 'carrier', sh.carrier, 'service', sh.service, 'status', sh.status,
                 'tracking_numbers', sh.tracking_numbers, 'shipped_at', sh.shipped_at, 'cartons', sh.cartons, 'lines', sh.lines)
               order by sh.id), '[]')
          from shipments sh where sh.order_id = o.id) as shipments,
       (select coalesce(jsonb_agg(jsonb_build_object(
                 'at', e.created_at, 'event', e.type,
                 'detail', jsonb_build_object('status', e.payload->'status', 'note', e.payload->'note'))
               order by e.id), '[]')
          from events e where e.order_id = o.id) as timeline,
       (select coalesce(jsonb_agg(jsonb_build_object(
                 'line', u.source, 'store_line_id', u.store_line_id, 'sku', u.sku, 'product_id', u.product_id,
                 'variant_id', u.variant_id, 'title', u.title, 'quantity', u.quantity, 'reason', u.reason)
               order by u.id), '[]')
          from unmapped_lines u where u.order_id = o.id) as unmapped_lines
  from orders o join channels c on c.id = o.channel_id
"""


def line_state(order_status: str, line: OrderLine) -> str:
    if order_status == "cancelled":
        return "cancelled"
    for state, done in (("shipped", line.shipped), ("packed", line.packed), ("picked", line.picked)):
        if done >= line.ordered:
            return state
    if line.allocated >= line.ordered:
        return "allocated"
    if line.allocated > 0 or order_status == "backordered":
        return "backordered"
    return "open"


def _order(row: asyncpg.Record) -> Order:
    fields = dict(row)
    fields["lines"] = msgspec.json.decode(fields.pop("lines"), type=list[OrderLine])
    for line in fields["lines"]:
        line.state = line_state(fields["status"], line)
    fields["ship_to"] = msgspec.json.decode(fields["ship_to"], type=Address | None)
    fields["shipments"] = msgspec.json.decode(fields["shipments"], type=list[Shipment])
    fields["timeline"] = msgspec.json.decode(fields["timeline"], type=list[TimelineEntry])
    fields["unmapped_lines"] = msgspec.json.decode(fields["unmapped_lines"], type=list[UnmappedLine])
    return Order(**fields)


STATUS_NOTES = {"allocated": "all lines reserved", "backordered": "waiting for stock"}


def status_event(order: Order, channel_id: int) -> tuple[str, str, dict, int, int]:
    """order.allocated / order.backordered, for events.emit_many."""
    return (f"order.{order.status}", f"order:{order.id}", event_payload(order, STATUS_NOTES[order.status]), channel_id, order.id)


def event_payload(order: Order, note: str = "") -> dict:
    """What channels receive about an order: everything but the timeline."""
    data = msgspec.to_builtins(order)  # a copy: the order may change later in the same call
    data.pop("timeline")
    data["order_id"] = data.pop("id")
    return data | {"note": note}


async def get_orders(conn: asyncpg.Connection, order_ids: list[int]) -> list[Order]:
    return [_order(r) for r in await conn.fetch(SELECT_ORDER + " where o.id = any($1::bigint[]) order by o.id", order_ids)]


async def get_order(conn: asyncpg.Connection, order_id: int, channel_id: int | None) -> Order:
    """One order; a channel asking for another channel's order is told it does not exist."""
    row = await conn.fetchrow(SELECT_ORDER + " where o.id = $1 and ($2::bigint is null or o.channel_id = $2)", order_id, channel_id)
    if row is None:
        raise NotFound(f"no order {order_id}")
    return _order(row)


async def list_orders(
    conn: asyncpg.Connection,
    channel_id: int | None,
    after: int,
    limit: int,
    external_id: str | None = None,
    status: str | None = None,
    updated_since: datetime.datetime | None = None,
) -> list[Order]:
    rows = await conn.fetch(
        SELECT_ORDER
        + """
         where o.id > $1 and ($3::bigint is null or o.channel_id = $3) and ($4::text is null or o.external_id = $4)
           and ($5::text is null or o.status = $5) and ($6::timestamptz is null or o.updated_at >= $6)
         order by o.id limit $2
        """,
        after,
        limit,
        channel_id,
        external_id,
        status,
        updated_since,
    )
    return [_order(r) for r in rows]


# Newest first, a page ending before order `$1`. The text is an external id or part of a customer's
# name (orders_external_id and the trigram orders_customer_name answer the two halves of the "or").
SEARCH_ORDERS = """
select o.id, c.name as channel, o.external_id, o.status, coalesce(o.ship_to->>'name', '') as customer,
       (select count(*) from order_lines l where l.order_id = o.id) as lines,
       (select coalesce(sum(l.quantity), 0) from order_lines l where l.order_id = o.id) as units,
       o.ship_by, o.created_at
  from orders o join channels c on c.id = o.channel_id
 where o.id < $1
   and ($3::text is null or o.external_id = $3 or lower(o.ship_to->>'name') like $4)
   and ($5::text is null or o.id in (select l.order_id from order_lines l join skus s on s.id = l.sku_id where s.code = $5))
   and ($6::text is null or c.name = $6)
   and ($7::text is null or o.status = $7)
   and ($8::date is null or o.created_at >= $8)
   and ($9::date is null or o.created_at < $9 + 1)
 order by o.id desc
 limit $2
"""


def _contains(text: str) -> str:
    """A LIKE pattern for text anywhere, the text's own % and _ taken literally."""
    return "%" + text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


async def search_orders(conn: asyncpg.Connection, search: OrderSearch, before: int | None, limit: int) -> list[OrderSummary]:
    """Orders matching every given field, newest first, `limit` of them before order `before`."""
    rows = await conn.fetch(
        SEARCH_ORDERS,
        before or 2**62,
        limit,
        search.text,
        _contains(search.text) if search.text else None,
        search.sku,
        search.channel,
        search.status,
        search.created_from,
        search.created_to,
    )
    return [OrderSummary(**dict(r)) for r in rows]
