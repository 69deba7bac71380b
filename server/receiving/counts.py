"""Cycle counts: tasks by location (the ABC schedule, a short pick, a supervisor's list), taken by a
counter who then holds the bin (picks there wait or go to another bin, see server.floor), counted
blind by scans. A variance beyond the tolerance is counted again by another counter; a confirmed
variance becomes adjustments (reason 'count'), after a supervisor's approval when it is worth more
than the approval value."""

import datetime

import asyncpg

from schema import scans
from schema.counts import (
    CountAssignment,
    CountDecision,
    CountList,
    CountResult,
    CountReview,
    CountRound,
    CountSchedule,
    CountSubmit,
    CountTask,
    NextCount,
    RoundLine,
)
from server.core.problems import Conflict, Invalid, NotFound
from server.inventory import availability
from server.inventory.catalog import forms_of, match_forms
from server.inventory.locations import PICKABLE_TYPES
from server.inventory.stock import Arrived, apply_movement
from server.receiving import settings
from server.receiving.sessions import scanned

LEASE = datetime.timedelta(minutes=15)
STILL_OPEN = ("open", "counting", "recount", "approval")

TASK = """
select t.id, l.code as location, l.barcode as location_barcode, s.code as sku, t.source, t.reason, t.status,
       greatest(1, (select count(*) from counts c where c.task_id = t.id)::int
                   + case when t.status in ('open', 'counting', 'recount') then 1 else 0 end) as round,
       u.username as assigned_to, t.created_at
  from count_tasks t join locations l on l.id = t.location_id
  left join skus s on s.id = t.sku_id
  left join users u on u.id = t.assigned_to
"""


async def get_task(conn: asyncpg.Connection, task_id: int) -> CountTask:
    row = await conn.fetchrow(TASK + " where t.id = $1", task_id)
    if row is None:
        raise NotFound(f"no count task {task_id}")
    return CountTask(**dict(row))


async def list_tasks(conn: asyncpg.Connection, status: str | None, after: int, limit: int) -> list[CountTask]:
    rows = await conn.fetch(TASK + " where t.id > $1 and ($3::text is null or t.status = $3) order by t.id limit $2",
                            after, limit, status)
    return [CountTask(**dict(r)) for r in rows]


# -- making tasks ------------------------------------------------------------------------------

INSERT_TASKS = """
insert into count_tasks (location_id, reason, source, created_by)
select location_id, reason, $3, $4 from unnest($1::bigint[], $2::text[]) as t(location_id, reason)
returning id
"""


async def from_list(conn: asyncpg.Connection, data: CountList, user: tuple[int, str]) -> list[CountTask]:
    """A task per listed location, except where one is open already (that one is answered)."""
    ids: list[int] = []
    fresh: list[int] = []
    for i, code in enumerate(data.locations):
        row = await conn.fetchrow(
            "select id, kind from locations where barcode = $1 or code = $1 order by barcode = $1 desc limit 1", code)
        if row is None or row["kind"] not in ("bin", "area"):
            raise Invalid.field(f"locations[{i}]", f"no bin or area {code!r}")
        open_task = await conn.fetchval(
            "select id from count_tasks where location_id = $1 and status = any($2::text[]) order by id limit 1", row["id"],
            list(STILL_OPEN))
        if open_task is not None:
            ids.append(open_task)
        elif row["id"] not in fresh:
            fresh.append(row["id"])
    if fresh:
        ids += [r["id"] for r in await conn.fetch(INSERT_TASKS, fresh, [data.reason] * len(fresh), "list", user[0])]
    return [await get_task(conn, task_id) for task_id in sorted(set(ids))]


# Bins holding stock whose last count is older than their class allows (a bin takes the most
# frequent class of the SKUs it holds; a SKU without a class counts as C), most frequent first.
DUE = """
with classed as (
    select st.location_id, min(case s.velocity when 'A' then $1::int when 'B' then $2::int else $3::int end) as every_days,
           min(coalesce(s.velocity, 'C')) as class
      from stock st join skus s on s.id = st.sku_id join locations l on l.id = st.location_id
     where st.quantity > 0 and l.kind = 'bin' and l.active and l.type in ('storage', 'pick_face')
     group by st.location_id
)
select k.location_id, k.every_days, k.class from classed k
 where not exists (select 1 from count_tasks t where t.location_id = k.location_id and t.status = any($5::text[]))
   and coalesce((select max(c.at) from counts c join count_tasks t on t.id = c.task_id where t.location_id = k.location_id),
                '-infinity') < now() - make_interval(days => k.every_days)
 order by k.every_days, k.location_id
 limit $4
"""


async def schedule(conn: asyncpg.Connection, data: CountSchedule, user: tuple[int, str]) -> list[CountTask]:
    """The tasks the ABC schedule says are due now."""
    rules = await settings.get_settings(conn)
    due = await conn.fetch(DUE, rules.count_days_a, rules.count_days_b, rules.count_days_c, data.limit, list(STILL_OPEN))
    if not due:
        return []
    made = await conn.fetch(INSERT_TASKS, [r["location_id"] for r in due],
                            [f"class {r['class']}: counted every {r['every_days']} days" for r in due], "schedule", user[0])
    return [await get_task(conn, r["id"]) for r in made]


# -- counting ----------------------------------------------------------------------------------

# The caller's own task if they hold one, else the next waiting one they have not counted before
# (a recount is another counter's), recounts first; a task whose counter's lease ran out waits again.
NEXT = """
with mine as (
    select id from count_tasks where status = 'counting' and assigned_to = $1 order by id limit 1
), waiting as (
    select t.id from count_tasks t
     where (t.status in ('open', 'recount') or (t.status = 'counting' and t.lease_until < now()))
       and not exists (select 1 from counts c where c.task_id = t.id and c.user_id = $1)
       and ($2::text is null or t.location_id in (
             with recursive below as (
                 select id from locations where code = $2 or barcode = $2
                 union all
                 select l.id from locations l join below b on l.parent_id = b.id)
             select id from below))
       and not exists (select 1 from mine)
     order by t.status = 'recount' desc, t.id
     limit 1
       for update of t skip locked
), taken as (
    select id from mine union all select id from waiting
)
update count_tasks t set status = 'counting', assigned_to = $1, lease_until = now() + $3
  from taken where t.id = taken.id
returning t.id
"""


async def next_task(conn: asyncpg.Connection, data: NextCount, user: tuple[int, str]) -> CountAssignment:
    task_id = await conn.fetchval(NEXT, user[0], data.zone, LEASE)
    if task_id is None:
        return CountAssignment(task=None, message="nothing to count")
    task = await get_task(conn, task_id)
    what = f"every item at {task.location}" if task.sku is None else f"{task.sku} at {task.location}"
    return CountAssignment(task=task, message=f"count {what}" + (" (recount)" if task.round == 2 else ""))


EXPECTED = """
select sku_id, lot, min(expiry) as expiry, sum(quantity)::bigint as quantity from stock
 where location_id = $1 and ($2::bigint is null or sku_id = $2) and quantity > 0
 group by sku_id, lot
"""


async def submit(conn: asyncpg.Connection, task_id: int, data: CountSubmit, user: tuple[int, str], arrived: Arrived) -> CountResult:
    """Record what the counter found and decide what follows: done, a recount by another counter,
    a supervisor's approval, or adjustments at once. The answer never says what was expected."""
    task = await conn.fetchrow(
        "select t.*, l.code, l.barcode, l.type from count_tasks t join locations l on l.id = t.location_id where t.id = $1"
        " for update of t", task_id)
    if task is None:
        raise NotFound(f"no count task {task_id}")
    if task["status"] != "counting" or task["assigned_to"] != user[0]:
        raise Conflict(f"count task {task_id} is not yours to count (it is {task['status']}): take one with POST /api/v1/counts/next")
    if scanned(data.location) not in (task["barcode"], task["code"]):
        raise Invalid.field("location", f"wrong location: this count is at {task['code']}")
    counted = await _counted(conn, task, data)
    # the bin's stock rows, locked: what they hold is what this count is compared with
    await conn.execute("select id from stock where location_id = $1 and ($2::bigint is null or sku_id = $2) for update",
                       task["location_id"], task["sku_id"])
    expected = {(r["sku_id"], r["lot"]): r for r in await conn.fetch(EXPECTED, task["location_id"], task["sku_id"])}
    rules = await settings.get_settings(conn)
    values = dict(await conn.fetch("select id, coalesce(unit_value, 0)::float8 from skus where id = any($1::bigint[])",
                                   list({k[0] for k in counted} | {k[0] for k in expected})))
    lines = []
    for key in sorted(set(counted) | set(expected)):
        had = expected[key]["quantity"] if key in expected else 0
        found, expiry = counted.get(key, (0, None))
        lines.append((key[0], key[1], expiry or (expected[key]["expiry"] if key in expected else None), found, had))
    variance = any(found != had for *_, found, had in lines)
    beyond = any(abs(found - had) > max(rules.count_tolerance_units, had * rules.count_tolerance_pct / 100) for *_, found, had in lines)
    value = round(sum(abs(found - had) * values[sku] for sku, _, _, found, had in lines), 2)
    rounds = await conn.fetchval("select count(*) from counts where task_id = $1", task_id) + 1
    count_id = await conn.fetchval(
        "insert into counts (task_id, round, user_id, variance, beyond, value) values ($1, $2, $3, $4, $5, $6) returning id",
        task_id, rounds, user[0], variance, beyond, value)
    await conn.executemany("insert into count_lines (count_id, sku_id, lot, expiry, counted, expected) values ($1, $2, $3, $4, $5, $6)",
                           [(count_id, *line) for line in lines])
    if rounds == 1 and beyond:
        await _set(conn, task_id, "recount", None)
        message = "counted; another counter counts this location again"
    elif not variance:
        await _set(conn, task_id, "done", "no variance" if rounds == 1 else "the recount found no variance")
        message = "counted: thank you"
    elif value > rules.approval_value:
        await _set(conn, task_id, "approval", f"a difference worth {value:.2f} waits for a supervisor")
        message = "counted; a supervisor reviews the difference"
    else:
        await adjust(conn, task, count_id, user, arrived)
        await _set(conn, task_id, "done", "adjusted to the count")
        message = "counted: the stock is corrected"
    return CountResult(task=await get_task(conn, task_id), message=message)


async def _counted(conn: asyncpg.Connection, task: asyncpg.Record, data: CountSubmit) -> dict[tuple[int, str], tuple[int, datetime.date | None]]:
    """Units counted per (SKU, lot), each line's item read by the scan parser."""
    counted: dict[tuple[int, str], tuple[int, datetime.date | None]] = {}
    for i, line in enumerate(data.lines):
        where = f"lines[{i}]"
        try:
            found = scans.parse(line.item)
        except scans.ScanError as error:
            raise Invalid.field(f"{where}.item", error.reason) from None
        if isinstance(found, scans.Sscc):
            raise Invalid.field(f"{where}.item", "that is a carton label (SSCC): scan the items' own barcode")
        try:
            match = await match_forms(conn, forms_of(found, scans.split_symbology(line.item)[1]), line.item)
        except NotFound:
            raise Invalid.field(f"{where}.item", f"barcode {line.item!r} is not an item we know") from None
        sku = await conn.fetchrow("select id, code, tracks_lot, tracks_expiry from skus where code = $1", match.sku)
        if task["sku_id"] is not None and sku["id"] != task["sku_id"]:
            raise Invalid.field(f"{where}.item", f"this count is of one SKU only; that is {sku['code']}")
        item = found if isinstance(found, scans.Item) else None
        lot = ((item and item.lot) or line.lot or "") if sku["tracks_lot"] else ""
        expiry = ((item and item.expiry) or line.expiry) if sku["tracks_expiry"] else None
        if sku["tracks_lot"] and not lot:
            raise Invalid.field(f"{where}.lot", f"{sku['code']} is lot-tracked: count each lot on its own line")
        before, known = counted.get((sku["id"], lot), (0, None))
        counted[(sku["id"], lot)] = (before + line.count * match.quantity, known or expiry)
    return counted


async def _set(conn: asyncpg.Connection, task_id: int, status: str, outcome: str | None) -> None:
    await conn.execute(
        "update count_tasks set status = $2, outcome = $3, assigned_to = case when $2 = 'recount' then null else assigned_to end,"
        " lease_until = null, closed_at = case when $2 = 'done' then now() end where id = $1",
        task_id, status, outcome)


async def adjust(conn: asyncpg.Connection, task: asyncpg.Record, count_id: int, user: tuple[int, str], arrived: Arrived) -> None:
    """The stock made to agree with the count: found units in, missing units out (reason 'count').
    Units reserved for orders stay: their picks will find them short."""
    reference = f"count task {task['id']}"
    lines = await conn.fetch(
        "select l.*, s.code from count_lines l join skus s on s.id = l.sku_id where l.count_id = $1 and l.counted <> l.expected",
        count_id)
    for line in lines:
        if line["counted"] > line["expected"]:
            await apply_movement(conn, sku=line["sku_id"], quantity=line["counted"] - line["expected"], reason="count",
                                 user_id=user[0], to_location=task["location_id"], lot=line["lot"], expiry=line["expiry"],
                                 reference=reference)
            continue
        missing = line["expected"] - line["counted"]
        rows = await conn.fetch(
            "select lpn, expiry, quantity - reserved as free from stock where location_id = $1 and sku_id = $2 and lot = $3"
            " and quantity > reserved order by lpn, expiry nulls last, id for update",
            task["location_id"], line["sku_id"], line["lot"])
        for row in rows:
            take = min(row["free"], missing)
            if take <= 0:
                break
            missing -= take
            await apply_movement(conn, sku=line["sku_id"], quantity=take, reason="count", user_id=user[0],
                                 from_location=task["location_id"], from_lpn=row["lpn"], lot=line["lot"], expiry=row["expiry"],
                                 reference=reference, describe=f"{line['code']} at {task['code']}")
    codes = sorted({line["code"] for line in lines})
    if codes and task["type"] in availability.SELLABLE_TYPES:
        await availability.announce(conn, codes)
    found = [line["sku_id"] for line in lines if line["counted"] > line["expected"]]
    if found and task["type"] in PICKABLE_TYPES:
        await arrived(conn, found, note_availability=False)


async def decide(conn: asyncpg.Connection, task_id: int, data: CountDecision, user: tuple[int, str], arrived: Arrived) -> CountReview:
    """A supervisor approves the counted difference (the stock is adjusted) or rejects it."""
    task = await conn.fetchrow(
        "select t.*, l.code, l.type from count_tasks t join locations l on l.id = t.location_id where t.id = $1 for update of t",
        task_id)
    if task is None:
        raise NotFound(f"no count task {task_id}")
    if task["status"] != "approval":
        raise Conflict(f"count task {task_id} is {task['status']}: nothing waits for approval")
    note = f": {data.note}" if data.note else ""
    if data.approve:
        last = await conn.fetchval("select id from counts where task_id = $1 order by round desc limit 1", task_id)
        await adjust(conn, task, last, user, arrived)
        await _set(conn, task_id, "done", f"approved by {user[1]}{note}; adjusted to the count")
    else:
        await _set(conn, task_id, "done", f"rejected by {user[1]}{note}; not adjusted")
    return await review(conn, task_id)


ROUNDS = """
select c.id, c.round, u.username as user, c.at, c.beyond as beyond_tolerance, c.value::float8 as value
  from counts c join users u on u.id = c.user_id where c.task_id = $1 order by c.round
"""


async def review(conn: asyncpg.Connection, task_id: int) -> CountReview:
    """The count as a supervisor sees it, with what was expected."""
    task = await get_task(conn, task_id)
    rounds = []
    for r in await conn.fetch(ROUNDS, task_id):
        lines = await conn.fetch(
            "select s.code as sku, l.lot, l.counted, l.expected, l.counted - l.expected as difference"
            " from count_lines l join skus s on s.id = l.sku_id where l.count_id = $1 order by s.code, l.lot", r["id"])
        rounds.append(CountRound(**{k: r[k] for k in ("round", "user", "at", "beyond_tolerance", "value")},
                                 lines=[RoundLine(**dict(line)) for line in lines]))
    outcome = await conn.fetchval("select outcome from count_tasks where id = $1", task_id)
    adjustments = [r["id"] for r in await conn.fetch(
        "select id from movements where reason = 'count' and reference = $1 order by id", f"count task {task_id}")]
    return CountReview(task=task, rounds=rounds, outcome=outcome, adjustments=adjustments)
