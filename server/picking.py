"""Work on the floor: waves release reserved order lines as pick tasks grouped into trips walked
in the shortest order; a trip is held by one picker at a time; confirmed picks move stock from
the bin to the tote; short picks become exceptions, count tasks and re-allocations.
"""

import asyncio
import datetime
import itertools
import logging
from contextlib import asynccontextmanager

import asyncpg
import biip

from schema.picking import (
    ExceptionOut, PickConfirm, PickResult, ReplenishmentRule, ShortPick, Task, Trip, TripRequest, Wave, WaveRelease,
)
from server import allocation, alternatives, events
from server.catalog import match_barcode, sku_id
from server.locations import stock_location
from server.problems import Conflict, Invalid, NotFound
from server.stock import apply_movement
from server.walk import Layout, Stop, shortest_route

log = logging.getLogger("wms.picking")

LEASE = datetime.timedelta(minutes=15)

WAITING_ORDERS = """
select o.id, o.status, o.allow_partial from orders o
 where ($1::bigint[] is null or o.id = any($1))
   and o.status in ('received', 'backordered', 'allocated')
   and ($2::timestamptz is null or o.created_at < $2)
   and ($3::text is null or o.carrier = $3)
   and ($4::int is null or o.priority <= $4)
 order by o.priority, o.ship_by nulls last, o.id
 limit $5
   for update skip locked
"""

# Reserved units of these orders that no task covers yet, with where they are.
UNTASKED = """
select r.id as reservation_id, l.order_id, l.id as order_line_id, st.location_id, st.sku_id, st.lot,
       r.quantity - r.picked - coalesce((select sum(t.quantity - t.picked) from pick_tasks t
                                          where t.reservation_id = r.id and t.status in ('open', 'assigned')), 0)
                             - coalesce((select sum(t.picked) from pick_tasks t
                                          where t.reservation_id = r.id and t.status in ('done', 'short')), 0)
         as quantity,
       loc.code, loc.x, loc.y, loc.pick_sequence, loc.warehouse_id, loc.equipment, o.priority, o.ship_by
  from reservations r
  join order_lines l on l.id = r.order_line_id
  join orders o on o.id = l.order_id
  join stock st on st.id = r.stock_id
  join locations loc on loc.id = st.location_id
 where l.order_id = any($1::bigint[])
 order by l.order_id, l.line_no, r.id
"""

ZONES = """
with recursive up as (
    select id as start, id, parent_id, kind, code from locations where id = any($1::bigint[])
    union all
    select up.start, p.id, p.parent_id, p.kind, p.code from up join locations p on p.id = up.parent_id
     where up.kind <> 'zone'
)
select start, code from up where kind = 'zone'
"""

INSERT_TASKS = """
insert into pick_tasks (kind, wave_id, trip, sequence, reservation_id, order_id, order_line_id, location_id,
                        to_location_id, sku_id, lot, quantity, zone)
select t.kind, $1, t.trip, t.sequence, t.reservation_id, t.order_id, t.order_line_id, t.location_id,
       t.to_location_id, t.sku_id, t.lot, t.quantity, t.zone
  from unnest($2::text[], $3::bigint[], $4::int[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[],
              $9::bigint[], $10::bigint[], $11::text[], $12::bigint[], $13::text[])
       as t(kind, trip, sequence, reservation_id, order_id, order_line_id, location_id, to_location_id, sku_id,
            lot, quantity, zone)
returning id
"""

SELECT_TASKS = """
select t.id, t.kind, t.sequence, l.code as location, l.barcode as location_barcode, tl.code as to_location,
       s.code as sku, s.description, t.lot, t.quantity, t.picked, t.status, t.order_id, o.external_id as order,
       t.tote, pf.code as picked_from
  from pick_tasks t
  join locations l on l.id = t.location_id
  left join locations tl on tl.id = t.to_location_id
  left join locations pf on pf.id = t.picked_from_id
  join skus s on s.id = t.sku_id
  left join orders o on o.id = t.order_id
"""


async def warehouse_layout(conn: asyncpg.Connection, warehouse_id: int) -> Layout | None:
    """The block of aisles the warehouse's bins stand in, and its depot (the first packing area)."""
    row = await conn.fetchrow(
        """
        select array_agg(distinct x order by x) filter (where kind = 'bin') as aisles,
               min(y) filter (where kind = 'bin') as y_min, max(y) filter (where kind = 'bin') as y_max,
               (select x from locations where warehouse_id = $1 and type = 'packing' and x is not null
                 order by code limit 1) as depot_x
          from locations where warehouse_id = $1 and x is not null and y is not null
        """,
        warehouse_id,
    )
    if not row or not row["aisles"]:
        return None
    depot_x = row["depot_x"] if row["depot_x"] is not None else row["aisles"][0]
    return Layout(aisle_xs=tuple(row["aisles"]), y_front=row["y_min"] - 1, y_back=row["y_max"] + 1, depot_x=depot_x)


def walk_order(layout: Layout | None, tasks: list[dict]) -> tuple[list[dict], float | None]:
    """Tasks in the order of the shortest walk; by pick sequence where locations have no coordinates."""
    placed = [t for t in tasks if t["x"] is not None and t["y"] is not None]
    if layout is None or len(placed) < len(tasks):
        return sorted(tasks, key=lambda t: (t["pick_sequence"] or 0, t["code"])), None
    route = shortest_route(layout, [Stop(str(i), t["x"], t["y"]) for i, t in enumerate(placed)])
    return [placed[int(key)] for key in route.order], route.length


async def _depot(conn: asyncpg.Connection, warehouse_id: int) -> int:
    found = await conn.fetchval(
        "select id from locations where warehouse_id = $1 and type in ('packing', 'staging') and active"
        " order by type, code limit 1",
        warehouse_id,
    )
    if found is None:
        raise Invalid.field("warehouse", "the warehouse has no packing or staging area to take picked stock to")
    return found


async def release_wave(conn: asyncpg.Connection, data: WaveRelease, user_id: int | None) -> Wave:
    """Allocate what is waiting (channels that allocate on release), then turn the reserved
    lines of the chosen orders into pick tasks, grouped into trips by the pick mode."""
    candidates = await conn.fetch(
        WAITING_ORDERS, data.orders, data.cutoff, data.carrier, data.max_priority, data.max_orders
    )
    not_released = []
    ready = []
    statuses = await allocation.allocate_orders(conn, [o["id"] for o in candidates if o["status"] != "allocated"])
    for order in candidates:
        status = statuses.get(order["id"], order["status"])
        if status == "allocated" or (order["allow_partial"] and status == "backordered"):
            ready.append(order["id"])
        else:
            not_released.append({"order_id": order["id"], "reason": "waiting for stock"})
    if data.orders:
        found = {o["id"] for o in candidates}
        not_released += [{"order_id": i, "reason": "not waiting to be picked, or being changed"} for i in data.orders if i not in found]
    wave_id = await conn.fetchval(
        "insert into waves (mode, released_by, criteria) values ($1, $2, $3::jsonb) returning id",
        data.mode, user_id, '{}',
    )
    tasks = [dict(r) for r in await conn.fetch(UNTASKED, ready) if r["quantity"] > 0]
    zones = dict(await conn.fetch(ZONES, list({t["location_id"] for t in tasks}))) if tasks else {}
    trips = _trips(data, tasks, zones)
    trip_ids = [
        r["id"] for r in await conn.fetch(
            """
            insert into trips (wave_id, zone, priority, ship_by)
            select $1, zone, priority, ship_by
              from unnest($2::text[], $3::smallint[], $4::date[]) with ordinality as t(zone, priority, ship_by, n)
             order by n
            returning id
            """,
            wave_id,
            [zones.get(trip[0]["location_id"]) if data.mode == "zone" else None for trip in trips],
            [min(t["priority"] for t in trip) for trip in trips],
            [min((t["ship_by"] for t in trip if t["ship_by"]), default=None) for trip in trips],
        )
    ]
    rows: list[tuple] = []
    layouts: dict[int, Layout | None] = {}
    depots: dict[int, int] = {}
    for trip_id, trip in zip(trip_ids, trips):
        warehouse = trip[0]["warehouse_id"]
        if warehouse not in layouts:
            layouts[warehouse] = await warehouse_layout(conn, warehouse)
            depots[warehouse] = await _depot(conn, warehouse)
        ordered, _ = walk_order(layouts[warehouse], trip)
        for sequence, t in enumerate(ordered, start=1):
            rows.append(("pick", trip_id, sequence, t["reservation_id"], t["order_id"], t["order_line_id"],
                         t["location_id"], depots[warehouse], t["sku_id"], t["lot"], t["quantity"], zones.get(t["location_id"])))
    if rows:
        await conn.fetch(INSERT_TASKS, wave_id, *[list(column) for column in zip(*rows)])
    return Wave(id=wave_id, mode=data.mode, orders=len(ready), trips=len(trips), tasks=len(rows), not_released=not_released)


def _trips(data: WaveRelease, tasks: list[dict], zones: dict[int, str]) -> list[list[dict]]:
    """discrete: an order a trip; batch: `orders_per_trip` orders a cart, a tote each; zone: the
    tasks of one zone, `tasks_per_trip` at a time, consolidated at packing."""
    by_order = [list(group) for _, group in itertools.groupby(tasks, key=lambda t: t["order_id"])]
    if data.mode == "discrete":
        return by_order
    if data.mode == "batch":
        return [sum(by_order[i : i + data.orders_per_trip], []) for i in range(0, len(by_order), data.orders_per_trip)]
    by_zone: dict[str | None, list[dict]] = {}
    for t in tasks:
        by_zone.setdefault(zones.get(t["location_id"]), []).append(t)
    return [
        zone_tasks[i : i + data.tasks_per_trip]
        for zone_tasks in by_zone.values()
        for i in range(0, len(zone_tasks), data.tasks_per_trip)
    ]


# The picker's current trip if they still hold one; else replenishments first, then the most
# urgent trip, skipping one another picker is claiming and one with a bin the picker cannot reach
# with the equipment they have ($2) (checked against the bins' equipment now, not a copy made at
# release, so tasks added to a trip later are covered too). The trip and its open tasks are
# held by the picker ($3) for a lease ($4), all in one statement.
TAKE_TRIP = """
with current as (
    select id from trips t
     where t.assigned_to = $3 and t.status = 'assigned' and t.lease_until > now()
       and exists (select 1 from pick_tasks x where x.trip = t.id and x.status = 'assigned')
     limit 1
), waiting as (
    select id from trips t
     where (t.status = 'open' or (t.status = 'assigned' and t.lease_until < now()))
       and not exists (select 1 from current)
       and ($1::text is null or t.zone = $1)
       and exists (select 1 from pick_tasks x where x.trip = t.id and x.status in ('open', 'assigned'))
       and not exists (select 1 from pick_tasks x join locations l on l.id = x.location_id
                        where x.trip = t.id and x.status in ('open', 'assigned')
                          and l.equipment is not null and l.equipment <> all($2::text[]))
     order by (t.kind = 'replenish') desc, t.priority, t.ship_by nulls last, t.id
     limit 1
       for update skip locked
), chosen as (
    select id from current union all select id from waiting
), held as (
    update trips t set status = 'assigned', assigned_to = $3, lease_until = now() + $4 from chosen where t.id = chosen.id
), tasks as (
    update pick_tasks x set status = 'assigned', assigned_to = $3, lease_until = now() + $4
      from chosen where x.trip = chosen.id and x.status in ('open', 'assigned')
)
select id from chosen
"""


async def _hold(conn: asyncpg.Connection, trip: int, user_id: int) -> bool:
    await conn.execute(
        "update trips set status = 'assigned', assigned_to = $2, lease_until = now() + $3 where id = $1", trip, user_id, LEASE
    )
    changed = await conn.execute(
        """
        update pick_tasks set status = 'assigned', assigned_to = $2, lease_until = now() + $3
         where trip = $1 and status in ('open', 'assigned')
        """,
        trip, user_id, LEASE,
    )
    return changed != "UPDATE 0"


async def next_trip(conn: asyncpg.Connection, data: TripRequest, user: tuple[int, str]) -> Trip:
    """The picker's current trip, or the best open one they have the equipment for, now held by them.

    Trips are not split by equipment at release: an order stays one trip into one tote, and a
    picker with a reach truck (or a ladder) picks its floor-level lines too, where splitting
    would send every order with one high-bay line to packing in two parts to consolidate.
    Instead a trip goes only to a picker who has the equipment every one of its bins needs."""
    trip = await conn.fetchval(TAKE_TRIP, data.zone, data.equipment, user[0], LEASE)
    if trip is None:
        zone = f" in zone {data.zone}" if data.zone else ""
        raise NotFound(f"no work waiting{zone} that {_with(data.equipment)} can reach")
    return await get_trip(conn, trip, user[1])


def _with(equipment: list[str]) -> str:
    return "a picker with " + ", ".join(equipment) if equipment else "a picker on foot"


async def get_trip(conn: asyncpg.Connection, trip: int, picker: str) -> Trip:
    rows = await conn.fetch(SELECT_TASKS + " where t.trip = $1 order by t.sequence", trip)
    found = await conn.fetchrow(
        "select t.lease_until, coalesce(w.mode, t.kind) from trips t left join waves w on w.id = t.wave_id where t.id = $1", trip
    )
    if found is None:
        raise NotFound(f"no trip {trip}")
    lease, mode = found
    return Trip(trip=trip, mode=mode, picker=picker, lease_until=lease, walk_metres=None,
                tasks=[Task(**dict(r)) for r in rows])


async def reassign(conn: asyncpg.Connection, trip: int, username: str) -> Trip:
    user = await conn.fetchval("select id from users where username = $1 and active", username)
    if user is None:
        raise Invalid.field("username", f"no active user {username!r}")
    if await conn.fetchval("select id from trips where id = $1 for update", trip) is None or not await _hold(conn, trip, user):
        raise NotFound(f"trip {trip} has no open tasks")
    return await get_trip(conn, trip, username)


async def _held_task(conn: asyncpg.Connection, task_id: int, user: tuple[int, str]) -> asyncpg.Record:
    task = await conn.fetchrow(
        """
        select t.*, l.barcode as location_barcode, l.code as location_code, s.code as sku, s.tracks_lot,
               u.username as holder, o.external_id as order_reference
          from pick_tasks t join locations l on l.id = t.location_id join skus s on s.id = t.sku_id
          left join users u on u.id = t.assigned_to
          left join orders o on o.id = t.order_id
         where t.id = $1 for update of t
        """,
        task_id,
    )
    if task is None:
        raise NotFound(f"no task {task_id}")
    if task["status"] in ("done", "short", "cancelled"):
        raise Conflict(f"task {task_id} is already {task['status']}")
    if task["assigned_to"] != user[0]:
        holder = task["holder"] or "nobody"
        raise Conflict(f"task {task_id} is held by {holder}; ask for your next trip")
    return task


def _is_gs1_element_string(scan: str) -> bool:
    """A GS1-128 / DataMatrix / QR scan (symbology identifier, or AI 01/02 with more after the GTIN),
    as opposed to a plain EAN/UPC or an internal code."""
    return scan.startswith(("]C1", "]d2", "]Q3", "]e0")) or (scan[:2] in ("01", "02") and len(scan) > 16 and scan[2:16].isdigit())


def read_item(scan: str) -> tuple[str, str | None]:
    """The barcode to look up in a scanned item, and the lot a GS1 element string carries."""
    barcode = scan.strip()
    if not _is_gs1_element_string(barcode):
        return barcode, None
    message = biip.parse(barcode).gs1_message
    gtin = message and (message.element_strings.get(ai="01") or message.element_strings.get(ai="02"))
    if not gtin:
        raise Invalid.field("item", "this GS1 barcode carries no GTIN; scan the item's barcode")
    lot = message.element_strings.get(ai="10")
    return gtin.gtin.as_gtin_14(), lot.value if lot else None


async def _scanned_units(conn: asyncpg.Connection, task: asyncpg.Record, scan: str, count: int) -> int:
    """How many base units `count` scans of this barcode are, after checking it is the task's item and lot."""
    barcode, lot = read_item(scan)
    try:
        match = await match_barcode(conn, barcode)
    except NotFound:
        raise Invalid.field("item", f"barcode {scan!r} is not an item we know; scan the item's own barcode") from None
    if match.sku != task["sku"]:
        raise Invalid.field("item", f"wrong item: that is {match.sku}, this task is {task['sku']}")
    if lot is not None and task["lot"] and lot != task["lot"]:
        raise Invalid.field("item", f"wrong lot: that is lot {lot}, this task is lot {task['lot']}")
    return count * match.quantity


async def confirm(conn: asyncpg.Connection, task_id: int, data: PickConfirm, user: tuple[int, str]) -> PickResult:
    """Move the scanned units from the bin to the tote, against the order's reservation."""
    task = await _held_task(conn, task_id, user)
    at_task = data.location in (task["location_barcode"], task["location_code"])
    if not at_task and task["kind"] == "replenish":
        raise Invalid.field("location", f"wrong location: go to {task['location_code']}")
    units = await _scanned_units(conn, task, data.item, data.count)
    remaining = task["quantity"] - task["picked"]
    if units > remaining:
        raise Invalid.field("count", f"too many: {remaining} still to pick here, you scanned {units}")
    if task["tote"] and task["tote"] != data.tote:
        raise Invalid.field("tote", f"this order goes into tote {task['tote']}")
    order_picked = False
    if task["kind"] == "replenish":
        await _replenish(conn, task, units, user)
    else:
        reservation = task["reservation_id"] if at_task else await alternatives.take_from(conn, task, data.location, units)
        order_picked = await _pick(conn, task, reservation, units, data.tote, user)
    return await _result(conn, task, "picked" if units == remaining else f"{remaining - units} more to pick here", order_picked)


async def _replenish(conn: asyncpg.Connection, task: asyncpg.Record, units: int, user: tuple[int, str]) -> None:
    await apply_movement(
        conn, sku=task["sku_id"], quantity=units, reason="replenish", user_id=user[0], from_location=task["location_id"],
        to_location=task["to_location_id"], lot=task["lot"], reference=f"replenishment task {task['id']}",
        describe=f"SKU {task['sku']} at {task['location_code']}",
    )
    await conn.execute(
        "update pick_tasks set picked = picked + $2, picked_from_id = location_id,"
        " status = case when picked + $2 >= quantity then 'done' else status end where id = $1",
        task["id"], units,
    )
    await _finish_trip_if_done(conn, task["trip"])


# After the movement: the task (and where it was picked: $5), the rest of the order's tasks on
# the cart (same tote), the order line, the order (now picking), the trip (done when nothing is
# left) in one statement, which also says whether the order is fully picked and the pick face
# below its minimum.
PICKED = """
with task as (
    update pick_tasks set picked = picked + $2, tote = $3, lease_until = now() + $4, picked_from_id = $5,
           status = case when picked + $2 >= quantity then 'done' else status end
     where id = $1
    returning trip, order_id, order_line_id, status
), same_tote as (
    update pick_tasks set tote = $3
     where trip = (select trip from task) and order_id = (select order_id from task) and tote is null and id <> $1
), line as (
    update order_lines set picked = picked + $2 where id = (select order_line_id from task)
), picking as (
    update orders set status = 'picking', updated_at = now()
     where id = (select order_id from task) and status <> 'picking'
), trip_done as (
    update trips set status = 'done'
     where id = (select trip from task) and (select status from task) = 'done'
       and not exists (select 1 from pick_tasks x where x.trip = (select trip from task)
                        and x.status in ('open', 'assigned') and x.id <> $1)
), lines as (
    -- locked, so a concurrent last pick of another line (zone picking) is seen, not missed
    select id, quantity, picked from order_lines where order_id = (select order_id from task) for no key update
)
select (select bool_and(case when l.id = (select order_line_id from task) then l.picked + $2 else l.picked end >= l.quantity)
          from lines l) as order_picked,
       coalesce((select r.min_quantity > (select coalesce(sum(quantity), 0) from stock where location_id = $5 and sku_id = $6)
                   from replenishment_rules r where r.location_id = $5 and r.sku_id = $6), false) as below_minimum
"""


async def _pick(
    conn: asyncpg.Connection, task: asyncpg.Record, reservation: int, units: int, tote: str, user: tuple[int, str]
) -> bool:
    """Move the units bin -> tote against the reservation; return whether the order is now fully picked."""
    source = await allocation.consume(conn, reservation, units)
    await apply_movement(
        conn, sku=task["sku_id"], quantity=units, reason="pick", user_id=user[0], from_location=source["location_id"],
        to_location=task["to_location_id"], lot=source["lot"], expiry=source["expiry"], from_lpn=source["lpn"],
        to_lpn=tote, reference=task["order_reference"], describe=f"SKU {task['sku']} at {task['location_code']}",
    )
    after = await conn.fetchrow(PICKED, task["id"], units, tote, LEASE, source["location_id"], task["sku_id"])
    if after["below_minimum"]:
        await replenish_if_low(conn, source["location_id"], task["sku_id"])
    return after["order_picked"]


async def _finish_trip_if_done(conn: asyncpg.Connection, trip: int) -> None:
    await conn.execute(
        "update trips set status = 'done' where id = $1"
        " and not exists (select 1 from pick_tasks where trip = $1 and status in ('open', 'assigned'))",
        trip,
    )


async def _result(conn: asyncpg.Connection, task: asyncpg.Record, message: str, done: bool) -> PickResult:
    if done:
        await announce_picked(conn, [task["order_id"]])
    rows = await conn.fetch(SELECT_TASKS + " where t.trip = $1 order by t.sequence", task["trip"])
    tasks = [Task(**dict(r)) for r in rows]
    this = next(t for t in tasks if t.id == task["id"])
    return PickResult(
        task=this, order_picked=bool(done), next_tasks=[t for t in tasks if t.status == "assigned"], message=message
    )


async def announce_picked(conn: asyncpg.Connection, order_ids: list[int]) -> None:
    """order.picked, once per order, in the transaction of its last pick (of a group's last picks,
    with one statement per step however many orders)."""
    from server.orders import event_payload, get_orders  # orders -> allocation -> ...; keep the cycle out

    if not order_ids:
        return
    channels = {
        r["id"]: r["channel_id"]
        for r in await conn.fetch(
            "select o.id, o.channel_id from orders o where o.id = any($1::bigint[])"
            " and not exists (select 1 from events where order_id = o.id and type = 'order.picked')",
            order_ids,
        )
    }
    if channels:
        await events.emit_many(conn, [
            ("order.picked", f"order:{order.id}", event_payload(order, "all lines picked"), channels[order.id], order.id)
            for order in await get_orders(conn, list(channels))
        ])


async def short(conn: asyncpg.Connection, task_id: int, data: ShortPick, user: tuple[int, str]) -> PickResult:
    """The bin is short: the missing units leave on hand as an exception (lost until counted), a
    count task is made for the bin, and the line is allocated again elsewhere, onto this trip."""
    task = await _held_task(conn, task_id, user)
    if data.location not in (task["location_barcode"], task["location_code"]):
        raise Invalid.field("location", f"wrong location: report the short at {task['location_code']}")
    missing = task["quantity"] - task["picked"]
    held = await conn.fetchrow(
        "select r.stock_id, st.location_id, st.lot, st.expiry, st.lpn from reservations r join stock st on st.id = r.stock_id"
        " where r.id = $1", task["reservation_id"],
    )
    # the reservation shrinks to what was picked, and its units go back before they are written off
    await conn.execute(
        "update reservations set quantity = quantity - $2 where id = $1 and quantity - $2 > 0", task["reservation_id"], missing
    )
    await conn.execute("delete from reservations where id = $1 and quantity = $2 and picked = 0", task["reservation_id"], missing)
    await conn.execute("update stock set reserved = reserved - $2 where id = $1", held["stock_id"], missing)
    await conn.execute("update order_lines set allocated = allocated - $2 where id = $1", task["order_line_id"], missing)
    exception_id = await conn.fetchval(
        "insert into exceptions (kind, task_id, location_id, sku_id, quantity, reason, reported_by)"
        " values ('short_pick', $1, $2, $3, $4, $5, $6) returning id",
        task["id"], held["location_id"], task["sku_id"], missing, data.reason, user[0],
    )
    on_hand = await conn.fetchval("select quantity - reserved from stock where id = $1", held["stock_id"])
    lost = min(missing, on_hand)
    if lost > 0:
        await apply_movement(
            conn, sku=task["sku_id"], quantity=lost, reason="lost", user_id=user[0], from_location=held["location_id"],
            lot=held["lot"], expiry=held["expiry"], from_lpn=held["lpn"], reference=f"exception {exception_id}",
            describe=f"SKU {task['sku']} at {task['location_code']}",
        )
    await conn.execute(
        "insert into count_tasks (location_id, sku_id, reason) values ($1, $2, $3)",
        held["location_id"], task["sku_id"], f"short pick (exception {exception_id})",
    )
    await conn.execute("update pick_tasks set status = 'short' where id = $1", task["id"])
    await _finish_trip_if_done(conn, task["trip"])
    await allocation.allocate_order(conn, task["order_id"])
    new = [dict(r) for r in await conn.fetch(UNTASKED, [task["order_id"]]) if r["quantity"] > 0]
    # what this picker evidently can reach goes onto their trip; a bin that needs equipment the
    # trip's bins do not goes onto a trip of its own, for a picker who has it
    reachable = set(await conn.fetchval(TRIP_EQUIPMENT, task["trip"]))
    here = [t for t in new if t["equipment"] is None or t["equipment"] in reachable]
    elsewhere = [t for t in new if t not in here]
    said = []
    if here:
        last = await conn.fetchval("select max(sequence) from pick_tasks where trip = $1", task["trip"])
        await _add_tasks(conn, task, task["trip"], last, here)
        await conn.execute(
            "update pick_tasks set status = 'assigned', assigned_to = $2, lease_until = now() + $3, tote = $4"
            " where trip = $1 and status = 'open'",
            task["trip"], user[0], LEASE, task["tote"],
        )
        said.append(f"pick the rest at {_codes(here)}")
    if elsewhere:
        trip = await conn.fetchval(
            "insert into trips (wave_id, priority, ship_by) select wave_id, priority, ship_by from trips where id = $1 returning id",
            task["trip"],
        )
        await _add_tasks(conn, task, trip, 0, elsewhere)
        needs = ", ".join(sorted({t["equipment"] for t in elsewhere}))
        said.append(f"the units at {_codes(elsewhere)} need {needs} and go to a picker who has it")
    message = "short pick recorded; " + ("; ".join(said) or "no other stock, the order waits for stock")
    order_picked = await conn.fetchval(
        "select bool_and(picked >= quantity) from (select picked, quantity from order_lines where order_id = $1"
        " for no key update) l", task["order_id"],
    )
    return await _result(conn, task, message, order_picked)


TRIP_EQUIPMENT = """
select coalesce(array_agg(distinct l.equipment) filter (where l.equipment is not null), '{}')
  from pick_tasks x join locations l on l.id = x.location_id
 where x.trip = $1
"""


async def _add_tasks(conn: asyncpg.Connection, task: asyncpg.Record, trip: int, after: int, new: list[dict]) -> None:
    """Re-allocated units of the short task's order line, as tasks at the end of `trip`."""
    rows = [("pick", trip, after + i, t["reservation_id"], t["order_id"], t["order_line_id"], t["location_id"],
             task["to_location_id"], t["sku_id"], t["lot"], t["quantity"], None) for i, t in enumerate(new, start=1)]
    await conn.fetch(INSERT_TASKS, task["wave_id"], *[list(c) for c in zip(*rows)])


def _codes(tasks: list[dict]) -> str:
    return ", ".join(sorted({t["code"] for t in tasks}))


async def replenish_if_low(conn: asyncpg.Connection, location_id: int, sku_id: int) -> None:
    """Below the pick face's minimum: one replenishment task from reserve storage, unless one is open."""
    rule = await conn.fetchrow(
        """
        select r.min_quantity, r.max_quantity,
               (select coalesce(sum(quantity), 0) from stock where location_id = r.location_id and sku_id = r.sku_id) as here
          from replenishment_rules r where r.location_id = $1 and r.sku_id = $2
        """,
        location_id, sku_id,
    )
    if rule is None or rule["here"] >= rule["min_quantity"]:
        return
    if await conn.fetchval(
        "select 1 from pick_tasks where kind = 'replenish' and to_location_id = $1 and sku_id = $2 and status in ('open', 'assigned')",
        location_id, sku_id,
    ):
        return
    source = await conn.fetchrow(
        """
        select st.location_id, st.lot, least(st.quantity - st.reserved, $3) as quantity
          from stock st join locations l on l.id = st.location_id
         where st.sku_id = $1 and l.type = 'storage' and st.quantity > st.reserved and st.location_id <> $2 and st.lpn = ''
         order by st.expiry nulls last, st.id
         limit 1
        """,
        sku_id, location_id, rule["max_quantity"] - rule["here"],
    )
    if source is None:
        return
    trip = await conn.fetchval("insert into trips (kind, priority) values ('replenish', 0) returning id")
    await conn.execute(
        "insert into pick_tasks (kind, trip, sequence, location_id, to_location_id, sku_id, lot, quantity)"
        " values ('replenish', $1, 1, $2, $3, $4, $5, $6)",
        trip, source["location_id"], location_id, sku_id, source["lot"], source["quantity"],
    )


async def open_exceptions(conn: asyncpg.Connection) -> list[ExceptionOut]:
    rows = await conn.fetch(
        """
        select e.id, e.kind, l.code as location, s.code as sku, e.quantity, e.reason, u.username as reported_by,
               e.status, e.created_at
          from exceptions e join locations l on l.id = e.location_id join skus s on s.id = e.sku_id
          left join users u on u.id = e.reported_by
         where e.status = 'open' order by e.id
        """
    )
    return [ExceptionOut(**dict(r)) for r in rows]


async def set_replenishment_rule(conn: asyncpg.Connection, data: ReplenishmentRule) -> dict:
    if data.max_quantity < data.min_quantity:
        raise Invalid.field("max_quantity", "must be at least min_quantity")
    location = await stock_location(conn, data.location, "location")
    sku = await sku_id(conn, data.sku, "sku")
    await conn.execute(
        """
        insert into replenishment_rules (location_id, sku_id, min_quantity, max_quantity) values ($1, $2, $3, $4)
            on conflict (location_id, sku_id) do update set min_quantity = $3, max_quantity = $4
        """,
        location["id"], sku["id"], data.min_quantity, data.max_quantity,
    )
    return {"location": data.location, "sku": data.sku, "min_quantity": data.min_quantity, "max_quantity": data.max_quantity}


async def release_continuously(pool: asyncpg.Pool, interval: float) -> None:
    """Waveless operation: every `interval` seconds, allocated orders without tasks go to the
    floor as discrete trips."""
    while True:
        try:
            async with pool.acquire() as conn, conn.transaction():
                ready = [
                    r["id"] for r in await conn.fetch(
                        "select o.id from orders o where o.status = 'allocated'"
                        " and not exists (select 1 from pick_tasks t where t.order_id = o.id)"
                        " order by o.priority, o.ship_by nulls last, o.id limit 500"
                    )
                ]
                if ready:
                    await release_wave(conn, WaveRelease(mode="discrete", orders=ready), None)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
            log.exception("waveless release failed; retrying")
        await asyncio.sleep(interval)


@asynccontextmanager
async def waveless(app):
    """Run release_continuously beside the API when Settings.waveless_seconds is set."""
    interval = app.state.settings.waveless_seconds
    if not interval:
        yield
        return
    task = asyncio.create_task(release_continuously(app.state.pool, interval))
    try:
        yield
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
