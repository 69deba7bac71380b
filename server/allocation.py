"""Reserving stock for order lines: FEFO or FIFO, from pickable locations, never twice.

A reservation holds units of one stock row for one order line; stock.reserved is their sum and
a CHECK keeps it within on hand, so two orders racing for the last units cannot both get them.
Candidate rows are locked (FOR UPDATE, in id order, SKU by SKU in id order) before any is chosen.
"""

import datetime

import asyncpg

from server import availability, events

PICKABLE_TYPES = ("pick_face", "storage")

ORDER_LINES = """
select l.id, l.sku_id, s.code as sku, s.tracks_expiry, l.lot, l.quantity - l.allocated - l.shipped as missing
  from order_lines l join skus s on s.id = l.sku_id
 where l.order_id = $1 and l.quantity > l.allocated + l.shipped
 order by l.sku_id, l.id
"""

# Every row that could serve the line, locked. Rotation is applied in Python (see choose()).
CANDIDATES = """
select st.id, st.lot, st.expiry, st.quantity - st.reserved as free, l.type = 'pick_face' as pick_face
  from stock st join locations l on l.id = st.location_id
 where st.sku_id = $1 and l.active and l.type = any($2::text[]) and l.kind in ('bin', 'area')
   and st.quantity > st.reserved and st.lpn = ''
   and ($3::text is null or st.lot = $3)
   and (st.expiry is null or st.expiry >= $4::date)
 order by st.id
   for update of st
"""

RESERVE = """
with wanted as (
    select * from unnest($1::bigint[], $2::bigint[]) as w(stock_id, quantity)
), held as (
    update stock st set reserved = st.reserved + wanted.quantity
      from wanted where st.id = wanted.stock_id
), made as (
    insert into reservations (order_line_id, stock_id, quantity)
    select $3, stock_id, quantity from wanted
)
update order_lines set allocated = allocated + (select sum(quantity) from wanted) where id = $3
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
    """Reserve what the order still misses and set its status; unless told not to, announce the
    new status as an event (order.allocated / order.backordered). Call inside a transaction."""
    order = await conn.fetchrow(
        """
        select o.id, o.status, o.channel_id, o.allow_partial, c.min_shelf_life_days
          from orders o join channels c on c.id = o.channel_id where o.id = $1 for update of o
        """,
        order_id,
    )
    if order["status"] not in ("received", "backordered", "allocated", "picking"):
        return order["status"]
    earliest_expiry = datetime.date.today() + datetime.timedelta(days=order["min_shelf_life_days"])
    short = False
    touched = []
    for line in await conn.fetch(ORDER_LINES, order_id):
        candidates = await conn.fetch(CANDIDATES, line["sku_id"], list(PICKABLE_TYPES), line["lot"], earliest_expiry)
        chosen = choose(candidates, line["missing"], line["tracks_expiry"])
        got = sum(q for _, q in chosen)
        if got < line["missing"]:
            short = True
            if not order["allow_partial"]:
                continue
        if chosen:
            await conn.execute(RESERVE, [s for s, _ in chosen], [q for _, q in chosen], line["id"])
            touched.append(line["sku"])
    # once picking has started (a short pick re-allocates), the order stays in picking if it can
    status = "backordered" if short else ("picking" if order["status"] == "picking" else "allocated")
    if touched:
        await availability.announce(conn, touched)
    if status != order["status"]:
        await conn.execute("update orders set status = $2, updated_at = now() where id = $1", order_id, status)
        if announce:
            await _announce(conn, order, status)
    return status


async def _announce(conn: asyncpg.Connection, order: asyncpg.Record, status: str) -> None:
    from server.orders import event_payload, get_order  # orders imports allocation

    snapshot = await get_order(conn, order["id"], None)
    note = "all lines reserved" if status == "allocated" else "waiting for stock"
    await events.emit(conn, f"order.{status}", f"order:{order['id']}", event_payload(snapshot, note), order["channel_id"], order["id"])


async def allocate_waiting(conn: asyncpg.Connection, sku_ids: list[int], limit: int = 100) -> int:
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
    for order in waiting:
        await allocate_order(conn, order["id"])
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
    movement that follows may take them. Returns the reservation's stock row id and order line."""
    return await conn.fetchrow(
        """
        with r as (
            update reservations set picked = picked + $2 where id = $1 and picked + $2 <= quantity
            returning stock_id, order_line_id
        ), s as (
            update stock set reserved = reserved - $2 where id = (select stock_id from r)
        )
        select stock_id, order_line_id from r
        """,
        reservation_id,
        quantity,
    )
