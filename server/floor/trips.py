"""Trips and the pickers who hold them: the next trip for a picker (their own if they hold one,
else the most urgent they have the equipment for), a trip read back, and a supervisor's reassignment.
A trip and its open tasks are held for a lease, renewed by every pick."""

import datetime

import asyncpg

from schema.picking import Task, Trip, TripProgress, TripRequest
from server.core.problems import Invalid, NotFound

LEASE = datetime.timedelta(minutes=15)


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


def _holding(picker: str, lease: str) -> str:
    """The one place a trip is held: the CTEs that give the trips in `chosen` and their open tasks
    to a picker for a lease, `picker` and `lease` being the statement's parameters for them."""
    return f"""
held as (
    update trips t set status = 'assigned', assigned_to = {picker}, lease_until = now() + {lease}
      from chosen where t.id = chosen.id
), tasks as (
    update pick_tasks x set status = 'assigned', assigned_to = {picker}, lease_until = now() + {lease}
      from chosen where x.trip = chosen.id and x.status in ('open', 'assigned')
    returning x.id
)"""


# The picker's current trip if they still hold one; else replenishments first, then the most
# urgent trip, skipping one another picker is claiming and one with a bin the picker cannot reach
# with the equipment they have ($2) (checked against the bins' equipment now, not a copy made at
# release, so tasks added to a trip later are covered too). The trip and its open tasks are
# held by the picker ($3) for a lease ($4), all in one statement.
TAKE_TRIP = f"""
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
), {_holding("$3", "$4")}
select id from chosen
"""

# Trip $1 and its open tasks, held by picker $2 for a lease ($3); how many tasks that is.
HOLD_TRIP = f"""
with chosen as (
    select id from trips where id = $1 for update
), {_holding("$2", "$3")}
select count(*) from tasks
"""


async def hold(conn: asyncpg.Connection, trip: int, user_id: int) -> bool:
    """Hold the trip for the picker; whether it has open tasks to hold."""
    return await conn.fetchval(HOLD_TRIP, trip, user_id, LEASE) > 0


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
    if not await hold(conn, trip, user):
        raise NotFound(f"trip {trip} has no open tasks")
    return await get_trip(conn, trip, username)


async def order_tasks(conn: asyncpg.Connection, order_id: int) -> list[Task]:
    """An order's pick tasks, the picking progress customer service sees."""
    return [Task(**dict(r)) for r in await conn.fetch(SELECT_TASKS + " where t.order_id = $1 order by t.trip, t.sequence", order_id)]


# Trips not done, the held ones first; the picker's last pick from the ledger (movements_picks_by_user).
IN_PROGRESS = """
select t.id as trip, t.wave_id as wave, t.zone, t.status, u.username as picker,
       (select count(*) from pick_tasks x where x.trip = t.id and x.status <> 'cancelled') as tasks,
       (select count(*) from pick_tasks x where x.trip = t.id and x.status in ('done', 'short')) as done,
       (select max(m.at) from movements m where m.user_id = t.assigned_to and m.reason = 'pick') as last_scan
  from trips t left join users u on u.id = t.assigned_to
 where t.status <> 'done' and t.id > $1
 order by (t.status = 'assigned') desc, t.id
 limit $2
"""


async def in_progress(conn: asyncpg.Connection, after: int, limit: int) -> list[TripProgress]:
    return [TripProgress(**dict(r)) for r in await conn.fetch(IN_PROGRESS, after, limit)]
