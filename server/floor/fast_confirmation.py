"""Pick confirmations, idempotent per scan id, confirmed together in groups.

The common confirmation (a pick task held by the caller, scanned at its own bin, the item by a
barcode we know, no more units than are left, the order's tote) is one SQL statement: it claims
the scan id, checks and locks the task, its reservation and the bin, makes every write of a pick,
builds the answer, stores it as the scan id's answer and returns it. When any check fails it
writes nothing, and the full path (server.floor.confirmation.confirm under run_once) runs instead and gives
the exact reason, or replays the first answer of a scan id already used.

Confirmations that arrive while a group is being confirmed go together in the next group
(server.core.coalescing): their statements are sent in one pipeline inside one transaction, followed
by the announcements of orders they finished (order.picked) and the replenishment of pick faces
they took below their minimum. So a hundred busy handhelds share round trips and commits instead
of paying one each. If the group fails as a whole (a deadlock with another server process, say),
each of its confirmations runs again on its own, so one cannot take the others down.
"""

import hashlib
from collections import Counter

import asyncpg
import msgspec

from schema.picking import PickConfirm
from server.core.idempotency import Stored, lock_id, run_once
from server.core.problems import Invalid
from server.core.outages import connection
from server.floor import confirmation, replenishment, trips

# Groups confirmed at once by one server process. More groups share the cores, but each is
# smaller (more commits) and waits longer on the busy pick faces the others hold until they commit:
# with 100 handhelds flat out on 2 cores, 4 at once confirmed 1.3 to 1.4 times as many picks as 2
# or 8 (bench.picking, a few runs each).
GROUPS_AT_ONCE = 4

# How confirmations were answered since the process started: "one statement", "with follow-ups"
# (the statement, then the announcement or replenishment), "full path".
PATHS: Counter[str] = Counter()
# Groups that failed as a whole, by the error (a deadlock with another group, say), and were then
# confirmed one by one.
FAILED_GROUPS: Counter[str] = Counter()

# $1 task, $2 caller, $3 idempotency scope, $4 scan id, $5 request hash, $6 advisory lock id,
# $7 scanned location, $8 forms of the scanned item barcode, $9 lot the scan carries (or null),
# $10 count, $11 tote, $12 lease, $13 whether the last pick of an order or a pick face going
# below its minimum may be done (the caller then runs the follow-ups in the same transaction).
# Always exactly one row, so that the rows of a pipeline of these statements pair with their scans.
#
# Every CTE reads the snapshot taken when the statement starts; rows it changes are locked first
# (FOR UPDATE re-reads them at their latest version), and the answer is built from what the
# writes will make of them. Nothing is written unless the scan id is claimed, and the scan id is
# claimed only when every check passed.
CONFIRM = """
with lock as materialized (
    select pg_try_advisory_xact_lock($6) as held
), task_row as materialized (
    -- The task by its id alone, behind a CTE fence: with the status test beside it the planner
    -- may take the index of open tasks (whose statistics can count far fewer assigned tasks than
    -- there are, mid-wave) and walk every assigned task to find this one.
    select * from pick_tasks where id = $1 and (select held from lock) for update
), task as materialized (
    select t.id, t.trip, t.reservation_id, t.order_id, t.order_line_id, t.location_id, t.to_location_id, t.sku_id,
           t.quantity - t.picked as remaining, l.code as location_code, o.external_id as order_reference
      from task_row t
      join locations l on l.id = t.location_id
      join orders o on o.id = t.order_id
     where t.kind = 'pick' and t.status = 'assigned' and t.assigned_to = $2
       and $7 in (l.barcode, l.code)
       and ($9::text is null or t.lot = '' or t.lot = $9)
       and (t.tote is null or t.tote = $11)
       -- a bin under count is left alone (the full path says so, or picks from another bin)
       and not exists (select 1 from count_tasks c where c.location_id = t.location_id and c.status = 'counting'
                                                      and c.lease_until > now())
), source as materialized (
    select task.*, b.quantity * $10 as units, st.id as stock_id, st.lot, st.expiry, st.lpn
      from task
      join lateral (select quantity from sku_barcodes
                     where barcode = any($8::text[]) and sku_id = task.sku_id limit 1) b on true
      join reservations r on r.id = task.reservation_id
      join stock st on st.id = r.stock_id and st.location_id = task.location_id
     where b.quantity * $10 <= task.remaining and r.picked + b.quantity * $10 <= r.quantity
       and st.reserved >= b.quantity * $10
       for update of r, st
), lines as materialized (
    -- locked, so they are read as the last pick of the order's other lines left them: two pickers
    -- (zones) confirming its last two lines at once would each see the other's line unpicked
    select l.id, l.quantity, l.picked from order_lines l where l.order_id = (select order_id from source)
       for no key update
), checked as materialized (
    select source.*,
           (select bool_and(l.picked + case when l.id = source.order_line_id then source.units else 0 end >= l.quantity)
              from lines l) as order_picked,
           coalesce((select rule.min_quantity > (select sum(quantity) from stock
                                                  where location_id = source.location_id and sku_id = source.sku_id) - source.units
                       from replenishment_rules rule
                      where rule.location_id = source.location_id and rule.sku_id = source.sku_id)
                    and not exists (select 1 from pick_tasks x
                                     where x.kind = 'replenish' and x.to_location_id = source.location_id
                                       and x.sku_id = source.sku_id and x.status in ('open', 'assigned')), false) as below_minimum
      from source
), ok as materialized (
    select * from checked where $13 or not (order_picked or below_minimum)
), trip_tasks as (
    select x.sequence,
           case when x.id = ok.id and ok.units >= ok.remaining then 'done' else x.status end as status,
           json_build_object(
               'id', x.id, 'kind', x.kind, 'sequence', x.sequence, 'location', l.code, 'location_barcode', l.barcode,
               'to_location', tl.code, 'sku', s.code, 'description', s.description, 'lot', x.lot,
               'quantity', x.quantity, 'picked', x.picked + case when x.id = ok.id then ok.units else 0 end,
               'status', case when x.id = ok.id and ok.units >= ok.remaining then 'done' else x.status end,
               'order_id', x.order_id, 'order', o.external_id,
               'tote', case when x.id = ok.id or (x.order_id = ok.order_id and x.tote is null) then $11 else x.tote end,
               'picked_from', case when x.id = ok.id then ok.location_code else pf.code end
           ) as doc, x.id = ok.id as this
      from ok
      join pick_tasks x on x.trip = ok.trip
      join locations l on l.id = x.location_id
      left join locations tl on tl.id = x.to_location_id
      join skus s on s.id = x.sku_id
      left join orders o on o.id = x.order_id
      left join locations pf on pf.id = x.picked_from_id
), answer as (
    select json_build_object(
               'task', (select doc from trip_tasks where this),
               'order_picked', ok.order_picked,
               'next_tasks', coalesce((select json_agg(doc order by sequence) from trip_tasks where status = 'assigned'), '[]'),
               'message', case when ok.units = ok.remaining then 'picked' else (ok.remaining - ok.units) || ' more to pick here' end
           ) as body
      from ok
), claimed as (
    insert into idempotency_keys (scope, key, request_hash, status_code, response_body)
    select $3, $4, $5, 200, convert_to(body::text, 'UTF8') from answer
        on conflict do nothing
    returning response_body
), go as (
    select ok.* from ok where exists (select 1 from claimed)
), reservation as (
    update reservations r set picked = r.picked + go.units from go where r.id = go.reservation_id
), bin as (
    update stock st set quantity = st.quantity - go.units, reserved = st.reserved - go.units, updated_at = now()
      from go where st.id = go.stock_id
), tote as (
    insert into stock (location_id, sku_id, lot, expiry, lpn, quantity)
    select to_location_id, sku_id, lot, expiry, $11, units from go
        on conflict (location_id, sku_id, lot, coalesce(expiry, 'infinity'::date), lpn)
        do update set quantity = stock.quantity + excluded.quantity, updated_at = now()
), ledger as (
    insert into movements (user_id, reason, sku_id, lot, expiry, from_location_id, from_lpn, to_location_id, to_lpn,
                           quantity, reference)
    select $2, 'pick', sku_id, lot, expiry, location_id, lpn, to_location_id, $11, units, order_reference from go
), picked as (
    update pick_tasks t set picked = t.picked + go.units, tote = $11, lease_until = now() + $12, picked_from_id = go.location_id,
           status = case when go.units >= go.remaining then 'done' else t.status end
      from go where t.id = go.id
), same_tote as (
    update pick_tasks t set tote = $11
      from go where t.trip = go.trip and t.order_id = go.order_id and t.tote is null and t.id <> go.id
), line as (
    update order_lines l set picked = l.picked + go.units from go where l.id = go.order_line_id
), picking as (
    update orders o set status = 'picking', updated_at = now() from go where o.id = go.order_id and o.status <> 'picking'
), trip_done as (
    update trips tr set status = 'done'
      from go
     where tr.id = go.trip and go.units >= go.remaining
       and not exists (select 1 from pick_tasks x where x.trip = go.trip and x.status in ('open', 'assigned') and x.id <> go.id)
)
select (select response_body from claimed) as body, checked.order_picked, checked.below_minimum, checked.order_id,
       checked.location_id, checked.sku_id
  from (values (1)) as one (row) left join checked on true
"""


class Confirmation(msgspec.Struct, frozen=True):
    """One confirmation as a handheld sent it: `request` is its canonical form, which the scan id is
    bound to (a different request under the same scan id is a 422)."""

    scope: str
    request: bytes
    task_id: int
    data: PickConfirm
    user: tuple[int, str]


async def confirm_group(pool: asyncpg.Pool, scans: list[Confirmation]) -> list[Stored | Exception]:
    """Confirm each scan at most once per (scope, scan id); an answer or a problem per scan, in order."""
    answers: list[Stored | Exception | None] = [None] * len(scans)
    # by scanned bin and item, so that two groups at once lock the stock they share in the same order
    statements = sorted(
        ((i, args) for i, scan in enumerate(scans) if (args := _arguments(scan)) is not None),
        key=lambda statement: (scans[statement[0]].data.location, scans[statement[0]].data.item),
    )
    async with connection(pool) as conn:
        if len(scans) == 1:  # alone: one round trip, no transaction to open and commit
            return [await _answer(confirm_once(conn, scans[0]))]
        if statements:
            try:
                async with conn.transaction():
                    rows = await conn.fetchmany(CONFIRM, [args + (True,) for _, args in statements])
                    await _follow_up(conn, [row for row in rows if row["body"] is not None])
            except (asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                FAILED_GROUPS[type(error).__name__] += 1
                return [await _answer(confirm_once(conn, scan)) for scan in scans]
            for (i, _), row in zip(statements, rows):  # committed: these are the answers
                if row["body"] is not None:
                    answers[i] = Stored(200, row["body"])
                    PATHS["with follow-ups" if row["order_picked"] or row["below_minimum"] else "one statement"] += 1
        for i, scan in enumerate(scans):
            if answers[i] is None:
                answers[i] = await _answer(_full(conn, scan))
    return answers


async def confirm_once(conn: asyncpg.Connection, scan: Confirmation) -> Stored:
    """Confirm one scan on its own: the statement, in a transaction with its follow-ups only when
    it has some, else the full path."""
    args = _arguments(scan)
    if args is not None:
        try:
            found = await conn.fetchrow(CONFIRM, *args, False)
            if found["body"] is not None:
                PATHS["one statement"] += 1
                return Stored(200, found["body"])
            if found["order_picked"] or found["below_minimum"]:
                async with conn.transaction():
                    done = await conn.fetchrow(CONFIRM, *args, True)
                    if done["body"] is not None:
                        await _follow_up(conn, [done])
                        PATHS["with follow-ups"] += 1
                        return Stored(200, done["body"])
        except asyncpg.DeadlockDetectedError:
            pass  # it changed nothing; the full path retries deadlocks
    return await _full(conn, scan)


def _arguments(scan: Confirmation) -> tuple | None:
    """The statement's arguments but the last; None when the item scan cannot be read (the full
    path says what is wrong with it)."""
    try:
        forms, lot = confirmation.read_item(scan.data.item)
    except Invalid:
        return None
    data = scan.data
    return (scan.task_id, scan.user[0], scan.scope, data.scan_id, hashlib.sha256(scan.request).digest(),
            lock_id(scan.scope, data.scan_id), confirmation.read_location(data.location), forms, lot, data.count, data.tote,
            trips.LEASE)


async def _full(conn: asyncpg.Connection, scan: Confirmation) -> Stored:
    PATHS["full path"] += 1

    async def full() -> tuple[int, bytes]:
        return 200, msgspec.json.encode(await confirmation.confirm(conn, scan.task_id, scan.data, scan.user))

    return await run_once(conn, scan.scope, scan.data.scan_id, scan.request, full)


async def _answer(confirming) -> Stored | Exception:
    try:
        return await confirming
    except Exception as error:  # this scan's own answer, whatever it is
        return error


async def _follow_up(conn: asyncpg.Connection, done: list[asyncpg.Record]) -> None:
    """Announce the orders these picks finished, and replenish the pick faces they took below their minimum."""
    await confirmation.announce_picked(conn, [row["order_id"] for row in done if row["order_picked"]])
    for row in done:
        if row["below_minimum"]:
            await replenishment.replenish_if_low(conn, row["location_id"], row["sku_id"])
