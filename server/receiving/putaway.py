"""Putaway: where each line of an LPN goes, by rules in order (the SKU's pick face while below its
maximum; a storage bin already holding the same SKU and lot with room; an empty storage bin in the
zone for the SKU's velocity class, nearest the dock), within every bin's configured capacity
(units, volume, weight); then the move, confirmed by scanning the destination, one ledger row.
Another bin than suggested needs the operator's reason; its capacity is checked all the same."""

import datetime

import asyncpg

from schema.receiving import (
    Put,
    PutawayConfirm,
    PutawayLine,
    PutawayPlan,
    PutawayResult,
)
from schema.stock import Movement
from server.core.problems import Conflict, Invalid
from server.inventory import availability
from server.inventory.locations import PICKABLE_TYPES, stock_location
from server.inventory.stock import Arrived, apply_movement
from server.receiving.sessions import scanned

UNDER_COUNT = "exists (select 1 from count_tasks c where c.location_id = {0} and c.status = 'counting' and c.lease_until > now())"

# What one unit of the SKU takes, and what the bins hold now (units, volume, weight; of this SKU,
# and whether of this lot). $1 SKU, $2 lot, $3 expiry.
_HOLDINGS = """
sku as (
    select id, velocity, coalesce(length_mm::numeric * width_mm * height_mm / 1000, 0) as ml, coalesce(weight_g, 0) as g
      from skus where id = $1
), held as (
    select st.location_id, sum(st.quantity) as units,
           sum(st.quantity * coalesce(s.length_mm::numeric * s.width_mm * s.height_mm / 1000, 0)) as ml,
           sum(st.quantity * coalesce(s.weight_g, 0)) as g,
           coalesce(sum(st.quantity) filter (where st.sku_id = $1), 0) as of_sku,
           bool_or(st.sku_id = $1 and st.lot = $2 and st.expiry is not distinct from $3) as same_lot
      from stock st join skus s on s.id = st.sku_id
     where st.quantity > 0 and st.location_id in (select id from bins)
     group by st.location_id
)
"""

# Units of the SKU that still fit: the least of what each configured limit leaves (least()
# skips the limits that are not set; none set: no limit).
_ROOM = """
least(b.capacity - coalesce(h.units, 0),
      case when b.max_volume_ml is not null and sku.ml > 0 then floor((b.max_volume_ml - coalesce(h.ml, 0)) / sku.ml) end,
      case when b.max_weight_g is not null and sku.g > 0 then floor((b.max_weight_g - coalesce(h.g, 0)) / sku.g) end,
      r.max_quantity - coalesce(h.of_sku, 0))
"""

# The candidates in the rules' order, as many as it takes to hold $5 units. $4 the dock.
SUGGEST = """
with recursive tree as (
    select id, velocity from locations where parent_id is null and warehouse_id = (select warehouse_id from locations where id = $4)
    union all
    select l.id, coalesce(l.velocity, t.velocity) from locations l join tree t on l.parent_id = t.id
), dock as (
    select x, y from locations where id = $4
), bins as (
    select l.id, l.code, l.barcode, l.type, l.capacity, l.max_volume_ml, l.max_weight_g, l.pick_sequence, t.velocity,
           coalesce(abs(l.x - dock.x) + abs(l.y - dock.y), 'infinity'::float8) as distance
      from tree t join locations l on l.id = t.id cross join dock
     where l.kind = 'bin' and l.active and l.type in ('storage', 'pick_face')
       and not """ + UNDER_COUNT.format("l.id") + """
), """ + _HOLDINGS + """, candidates as (
    select b.*, case when b.type = 'pick_face' then 1 when h.same_lot then 2 else 3 end as rank,
           coalesce(""" + _ROOM + """, $5) as room
      from bins b cross join sku
      left join held h on h.location_id = b.id
      left join replenishment_rules r on r.location_id = b.id and r.sku_id = sku.id
     where (b.type = 'pick_face' and r.max_quantity is not null)
        or (b.type = 'storage' and h.same_lot)
        or (b.type = 'storage' and h.location_id is null and b.velocity is not distinct from sku.velocity)
), ranked as (
    select c.*, coalesce(sum(room) over (order by rank, distance, pick_sequence nulls last, code
                                         rows between unbounded preceding and 1 preceding), 0) as before
      from candidates c where room > 0
)
select code, barcode, rank, least(room, $5 - before)::bigint as quantity from ranked where before < $5
 order by rank, distance, pick_sequence nulls last, code
"""

# The room for the SKU at one location (locked: two putaways into one bin are checked in turn).
ROOM_AT = """
with bins as (
    select id, code, capacity, max_volume_ml, max_weight_g from locations where id = $4 for update
), """ + _HOLDINGS + """
select coalesce(""" + _ROOM + """, $5)::bigint as room, """ + UNDER_COUNT.format("b.id") + """ as under_count
  from bins b cross join sku
  left join held h on h.location_id = b.id
  left join replenishment_rules r on r.location_id = b.id and r.sku_id = sku.id
"""

LPN_ROWS = """
select st.id, st.location_id, l.code as location, l.type as location_type, st.sku_id, s.code as sku, st.lot, st.expiry,
       st.quantity - st.reserved as quantity
  from stock st join skus s on s.id = st.sku_id join locations l on l.id = st.location_id
 where st.lpn = $1 and st.quantity > st.reserved
 order by s.code, st.lot, st.expiry nulls last, st.id
"""

RULES = {1: "pick_face", 2: "same_lot", 3: "empty_bin"}


async def suggest(conn: asyncpg.Connection, sku_id: int, lot: str, expiry: datetime.date | None, dock_id: int,
                  quantity: int) -> list[Put]:
    """Where `quantity` units go, by the rules in order; what no bin has room for: location None."""
    rows = await conn.fetch(SUGGEST, sku_id, lot, expiry, dock_id, quantity)
    puts = [Put(location=r["code"], location_barcode=r["barcode"], quantity=r["quantity"], rule=RULES[r["rank"]]) for r in rows]
    left = quantity - sum(p.quantity for p in puts)
    return puts + ([Put(location=None, location_barcode=None, quantity=left, rule="none")] if left > 0 else [])


async def plan(conn: asyncpg.Connection, lpn: str) -> PutawayPlan:
    rows = await conn.fetch(LPN_ROWS, scanned(lpn))
    lines = [PutawayLine(sku=r["sku"], lot=r["lot"], expiry=r["expiry"], quantity=r["quantity"],
                         puts=await suggest(conn, r["sku_id"], r["lot"], r["expiry"], r["location_id"], r["quantity"]))
             for r in rows]
    return PutawayPlan(lpn=scanned(lpn), location=rows[0]["location"] if rows else None, lines=lines)


async def confirm(conn: asyncpg.Connection, data: PutawayConfirm, user: tuple[int, str], arrived: Arrived) -> PutawayResult:
    """Move units of the LPN to the scanned destination: one ledger row ('putaway'); stock that
    becomes pickable serves the orders waiting for it."""
    lpn = scanned(data.lpn)
    row = _line(await conn.fetch(LPN_ROWS + " for update of st", lpn), data, lpn)
    target = await stock_location(conn, scanned(data.location), "location")
    if target["type"] not in ("storage", "pick_face"):
        raise Invalid.field("location", f"{scanned(data.location)} is not a storage bin or pick face: scan where the goods go")
    code = await conn.fetchval("select code from locations where id = $1", target["id"])
    puts = await suggest(conn, row["sku_id"], row["lot"], row["expiry"], row["location_id"], row["quantity"])
    suggested = next((p for p in puts if p.location == code), None)
    if suggested is None and not data.reason.strip():
        best = next((p.location for p in puts if p.location), None)
        raise Invalid.field("location", f"{code} is not the suggested bin ({best or 'none has room'}): "
                                        f"scan {best or 'another bin'}, or give a reason to put it here")
    quantity = data.quantity or (suggested.quantity if suggested else row["quantity"])
    if quantity > row["quantity"]:
        raise Invalid.field("quantity", f"LPN {lpn} holds {row['quantity']} of {row['sku']}, not {quantity}")
    room = await conn.fetchrow(ROOM_AT, row["sku_id"], row["lot"], row["expiry"], target["id"], quantity)
    if room["under_count"]:
        raise Conflict(f"{code} is being counted: put the goods elsewhere, or wait until the count is done")
    if room["room"] < quantity:
        raise Invalid.field("quantity", f"{code} has room for {max(room['room'], 0)} more of {row['sku']}, not {quantity}")
    reference = f"LPN {lpn}" + (f"; not the suggested bin: {data.reason.strip()}" if suggested is None else "")
    moved = await apply_movement(conn, sku=row["sku_id"], quantity=quantity, reason="putaway", user_id=user[0],
                                 from_location=row["location_id"], from_lpn=lpn, to_location=target["id"], lot=row["lot"],
                                 expiry=row["expiry"], reference=reference, describe=f"{row['sku']} on LPN {lpn}")
    if (row["location_type"] in availability.SELLABLE_TYPES) != (target["type"] in availability.SELLABLE_TYPES):
        await availability.announce(conn, [row["sku"]])
    if target["type"] in PICKABLE_TYPES:
        await arrived(conn, [row["sku_id"]])
    movement = Movement(id=moved["id"], at=moved["at"], user=user[1], reason="putaway", sku=row["sku"], lot=row["lot"],
                        expiry=moved["expiry"], from_location=row["location"], from_lpn=lpn, to_location=code, to_lpn="",
                        quantity=quantity, reference=reference)
    return PutawayResult(message=f"{quantity} x {row['sku']} put away at {code}", movement=movement, overridden=suggested is None,
                         plan=await plan(conn, lpn))


def _line(rows: list[asyncpg.Record], data: PutawayConfirm, lpn: str) -> asyncpg.Record:
    """The LPN's row the confirmation is for: its only line, or the one named by SKU and lot."""
    if not rows:
        raise Invalid.field("lpn", f"LPN {lpn} holds nothing to put away")
    named = [r for r in rows if (data.sku is None or r["sku"] == data.sku) and (data.lot is None or r["lot"] == data.lot)]
    if not named:
        raise Invalid.field("sku", f"LPN {lpn} holds no {data.sku or ''}{f' lot {data.lot}' if data.lot else ''}".strip())
    if len(named) > 1:
        said = ", ".join(f"{r['sku']}" + (f" lot {r['lot']}" if r["lot"] else "") for r in named)
        raise Invalid.field("sku", f"LPN {lpn} holds {said}: say which (sku and lot)")
    return named[0]
