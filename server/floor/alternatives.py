"""Picking from another bin than the task's: allowed where that bin holds the same lot.

A picker who finds the task's bin blocked or hard to reach may scan another pickable bin of the
same warehouse holding the same SKU, lot and expiry with enough units no order has reserved.
A bin under count (a counter holds its count task) is blocked: its picks wait until the count is
done, or go to another bin.
The task's reservation then moves there, so the units picked are the ones reserved and every
row's reserved count stays equal to what its reservations hold.
"""

import asyncpg

from server.core.problems import Conflict, Invalid
from server.inventory.locations import PICKABLE_TYPES, STOCK_HOLDING_KINDS

# The scanned location (by barcode, or by code within the task's warehouse) and the units there
# of the reserved row's SKU, lot and expiry, locked so they cannot go to anyone else meanwhile.
SCANNED = """
select l.id, l.code, l.type, l.kind, l.active, l.warehouse_id = home.warehouse_id as same_warehouse
  from locations l join locations home on home.id = $2
 where l.barcode = $1 or (l.code = $1 and l.warehouse_id = home.warehouse_id)
 order by l.barcode = $1 desc
 limit 1
"""

SAME_LOT = """
select held.expiry, alt.id, alt.free
  from reservations r
  join stock held on held.id = r.stock_id
  left join lateral (
      select st.id, st.quantity - st.reserved as free from stock st
       where st.location_id = $1 and st.sku_id = held.sku_id and st.lot = held.lot and st.lpn = held.lpn
         and st.expiry is not distinct from held.expiry
         for update
  ) alt on true
 where r.id = $2
"""

# The units leave the reservation on the task's row and are held on the other one: the whole
# reservation moves when it is all being picked here, else a reservation of its own is split
# off (the one to consume). Returns the id of the reservation that now holds the units.
MOVE_RESERVATION = """
with mine as (
    select id, order_line_id, stock_id, quantity from reservations where id = $1 for update
), whole as (
    update reservations r set stock_id = $2 from mine where r.id = mine.id and mine.quantity = $3
    returning r.id
), shrunk as (
    update reservations r set quantity = r.quantity - $3 from mine where r.id = mine.id and mine.quantity > $3
), split as (
    insert into reservations (order_line_id, stock_id, quantity)
    select order_line_id, $2, $3 from mine where mine.quantity > $3
    returning id
), freed as (
    update stock set reserved = reserved - $3 where id = (select stock_id from mine)
), held as (
    update stock set reserved = reserved + $3 where id = $2
)
select coalesce((select id from whole), (select id from split))
"""


# A counter holds the bin's count: its stock must not move until the count is in.
UNDER_COUNT = """
select exists (select 1 from count_tasks where location_id = $1 and status = 'counting' and lease_until > now())
"""

# Other pickable bins with free units of the task's SKU, lot and expiry, not under count.
OTHER_BINS = """
select string_agg(l.code, ', ' order by l.pick_sequence nulls last, l.code)
  from reservations r
  join stock held on held.id = r.stock_id
  join stock st on st.sku_id = held.sku_id and st.lot = held.lot and st.lpn = held.lpn
                and st.expiry is not distinct from held.expiry and st.location_id <> held.location_id
                and st.quantity - st.reserved >= $2
  join locations l on l.id = st.location_id
 where r.id = $1 and l.active and l.type = any($3::text[])
   and not exists (select 1 from count_tasks c where c.location_id = l.id and c.status = 'counting' and c.lease_until > now())
"""


async def refuse_under_count(conn: asyncpg.Connection, task: asyncpg.Record, location_id: int, code: str, units: int) -> None:
    """Conflict if the bin is under count: the picker waits, or picks from another bin (named)."""
    if not await conn.fetchval(UNDER_COUNT, location_id):
        return
    others = await conn.fetchval(OTHER_BINS, task["reservation_id"], units, list(PICKABLE_TYPES)) if task["reservation_id"] else None
    raise Conflict(f"{code} is being counted: wait until the count is done" + (f", or pick from {others}" if others else ""))


async def take_from(conn: asyncpg.Connection, task: asyncpg.Record, scanned: str, units: int) -> int:
    """Move `units` of the task's reservation to the scanned bin if it may serve them; return
    the reservation to consume. Invalid (field location), saying what to do, if it may not."""
    go = f"go to {task['location_code']}"
    if task["kind"] != "pick":
        raise Invalid.field("location", f"wrong location: {go}")
    place = await conn.fetchrow(SCANNED, scanned, task["location_id"])
    if place is None or not place["same_warehouse"]:
        raise Invalid.field("location", f"wrong location: {go}")
    if place["type"] not in PICKABLE_TYPES or place["kind"] not in STOCK_HOLDING_KINDS or not place["active"]:
        raise Invalid.field("location", f"wrong location: {place['code']} is not a bin to pick from; {go}")
    await refuse_under_count(conn, task, place["id"], place["code"], units)
    row = await conn.fetchrow(SAME_LOT, place["id"], task["reservation_id"])
    lot = (f" lot {task['lot']}" if task["lot"] else "") + (f" expiring {row['expiry']}" if row["expiry"] else "")
    if row["id"] is None:
        raise Invalid.field("location", f"wrong location: {place['code']} holds no {task['sku']}{lot}; {go}")
    if row["free"] < units:
        raise Invalid.field(
            "location", f"wrong location: only {row['free']} of {task['sku']}{lot} free at {place['code']}, you scanned {units}; {go}"
        )
    return await conn.fetchval(MOVE_RESERVATION, task["reservation_id"], row["id"], units)
