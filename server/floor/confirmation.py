"""The full path of a pick confirmation, one scan at a time under row locks: the task checked
(held by the caller, at its bin or an alternative one, the right item and lot, not too many, the
order's tote), the units moved bin -> tote against the reservation, the order announced when it is
fully picked. The one-statement path (fast_confirmation.py) falls back here for the exact reason
of a refusal; tests compare the two."""

import asyncpg

from schema import scans
from schema.picking import PickConfirm, PickResult, Task
from server.core import outbox
from server.core.problems import Conflict, Invalid, NotFound
from server.floor import alternatives
from server.floor.replenishment import replenish_if_low
from server.floor.trips import LEASE, SELECT_TASKS
from server.inventory.catalog import forms_of, match_forms
from server.inventory.stock import apply_movement
from server.orders import allocation
from server.orders.reads import event_payload, get_orders


async def held_task(conn: asyncpg.Connection, task_id: int, user: tuple[int, str]) -> asyncpg.Record:
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


def read_item(scan: str) -> tuple[list[str], str | None]:
    """The forms to look a scanned item up by (catalog.forms_of), and the lot a GS1 barcode
    carries; a scan that is not valid GS1 or GTIN is refused with the reason."""
    try:
        found = scans.parse(scan)
    except scans.ScanError as error:
        raise Invalid.field("item", error.reason) from None
    if isinstance(found, scans.Sscc):
        raise Invalid.field("item", "that is a carton label (SSCC): scan the item's own barcode")
    return forms_of(found, scans.split_symbology(scan)[1]), found.lot if isinstance(found, scans.Item) else None


def read_location(scan: str) -> str:
    """A scanned location barcode without its symbology identifier."""
    return scans.split_symbology(scan)[1].strip()


async def _scanned_units(conn: asyncpg.Connection, task: asyncpg.Record, scan: str, count: int) -> int:
    """How many base units `count` scans of this barcode are, after checking it is the task's item and lot."""
    forms, lot = read_item(scan)
    try:
        match = await match_forms(conn, forms, scan)
    except NotFound:
        raise Invalid.field("item", f"barcode {scan!r} is not an item we know; scan the item's own barcode") from None
    if match.sku != task["sku"]:
        raise Invalid.field("item", f"wrong item: that is {match.sku}, this task is {task['sku']}")
    if lot is not None and task["lot"] and lot != task["lot"]:
        raise Invalid.field("item", f"wrong lot: that is lot {lot}, this task is lot {task['lot']}")
    return count * match.quantity


async def confirm(conn: asyncpg.Connection, task_id: int, data: PickConfirm, user: tuple[int, str]) -> PickResult:
    """Move the scanned units from the bin to the tote, against the order's reservation."""
    task = await held_task(conn, task_id, user)
    at_task = read_location(data.location) in (task["location_barcode"], task["location_code"])
    if not at_task and task["kind"] == "replenish":
        raise Invalid.field("location", f"wrong location: go to {task['location_code']}")
    units = await _scanned_units(conn, task, data.item, data.count)
    remaining = task["quantity"] - task["picked"]
    if units > remaining:
        raise Invalid.field("count", f"too many: {remaining} still to pick here, you scanned {units}")
    if task["tote"] and task["tote"] != data.tote:
        raise Invalid.field("tote", f"this order goes into tote {task['tote']}")
    if at_task:
        await alternatives.refuse_under_count(conn, task, task["location_id"], task["location_code"], units)
    order_picked = False
    if task["kind"] == "replenish":
        await _replenish(conn, task, units, user)
    else:
        reservation = task["reservation_id"] if at_task else await alternatives.take_from(conn, task, read_location(data.location), units)
        order_picked = await _pick(conn, task, reservation, units, data.tote, user)
    return await pick_result(conn, task, "picked" if units == remaining else f"{remaining - units} more to pick here", order_picked)


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
    await finish_trip_if_done(conn, task["trip"])


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


async def finish_trip_if_done(conn: asyncpg.Connection, trip: int) -> None:
    await conn.execute(
        "update trips set status = 'done' where id = $1"
        " and not exists (select 1 from pick_tasks where trip = $1 and status in ('open', 'assigned'))",
        trip,
    )


async def pick_result(conn: asyncpg.Connection, task: asyncpg.Record, message: str, done: bool) -> PickResult:
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
        await outbox.emit_many(conn, [
            ("order.picked", f"order:{order.id}", event_payload(order, "all lines picked"), channels[order.id], order.id)
            for order in await get_orders(conn, list(channels))
        ])
