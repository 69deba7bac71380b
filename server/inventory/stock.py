"""The one way stock changes: a ledger row and the on-hand it changes, in one statement.

Every stock change in the system (adjustments, moves, and later receipts, picks and shipments)
goes through apply_movement, so the ledger and on-hand cannot disagree.
"""

import datetime
import json
from typing import Protocol, runtime_checkable

import asyncpg

from schema.stock import Adjustment, LedgerCheck, Move, Movement, OnHand, ReasonCodeOut
from server.core.problems import InsufficientStock, Invalid
from server.inventory import availability
from server.inventory.catalog import sku_id
from server.inventory.locations import PICKABLE_TYPES, stock_location

ADJUST_IN_REASONS = ("found", "count", "opening", "return", "receipt")
ADJUST_OUT_REASONS = ("damaged", "lost", "expired", "count")
MOVE_REASONS = ("move", "putaway", "replenish")


@runtime_checkable  # the app's dependency injection checks what it hands over
class Arrived(Protocol):
    """What follows when units of these SKUs become pickable: the orders waiting for them are
    allocated (server.orders.allocation.allocate_waiting). Inventory stands below orders and does
    not import them, so the caller hands this down: the route by dependency injection, the CLI
    and tests by argument."""

    async def __call__(self, conn: asyncpg.Connection, sku_ids: list[int], *, note_availability: bool = True) -> object: ...

# $1 from location (null: stock enters), $2 SKU, $3 lot, $4 from LPN, $5 expiry (for stock that
# enters; when taking, null matches any expiry of the lot, earliest first), $6 quantity,
# $7 to location (null: stock leaves), $8 to LPN, $9 reason, $10 reference, $11 user.
# Rows are locked in id order (the sorted `locked` scan, then the insert's conflict row, whose id
# is higher than any not yet locked), so two movements between the same bins in opposite
# directions cannot deadlock. The source is decremented only if it holds enough units that no
# order has reserved, so on-hand never goes negative however many movements race for it.
APPLY_MOVEMENT = """
with locked as materialized (
    select id, location_id, lpn, expiry, quantity, reserved from stock
     where sku_id = $2 and lot = $3
       and ((location_id = $1 and lpn = $4 and ($5::date is null or expiry = $5)) or (location_id = $7 and lpn = $8))
     order by id
       for update
), src as (
    select id from locked
     where location_id = $1 and lpn = $4 and ($5::date is null or expiry = $5) and quantity > reserved
     order by expiry nulls last
     limit 1
), taken as (
    update stock s set quantity = s.quantity - $6, updated_at = now()
      from src
     where s.id = src.id and s.quantity - s.reserved >= $6
    returning s.expiry
), source as (
    select expiry from taken
    union all
    select $5::date where $1::bigint is null
), put as (
    insert into stock (location_id, sku_id, lot, expiry, lpn, quantity)
    select $7, $2, $3, source.expiry, $8, $6 from source where $7::bigint is not null
        on conflict (location_id, sku_id, lot, coalesce(expiry, 'infinity'::date), lpn)
        do update set quantity = stock.quantity + excluded.quantity, updated_at = now()
    returning id
), logged as (
    insert into movements (user_id, reason, sku_id, lot, expiry, from_location_id, from_lpn,
                           to_location_id, to_lpn, quantity, reference)
    select $11, $9, $2, $3, source.expiry, $1, $4, $7, $8, $6, $10 from source
    returning id, at, expiry
)
select id, at, expiry from logged
"""

AVAILABLE = """
select coalesce(sum(quantity - reserved), 0) from stock
 where location_id = $1 and sku_id = $2 and lot = $3 and lpn = $4 and ($5::date is null or expiry = $5)
"""


async def apply_movement(
    conn: asyncpg.Connection,
    *,
    sku: int,
    quantity: int,
    reason: str,
    user_id: int | None,
    from_location: int | None = None,
    to_location: int | None = None,
    lot: str = "",
    expiry: datetime.date | None = None,
    from_lpn: str = "",
    to_lpn: str = "",
    reference: str = "",
    describe: str = "",
) -> asyncpg.Record:
    """Write one ledger row and change on-hand to match. Call inside a transaction.

    Returns the movement's (id, at, expiry). Raises InsufficientStock, naming `describe`, when the
    source does not hold `quantity`.
    """
    row = await conn.fetchrow(
        APPLY_MOVEMENT,
        from_location,
        sku,
        lot,
        from_lpn,
        expiry,
        quantity,
        to_location,
        to_lpn,
        reason,
        reference,
        user_id,
    )
    if row is None:
        available = await conn.fetchval(AVAILABLE, from_location, sku, lot, from_lpn, expiry)
        raise InsufficientStock(f"only {available} of {describe} there, {quantity} asked for")
    return row


def _check_entering(sku: asyncpg.Record, lot: str, expiry: datetime.date | None, code: str) -> None:
    if sku["tracks_lot"] and not lot:
        raise Invalid.field("lot", f"SKU {code} is lot-tracked: give the lot")
    if not sku["tracks_lot"] and lot:
        raise Invalid.field("lot", f"SKU {code} is not lot-tracked: leave the lot empty")
    if sku["tracks_expiry"] and expiry is None:
        raise Invalid.field("expiry", f"SKU {code} is expiry-tracked: give the expiry date")
    if not sku["tracks_expiry"] and expiry is not None:
        raise Invalid.field("expiry", f"SKU {code} is not expiry-tracked: leave the expiry empty")


def _describe(sku: str, location: str, lot: str, lpn: str) -> str:
    return f"SKU {sku}" + (f" lot {lot}" if lot else "") + f" at {location}" + (f" in LPN {lpn}" if lpn else "")


async def adjust(conn: asyncpg.Connection, data: Adjustment, user: tuple[int, str], arrived: Arrived) -> Movement:
    allowed = ADJUST_IN_REASONS if data.direction == "in" else ADJUST_OUT_REASONS
    if data.reason not in allowed:
        raise Invalid.field("reason", f"an adjustment {data.direction} takes one of: {', '.join(allowed)}")
    sku = await sku_id(conn, data.sku, "sku")
    location = await stock_location(conn, data.location, "location")
    if data.direction == "in":
        _check_entering(sku, data.lot, data.expiry, data.sku)
        ends = {"to_location": location["id"], "to_lpn": data.lpn}
    else:
        ends = {"from_location": location["id"], "from_lpn": data.lpn}
    row = await apply_movement(
        conn,
        sku=sku["id"],
        quantity=data.quantity,
        reason=data.reason,
        user_id=user[0],
        lot=data.lot,
        expiry=data.expiry,
        reference=data.reference,
        describe=_describe(data.sku, data.location, data.lot, data.lpn),
        **ends,
    )
    if location["type"] in availability.SELLABLE_TYPES:
        await availability.announce(conn, [data.sku])
    if data.direction == "in" and location["type"] in PICKABLE_TYPES:
        # pickable locations are sellable: the SKU's availability is noted just above
        await arrived(conn, [sku["id"]], note_availability=False)
    inbound = data.direction == "in"
    return Movement(
        id=row["id"],
        at=row["at"],
        user=user[1],
        reason=data.reason,
        sku=data.sku,
        lot=data.lot,
        expiry=row["expiry"],
        from_location=None if inbound else data.location,
        from_lpn="" if inbound else data.lpn,
        to_location=data.location if inbound else None,
        to_lpn=data.lpn if inbound else "",
        quantity=data.quantity,
        reference=data.reference,
    )


async def move(conn: asyncpg.Connection, data: Move, user: tuple[int, str], arrived: Arrived) -> Movement:
    if data.reason not in MOVE_REASONS:
        raise Invalid.field("reason", f"a move takes one of: {', '.join(MOVE_REASONS)}")
    to_lpn = data.from_lpn if data.to_lpn is None else data.to_lpn
    sku = await sku_id(conn, data.sku, "sku")
    source = await stock_location(conn, data.from_location, "from_location")
    target = await stock_location(conn, data.to_location, "to_location")
    if source["id"] == target["id"] and data.from_lpn == to_lpn:
        raise Invalid.field("to_location", "the stock is already there; choose another location or LPN")
    row = await apply_movement(
        conn,
        sku=sku["id"],
        quantity=data.quantity,
        reason=data.reason,
        user_id=user[0],
        from_location=source["id"],
        to_location=target["id"],
        lot=data.lot,
        expiry=data.expiry,
        from_lpn=data.from_lpn,
        to_lpn=to_lpn,
        reference=data.reference,
        describe=_describe(data.sku, data.from_location, data.lot, data.from_lpn),
    )
    if (source["type"] in availability.SELLABLE_TYPES) != (target["type"] in availability.SELLABLE_TYPES):
        await availability.announce(conn, [data.sku])
    if target["type"] in PICKABLE_TYPES and source["type"] not in PICKABLE_TYPES:
        await arrived(conn, [sku["id"]])
    return Movement(
        id=row["id"],
        at=row["at"],
        user=user[1],
        reason=data.reason,
        sku=data.sku,
        lot=data.lot,
        expiry=row["expiry"],
        from_location=data.from_location,
        from_lpn=data.from_lpn,
        to_location=data.to_location,
        to_lpn=to_lpn,
        quantity=data.quantity,
        reference=data.reference,
    )


SELECT_ON_HAND = """
select st.id, w.code as warehouse, l.code as location, s.code as sku, st.lot, st.expiry, st.lpn, st.quantity
  from stock st
  join locations l on l.id = st.location_id
  join warehouses w on w.id = l.warehouse_id
  join skus s on s.id = st.sku_id
 where st.quantity > 0 and st.id > $1
   and ($3::text is null or s.code = $3)
   and ($4::text is null or l.code = $4 or l.barcode = $4)
 order by st.id
 limit $2
"""


async def on_hand(
    conn: asyncpg.Connection, after: int, limit: int, sku: str | None = None, location: str | None = None
) -> list[OnHand]:
    return [OnHand(**dict(r)) for r in await conn.fetch(SELECT_ON_HAND, after, limit, sku, location)]


MOVEMENTS = """
select m.id, m.at, u.username as user, m.reason, s.code as sku, m.lot, m.expiry,
       fl.code as from_location, m.from_lpn, tl.code as to_location, m.to_lpn, m.quantity, m.reference
  from movements m
  join skus s on s.id = m.sku_id
  left join users u on u.id = m.user_id
  left join locations fl on fl.id = m.from_location_id
  left join locations tl on tl.id = m.to_location_id
 where ($3::text is null or s.code = $3)
   and ($4::text is null or fl.code = $4 or tl.code = $4)
   and ($5::text is null or m.reference = $5)
"""
SELECT_MOVEMENTS = MOVEMENTS + " and m.id > $1 order by m.id limit $2"
RECENT_MOVEMENTS = MOVEMENTS + " and m.id < $1 order by m.id desc limit $2"


async def movements(
    conn: asyncpg.Connection,
    after: int,
    limit: int,
    sku: str | None = None,
    location: str | None = None,
    reference: str | None = None,
) -> list[Movement]:
    rows = await conn.fetch(SELECT_MOVEMENTS, after, limit, sku, location, reference)
    return [Movement(**dict(r)) for r in rows]


async def recent_movements(
    conn: asyncpg.Connection,
    before: int | None,
    limit: int,
    sku: str | None = None,
    location: str | None = None,
    reference: str | None = None,
) -> list[Movement]:
    """The ledger newest first, a page ending before movement `before`."""
    rows = await conn.fetch(RECENT_MOVEMENTS, before or 2**62, limit, sku, location, reference)
    return [Movement(**dict(r)) for r in rows]


async def reason_codes(conn: asyncpg.Connection) -> list[ReasonCodeOut]:
    return [ReasonCodeOut(**dict(r)) for r in await conn.fetch("select code, description from reason_codes order by code")]


# On-hand recomputed from nothing but the ledger, compared key by key with the stock table.
LEDGER_CHECK = """
with flows as (
    select to_location_id as location_id, sku_id, lot, expiry, to_lpn as lpn, quantity
      from movements where to_location_id is not null
    union all
    select from_location_id, sku_id, lot, expiry, from_lpn, -quantity
      from movements where from_location_id is not null
), ledger as (
    select location_id, sku_id, lot, expiry, lpn, sum(quantity) as quantity
      from flows group by location_id, sku_id, lot, expiry, lpn
), compared as (
    select coalesce(l.location_id, s.location_id) as location_id, coalesce(l.sku_id, s.sku_id) as sku_id,
           coalesce(l.lot, s.lot) as lot, coalesce(l.expiry, s.expiry) as expiry, coalesce(l.lpn, s.lpn) as lpn,
           coalesce(l.quantity, 0) as ledger, coalesce(s.quantity, 0) as on_hand
      from ledger l
      full join stock s
        on s.location_id = l.location_id and s.sku_id = l.sku_id and s.lot = l.lot
       and s.expiry is not distinct from l.expiry and s.lpn = l.lpn
)
select (select count(*) from compared) as rows_checked,
       coalesce(jsonb_agg(jsonb_build_object(
           'location', loc.code, 'sku', sku.code, 'lot', c.lot, 'expiry', c.expiry, 'lpn', c.lpn,
           'ledger', c.ledger, 'on_hand', c.on_hand)) filter (where c.ledger <> c.on_hand), '[]') as mismatches
  from compared c
  join locations loc on loc.id = c.location_id
  join skus sku on sku.id = c.sku_id
"""


async def check_ledger(conn: asyncpg.Connection) -> LedgerCheck:
    row = await conn.fetchrow(LEDGER_CHECK)
    mismatches = json.loads(row["mismatches"])
    return LedgerCheck(consistent=not mismatches, rows_checked=row["rows_checked"], mismatches=mismatches)
