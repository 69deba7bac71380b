"""Waves: the chosen orders allocated (channels that allocate on release), their reserved lines
turned into pick tasks, grouped into trips by the pick mode (discrete, batch, zone) and ordered
by the shortest walk; and waveless release, which sends allocated orders to the floor as they come.
"""

import asyncio
import itertools
import logging
from contextlib import asynccontextmanager

import asyncpg

from schema.picking import TripPreview, Wave, WavePreview, WaveProgress, WaveRelease
from server.core.problems import Conflict, Invalid
from server.core.outages import BROKEN, connection
from server.core.background import running
from server.floor.walk import Layout, Stop, shortest_route
from server.orders import allocation

log = logging.getLogger("wms.picking")


# Orders a wave may take: not yet allocated, or with reserved units no task covers yet (an order
# an earlier wave released stays 'allocated' until its first pick, and is not taken again).
WAITING_ORDERS = """
select o.id, o.status, o.allow_partial from orders o
 where ($1::bigint[] is null or o.id = any($1))
   and o.status in ('received', 'backordered', 'allocated')
   and (o.status <> 'allocated' or exists (
        select 1 from order_lines l join reservations r on r.order_line_id = l.id
         where l.order_id = o.id and r.quantity > r.picked
           and not exists (select 1 from pick_tasks t where t.reservation_id = r.id and t.status <> 'cancelled')))
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
                        to_location_id, sku_id, lot, quantity, zone, tote)
select t.kind, $1, t.trip, t.sequence, t.reservation_id, t.order_id, t.order_line_id, t.location_id,
       t.to_location_id, t.sku_id, t.lot, t.quantity, t.zone, t.tote
  from unnest($2::text[], $3::bigint[], $4::int[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[],
              $9::bigint[], $10::bigint[], $11::text[], $12::bigint[], $13::text[], $14::text[])
       as t(kind, trip, sequence, reservation_id, order_id, order_line_id, location_id, to_location_id, sku_id,
            lot, quantity, zone, tote)
returning id
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
    tasks = [dict(r) for r in await conn.fetch(UNTASKED, ready) if r["quantity"] > 0]
    tasked = {t["order_id"] for t in tasks}
    not_released += [{"order_id": i, "reason": "nothing new to pick: its reserved units are on the floor already"}
                     for i in ready if i not in tasked]
    if not tasks:
        raise Conflict(
            "nothing to release: no order waiting has reserved units that are not on the floor already",
            extensions={"not_released": not_released},
        )
    wave_id = await conn.fetchval(
        "insert into waves (mode, released_by, criteria) values ($1, $2, $3::jsonb) returning id",
        data.mode, user_id, '{}',
    )
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
                         t["location_id"], depots[warehouse], t["sku_id"], t["lot"], t["quantity"], zones.get(t["location_id"]), None))
    if rows:
        await conn.fetch(INSERT_TASKS, wave_id, *[list(column) for column in zip(*rows)])
    return Wave(id=wave_id, mode=data.mode, orders=len(tasked), trips=len(trips), tasks=len(rows), not_released=not_released)


class _RolledBack(Exception):
    def __init__(self, preview: WavePreview):
        self.preview = preview


async def preview(conn: asyncpg.Connection, data: WaveRelease, user_id: int | None) -> WavePreview:
    """What release_wave would do now: it is run and rolled back, so the preview cannot differ from
    the release by a rule copied here. Refused (Conflict) as the release would be."""
    try:
        async with conn.transaction():
            wave = await release_wave(conn, data, user_id)
            raise _RolledBack(WavePreview(orders=wave.orders, trips=await _trip_previews(conn, wave.id),
                                          not_released=wave.not_released))
    except _RolledBack as done:
        return done.preview


WAVE_TASKS = """
select t.trip, t.quantity, o.external_id, l.code, l.x, l.y, l.pick_sequence, l.warehouse_id
  from pick_tasks t join locations l on l.id = t.location_id left join orders o on o.id = t.order_id
 where t.wave_id = $1
 order by t.trip, t.sequence
"""


async def _trip_previews(conn: asyncpg.Connection, wave_id: int) -> list[TripPreview]:
    layouts: dict[int, Layout | None] = {}
    previews = []
    for _, group in itertools.groupby([dict(r) for r in await conn.fetch(WAVE_TASKS, wave_id)], key=lambda t: t["trip"]):
        tasks = list(group)
        warehouse = tasks[0]["warehouse_id"]
        if warehouse not in layouts:
            layouts[warehouse] = await warehouse_layout(conn, warehouse)
        _, length = walk_order(layouts[warehouse], tasks)
        previews.append(TripPreview(
            orders=sorted({t["external_id"] for t in tasks if t["external_id"]}), stops=[t["code"] for t in tasks],
            units=sum(t["quantity"] for t in tasks), walk_metres=length,
        ))
    return previews


# Orders a wave could take: nothing of them on the floor yet.
WAITING_COUNT = """
select count(*) from orders o
 where o.status in ('received', 'backordered', 'allocated')
   and not exists (select 1 from pick_tasks t where t.order_id = o.id and t.status <> 'cancelled')
"""


async def waiting_count(conn: asyncpg.Connection) -> int:
    return await conn.fetchval(WAITING_COUNT)


RECENT_WAVES = """
select w.id, w.mode, u.username as released_by, w.created_at,
       count(distinct t.trip) as trips, count(t.id) as tasks, count(t.id) filter (where t.status in ('done', 'short')) as done
  from waves w left join users u on u.id = w.released_by left join pick_tasks t on t.wave_id = w.id
 where w.id < $1
 group by w.id, u.username
 order by w.id desc
 limit $2
"""


async def recent_waves(conn: asyncpg.Connection, before: int | None, limit: int) -> list[WaveProgress]:
    """Waves newest first, with how many of their tasks are done."""
    return [WaveProgress(**dict(r)) for r in await conn.fetch(RECENT_WAVES, before or 2**62, limit)]


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


async def release_continuously(pool: asyncpg.Pool, interval: float) -> None:
    """Waveless operation: every `interval` seconds, allocated orders without tasks go to the
    floor as discrete trips."""
    while True:
        try:
            async with connection(pool) as conn, conn.transaction():
                ready = [
                    r["id"] for r in await conn.fetch(
                        "select o.id from orders o where o.status = 'allocated'"
                        " and not exists (select 1 from pick_tasks t where t.order_id = o.id)"
                        " order by o.priority, o.ship_by nulls last, o.id limit 500"
                    )
                ]
                if ready:
                    await release_wave(conn, WaveRelease(mode="discrete", orders=ready), None)
        except Conflict:
            pass  # what was ready is on the floor already
        except BROKEN:
            pass  # the database is away, said once in the log: release when it is back
        except asyncpg.PostgresError:
            log.exception("waveless release failed; retrying")
        await asyncio.sleep(interval)


@asynccontextmanager
async def waveless(app):
    """Run release_continuously beside the API when Settings.waveless_seconds is set."""
    interval = app.state.settings.waveless_seconds
    if not interval:
        yield
        return
    async with running(release_continuously(app.state.pool, interval)):
        yield
