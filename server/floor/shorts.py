"""Short picks: the bin has fewer units than the task, so the missing units leave on hand as an
exception (lost until counted), a count task is made for the bin, and the line is allocated again
elsewhere, onto the picker's trip or a trip of its own for a bin that needs other equipment."""

import asyncpg

from schema.picking import ExceptionOut, PickResult, ShortPick
from server.core.problems import Conflict, Invalid, NotFound
from server.floor.confirmation import finish_trip_if_done, held_task, pick_result, read_location
from server.floor.trips import hold
from server.floor.waves import INSERT_TASKS, UNTASKED
from server.inventory.stock import apply_movement
from server.orders import allocation


async def short(conn: asyncpg.Connection, task_id: int, data: ShortPick, user: tuple[int, str]) -> PickResult:
    """The bin is short: the missing units leave on hand as an exception (lost until counted), a
    count task is made for the bin, and the line is allocated again elsewhere, onto this trip."""
    task = await held_task(conn, task_id, user)
    if read_location(data.location) not in (task["location_barcode"], task["location_code"]):
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
    await finish_trip_if_done(conn, task["trip"])
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
        await _add_tasks(conn, task, task["trip"], last, here, task["tote"])
        await hold(conn, task["trip"], user[0])
        said.append(f"pick the rest at {_codes(here)}")
    if elsewhere:
        trip = await conn.fetchval(
            "insert into trips (wave_id, priority, ship_by) select wave_id, priority, ship_by from trips where id = $1 returning id",
            task["trip"],
        )
        await _add_tasks(conn, task, trip, 0, elsewhere, None)
        needs = ", ".join(sorted({t["equipment"] for t in elsewhere}))
        said.append(f"the units at {_codes(elsewhere)} need {needs} and go to a picker who has it")
    message = "short pick recorded; " + ("; ".join(said) or "no other stock, the order waits for stock")
    order_picked = await conn.fetchval(
        "select bool_and(picked >= quantity) from (select picked, quantity from order_lines where order_id = $1"
        " for no key update) l", task["order_id"],
    )
    return await pick_result(conn, task, message, order_picked)


TRIP_EQUIPMENT = """
select coalesce(array_agg(distinct l.equipment) filter (where l.equipment is not null), '{}')
  from pick_tasks x join locations l on l.id = x.location_id
 where x.trip = $1
"""


async def _add_tasks(
    conn: asyncpg.Connection, task: asyncpg.Record, trip: int, after: int, new: list[dict], tote: str | None
) -> None:
    """Re-allocated units of the short task's order line, as tasks at the end of `trip`, into `tote`."""
    rows = [("pick", trip, after + i, t["reservation_id"], t["order_id"], t["order_line_id"], t["location_id"],
             task["to_location_id"], t["sku_id"], t["lot"], t["quantity"], None, tote) for i, t in enumerate(new, start=1)]
    await conn.fetch(INSERT_TASKS, task["wave_id"], *[list(c) for c in zip(*rows)])


def _codes(tasks: list[dict]) -> str:
    return ", ".join(sorted({t["code"] for t in tasks}))


SELECT_EXCEPTIONS = """
select e.id, e.kind, l.code as location, s.code as sku, e.quantity, e.reason, u.username as reported_by,
       e.status, e.created_at
  from exceptions e join locations l on l.id = e.location_id join skus s on s.id = e.sku_id
  left join users u on u.id = e.reported_by
"""


async def open_exceptions(conn: asyncpg.Connection) -> list[ExceptionOut]:
    return [ExceptionOut(**dict(r)) for r in await conn.fetch(SELECT_EXCEPTIONS + " where e.status = 'open' order by e.id")]


async def resolve(conn: asyncpg.Connection, exception_id: int, user_id: int, resolution: str) -> ExceptionOut:
    """A supervisor closes an exception, saying what was done (found, counted, written off)."""
    if not resolution.strip():
        raise Invalid.field("resolution", "say what was done about it")
    done = await conn.fetchval(
        "update exceptions set status = 'resolved', resolved_by = $2, resolved_at = now(), resolution = $3"
        " where id = $1 and status = 'open' returning id",
        exception_id, user_id, resolution,
    )
    if done is None:
        if await conn.fetchval("select 1 from exceptions where id = $1", exception_id) is None:
            raise NotFound(f"no exception {exception_id}")
        raise Conflict(f"exception {exception_id} is resolved already")
    return ExceptionOut(**dict(await conn.fetchrow(SELECT_EXCEPTIONS + " where e.id = $1", exception_id)))
