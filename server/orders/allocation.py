"""Reserving stock for order lines: FEFO or FIFO, from pickable locations, never twice.

A reservation holds units of one stock row for one order line; stock.reserved is their sum and
a CHECK keeps it within on hand, so two orders racing for the last units cannot both get them.
Candidate rows are locked (FOR UPDATE, in id order, SKU by SKU in id order) before any is chosen.
"""

import datetime

import asyncpg

from schema.orders import Reservation

from server.core import outbox
from server.inventory import availability
from server.inventory.locations import PICKABLE_TYPES
from server.orders.reads import get_orders, status_event

ORDER_LINES = """
select l.id, l.order_id, l.sku_id, s.code as sku, s.tracks_expiry, l.lot, l.quantity - l.allocated - l.shipped as missing
  from order_lines l join skus s on s.id = l.sku_id
 where l.order_id = any($1::bigint[]) and l.quantity > l.allocated + l.shipped
 order by l.order_id, l.sku_id, l.id
"""

# Every row that could serve these SKUs, locked in id order (so allocations never deadlock).
# Rotation, lots and shelf life are applied in Python (see choose()).
CANDIDATES = """
select st.id, st.sku_id, st.lot, st.expiry, st.quantity - st.reserved as free, l.type = 'pick_face' as pick_face
  from stock st join locations l on l.id = st.location_id
 where st.sku_id = any($1::bigint[]) and l.active and l.type = any($2::text[]) and l.kind in ('bin', 'area')
   and st.quantity > st.reserved and st.lpn = ''
   and (st.expiry is null or st.expiry >= current_date)
 order by st.id
   for update of st
"""

RESERVE = """
with wanted as (
    select * from unnest($1::bigint[], $2::bigint[], $3::bigint[]) as w(stock_id, order_line_id, quantity)
), held as (
    update stock st set reserved = st.reserved + s.total
      from (select stock_id, sum(quantity) as total from wanted group by stock_id) s
     where st.id = s.stock_id
), made as (
    insert into reservations (order_line_id, stock_id, quantity)
    select order_line_id, stock_id, quantity from wanted
)
update order_lines l set allocated = l.allocated + s.total
  from (select order_line_id, sum(quantity) as total from wanted group by order_line_id) s
 where l.id = s.order_line_id
"""

SET_STATUS = """
update orders o set status = u.status, updated_at = now()
  from unnest($1::bigint[], $2::text[]) as u(id, status)
 where o.id = u.id
"""


def choose(candidates: list[asyncpg.Record], missing: int, fefo: bool) -> list[tuple[int, int]]:
    """(stock id, quantity) to reserve: rotation first (earliest expiry for FEFO, oldest row for
    FIFO), and within the first rotation rank, one row that holds it all if there is one, a pick
    face before reserve storage."""
    def rank(row):
        return row["expiry"] or datetime.date.max if fefo else 0

    ordered = sorted(candidates, key=lambda r: (rank(r), not r["pick_face"], r["id"]))
    if not ordered:
        return []
    first_rank = [r for r in ordered if rank(r) == rank(ordered[0])]
    whole = next((r for r in first_rank if r["free"] >= missing), None)
    if whole is not None:
        return [(whole["id"], missing)]
    taken, chosen = 0, []
    for row in ordered:
        quantity = min(row["free"], missing - taken)
        chosen.append((row["id"], quantity))
        taken += quantity
        if taken == missing:
            break
    return chosen


async def allocate_order(conn: asyncpg.Connection, order_id: int, announce: bool = True) -> str:
    """allocate_orders for one order; returns its status."""
    return (await allocate_orders(conn, [order_id], announce))[order_id]


async def allocate_orders(
    conn: asyncpg.Connection, order_ids: list[int], announce: bool = True, note_availability: bool = True
) -> dict[int, str]:
    """Reserve what these orders still miss, most urgent order first (priority, then ship-by
    date), and set their statuses; unless told not to, announce each changed status as an event
    (order.allocated / order.backordered). A handful of statements however many orders: a wave
    of thousands is allocated at once. Call inside a transaction."""
    orders = await conn.fetch(
        """
        select o.id, o.status, o.channel_id, o.allow_partial, o.priority, o.ship_by, c.min_shelf_life_days
          from orders o join channels c on c.id = o.channel_id
         where o.id = any($1::bigint[])
         order by o.id
           for update of o
        """,
        order_ids,
    )
    statuses = {o["id"]: o["status"] for o in orders}
    waiting = sorted(
        (o for o in orders if o["status"] in ("received", "backordered", "allocated", "picking")),
        key=lambda o: (o["priority"], o["ship_by"] or datetime.date.max, o["id"]),
    )
    if not waiting:
        return statuses
    lines = await conn.fetch(ORDER_LINES, [o["id"] for o in waiting])
    by_order: dict[int, list[asyncpg.Record]] = {}
    for line in lines:
        by_order.setdefault(line["order_id"], []).append(line)
    rows = await conn.fetch(CANDIDATES, sorted({l["sku_id"] for l in lines}), list(PICKABLE_TYPES)) if lines else []
    free = {r["id"]: r["free"] for r in rows}
    by_sku: dict[int, list[asyncpg.Record]] = {}
    for row in rows:
        by_sku.setdefault(row["sku_id"], []).append(row)
    today = datetime.date.today()
    wanted: list[tuple[int, int, int]] = []
    touched: set[str] = set()
    changed: dict[int, str] = {}
    for order in waiting:
        earliest = today + datetime.timedelta(days=order["min_shelf_life_days"])
        short = False
        for line in by_order.get(order["id"], []):
            candidates = [
                {"id": r["id"], "expiry": r["expiry"], "pick_face": r["pick_face"], "free": free[r["id"]]}
                for r in by_sku.get(line["sku_id"], [])
                if free[r["id"]] > 0 and (line["lot"] is None or r["lot"] == line["lot"])
                and (r["expiry"] is None or r["expiry"] >= earliest)
            ]
            chosen = choose(candidates, line["missing"], line["tracks_expiry"])
            if sum(q for _, q in chosen) < line["missing"]:
                short = True
                if not order["allow_partial"]:
                    continue
            for stock_id, quantity in chosen:
                free[stock_id] -= quantity
                wanted.append((stock_id, line["id"], quantity))
                touched.add(line["sku"])
        status = "backordered" if short else ("picking" if order["status"] == "picking" else "allocated")
        if status != order["status"]:
            changed[order["id"]] = status
    if wanted:
        await conn.execute(RESERVE, *[list(column) for column in zip(*wanted)])
        if note_availability:
            await availability.announce(conn, sorted(touched))
    if changed:
        await conn.execute(SET_STATUS, list(changed), list(changed.values()))
        if announce:
            await _announce(conn, changed, {o["id"]: o["channel_id"] for o in orders})
    return statuses | changed


async def _announce(conn: asyncpg.Connection, changed: dict[int, str], channels: dict[int, int]) -> None:
    snapshots = await get_orders(conn, list(changed))
    await outbox.emit_many(conn, [status_event(o, channels[o.id]) for o in snapshots if o.status != "picking"])


async def allocate_waiting(
    conn: asyncpg.Connection, sku_ids: list[int], limit: int = 100, note_availability: bool = True
) -> int:
    """Stock arrived for these SKUs: allocate the orders waiting for them, oldest first (priority,
    then ship-by date). Orders another transaction is allocating are left to it."""
    waiting = await conn.fetch(
        """
        select distinct o.id, o.priority, o.ship_by
          from orders o join order_lines l on l.order_id = o.id
         where o.status = 'backordered' and l.sku_id = any($1::bigint[]) and l.quantity > l.allocated + l.shipped
         order by o.priority, o.ship_by nulls last, o.id
         limit $2
        """,
        sku_ids,
        limit,
    )
    await allocate_orders(conn, [order["id"] for order in waiting], note_availability=note_availability)
    return len(waiting)


RELEASE = """
with open as (
    select r.id, r.stock_id, r.order_line_id, r.picked, r.quantity - r.picked as free
      from reservations r join order_lines l on l.id = r.order_line_id
     where l.order_id = $1 and r.quantity > r.picked
       for update of r
), shrunk as (
    update reservations r set quantity = open.picked from open where r.id = open.id and open.picked > 0
), gone as (
    delete from reservations r using open where r.id = open.id and open.picked = 0
), stock_back as (
    update stock st set reserved = st.reserved - f.total
      from (select stock_id, sum(free) as total from open group by stock_id) f
     where st.id = f.stock_id
)
update order_lines l set allocated = l.allocated - f.total
  from (select order_line_id, sum(free) as total from open group by order_line_id) f
 where l.id = f.order_line_id
"""


async def release(conn: asyncpg.Connection, order_id: int) -> None:
    """Give back the units the order holds but has not picked."""
    await conn.execute(RELEASE, order_id)


async def consume(conn: asyncpg.Connection, reservation_id: int, quantity: int) -> asyncpg.Record:
    """A pick of reserved units: the reservation and the row's reserved drop by `quantity`, so the
    movement that follows may take them. Returns the stock row's location, lot, expiry and LPN."""
    return await conn.fetchrow(
        """
        with r as (
            update reservations set picked = picked + $2 where id = $1 and picked + $2 <= quantity
            returning stock_id
        )
        update stock set reserved = reserved - $2 where id = (select stock_id from r)
        returning location_id, lot, expiry, lpn
        """,
        reservation_id,
        quantity,
    )


RESERVATIONS = """
select l.line_no as line, s.code as sku, loc.code as location, st.lot, st.expiry, r.quantity, r.picked
  from reservations r
  join order_lines l on l.id = r.order_line_id
  join stock st on st.id = r.stock_id
  join skus s on s.id = st.sku_id
  join locations loc on loc.id = st.location_id
 where l.order_id = $1
 order by l.line_no, r.id
"""


async def reservations_of(conn: asyncpg.Connection, order_id: int) -> list[Reservation]:
    """Where the order's reserved units are held, line by line."""
    return [Reservation(**dict(r)) for r in await conn.fetch(RESERVATIONS, order_id)]
