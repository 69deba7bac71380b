"""Customer returns: announced by a channel (its RMA number, the order and lines) or opened blind
at the returns desk; each item inspected and sent back to stock (on the return's LPN at the desk,
for putaway), to quarantine, or to scrap, each with its ledger rows; closing tells the channel
what came back and in which condition (return.received), so customer service can refund."""

import asyncpg
import msgspec

from schema import scans
from schema.returns import (
    Return,
    ReturnCreate,
    ReturnInspected,
    ReturnItem,
    ReturnItemIn,
    ReturnLine,
)
from server.core import outbox
from server.core.problems import Conflict, Invalid, NotFound
from server.inventory import availability
from server.inventory.catalog import forms_of, match_forms
from server.inventory.locations import stock_location
from server.inventory.stock import apply_movement
from server.receiving.receipts import check_tracking
from server.receiving.sessions import scanned


def lpn(return_id: int) -> str:
    return f"RET-{return_id}"


ORDER_LINES = """
select l.id, l.line_no, l.sku_id, s.code as sku, l.shipped from order_lines l join skus s on s.id = l.sku_id
 where l.order_id = $1 order by l.line_no
"""


async def create_return(conn: asyncpg.Connection, data: ReturnCreate, channel_id: int | None, user_id: int | None) -> Return:
    """Record an announced return (all or nothing), or open a blind one."""
    if channel_id is not None and (data.reference is None or data.order is None):
        raise Invalid.field("reference" if data.reference is None else "order", "a channel names its return and the order it is of")
    order = await _order(conn, data.order, channel_id) if data.order is not None else None
    rows = await _lines(conn, data, order)
    return_id = await conn.fetchval(
        "insert into returns (channel_id, reference, order_id, created_by) values ($1, $2, $3, $4) on conflict do nothing returning id",
        channel_id or (order and order["channel_id"]), data.reference, order and order["id"], user_id,
    )
    if return_id is None:
        existing = await conn.fetchval(
            "select id from returns where coalesce(channel_id, 0) = coalesce($1, 0) and reference = $2",
            channel_id or (order and order["channel_id"]), data.reference)
        raise Conflict(f"return {data.reference} already exists as return {existing}", extensions={"return_id": existing})
    await conn.executemany(
        "insert into return_lines (return_id, line_no, order_line_id, sku_id, quantity, reason) values ($1, $2, $3, $4, $5, $6)",
        [(return_id, n, *row) for n, row in enumerate(rows, start=1)])
    return await get_return(conn, return_id)


async def _order(conn: asyncpg.Connection, reference: str, channel_id: int | None) -> asyncpg.Record:
    rows = await conn.fetch(
        "select id, channel_id, external_id from orders where (external_id = $1 or '#' || id = $1)"
        " and ($2::bigint is null or channel_id = $2) order by id", reference, channel_id)
    if not rows:
        raise Invalid.field("order", f"no order {reference!r}")
    if len(rows) > 1:
        raise Invalid.field("order", f"{reference} is an order of several channels: give #<order id>")
    return rows[0]


async def _lines(conn: asyncpg.Connection, data: ReturnCreate, order: asyncpg.Record | None) -> list[tuple]:
    """(order line id, SKU id, quantity, reason) per line: each an order line that shipped at least that many."""
    ordered = await conn.fetch(ORDER_LINES, order["id"]) if order else []
    rows = []
    for i, line in enumerate(data.lines):
        where = f"lines[{i}]"
        if order is None:
            if line.sku is None:
                raise Invalid.field(f"{where}.sku", "name the SKU coming back")
            sku = await conn.fetchval("select id from skus where code = $1", line.sku)
            if sku is None:
                raise Invalid.field(f"{where}.sku", f"no SKU {line.sku!r}")
            rows.append((None, sku, line.quantity, line.reason))
            continue
        found = [l for l in ordered if (line.line is None or l["line_no"] == line.line) and (line.sku is None or l["sku"] == line.sku)]
        if line.line is None and line.sku is None or not found:
            raise Invalid.field(f"{where}.line", f"order {order['external_id']} has no such line: name its line number or SKU")
        if line.quantity > found[0]["shipped"]:
            raise Invalid.field(f"{where}.quantity", f"line {found[0]['line_no']} ({found[0]['sku']}) shipped "
                                                     f"{found[0]['shipped']}, not {line.quantity}")
        rows.append((found[0]["id"], found[0]["sku_id"], line.quantity, line.reason))
    return rows


RETURN = """
select r.id, r.reference, r.order_id, o.external_id as "order", c.name as channel, r.channel_id, r.status, r.created_at, r.closed_at
  from returns r left join orders o on o.id = r.order_id left join channels c on c.id = r.channel_id
 where r.id = $1
"""

LINES = """
select l.line_no as line, ol.line_no as order_line, s.code as sku, l.quantity as expected, l.reason,
       coalesce((select sum(i.quantity) from return_items i where i.line_id = l.id), 0)::bigint as received
  from return_lines l join skus s on s.id = l.sku_id left join order_lines ol on ol.id = l.order_line_id
 where l.return_id = $1 order by l.line_no
"""

ITEMS = """
select s.code as sku, i.lot, i.quantity, i.condition, i.disposition, l.code as location, i.lpn, i.note
  from return_items i join skus s on s.id = i.sku_id left join locations l on l.id = i.location_id
 where i.return_id = $1 order by i.id
"""


async def get_return(conn: asyncpg.Connection, return_id: int, channel_id: int | None = None) -> Return:
    row = await conn.fetchrow(RETURN, return_id)
    if row is None or (channel_id is not None and row["channel_id"] != channel_id):
        raise NotFound(f"no return {return_id}")
    fields = {k: v for k, v in dict(row).items() if k != "channel_id"}
    return Return(**fields, lpn=lpn(return_id), lines=[ReturnLine(**dict(r)) for r in await conn.fetch(LINES, return_id)],
                  items=[ReturnItem(**dict(r)) for r in await conn.fetch(ITEMS, return_id)])


async def find_returns(conn: asyncpg.Connection, channel_id: int | None, after: int, limit: int, reference: str | None) -> list[Return]:
    """Returns by the label the returns desk scans: the RMA reference as the channel announced it,
    or RET-<id> (a blind return's only name, and its LPN's); a channel finds only its own."""
    ids = await conn.fetch(
        "select id from returns where id > $1 and ($3::bigint is null or channel_id = $3)"
        " and ($4::text is null or reference = $4 or 'RET-' || id = $4) order by id limit $2",
        after, limit, channel_id, reference,
    )
    return [await get_return(conn, r["id"]) for r in ids]


async def inspect(conn: asyncpg.Connection, return_id: int, data: ReturnItemIn, user: tuple[int, str]) -> ReturnInspected:
    """One item inspected and dispositioned, with its ledger rows: in at the desk ('return'), and
    to quarantine ('quarantine') or out ('scrap') where that is where it goes."""
    ret = await conn.fetchrow("select * from returns where id = $1 for update", return_id)
    if ret is None:
        raise NotFound(f"no return {return_id}")
    if ret["status"] == "closed":
        raise Conflict(f"return {return_id} is closed")
    desk = await stock_location(conn, scanned(data.location), "location")
    if desk["type"] != "receiving":
        raise Invalid.field("location", f"{scanned(data.location)} is not a returns desk or dock (a receiving location)")
    if data.disposition == "stock" and data.condition in ("damaged", "defective"):
        raise Invalid.field("disposition", f"a {data.condition} item does not go back to stock: quarantine or scrap it")
    sku, lot, expiry, units = await _item(conn, data)
    line_id = await _line(conn, ret, sku, units)
    reference = f"return {ret['reference'] or return_id}"
    await apply_movement(conn, sku=sku["id"], quantity=units, reason="return", user_id=user[0], to_location=desk["id"],
                         to_lpn=lpn(return_id), lot=lot, expiry=expiry, reference=reference)
    where, where_code, on_lpn = desk["id"], scanned(data.location), lpn(return_id)
    if data.disposition == "quarantine":
        quarantine = await conn.fetchrow(
            "select q.id, q.code from locations q join locations d on d.warehouse_id = q.warehouse_id where d.id = $1"
            " and q.type = 'quarantine' and q.active and q.kind in ('bin', 'area') order by q.code limit 1", desk["id"])
        if quarantine is None:
            raise Conflict("this warehouse has no quarantine location: create one (type quarantine)")
        await apply_movement(conn, sku=sku["id"], quantity=units, reason="quarantine", user_id=user[0], from_location=desk["id"],
                             from_lpn=lpn(return_id), to_location=quarantine["id"], lot=lot, expiry=expiry, reference=reference)
        where, where_code, on_lpn = quarantine["id"], quarantine["code"], ""
    elif data.disposition == "scrap":
        await apply_movement(conn, sku=sku["id"], quantity=units, reason="scrap", user_id=user[0], from_location=desk["id"],
                             from_lpn=lpn(return_id), lot=lot, expiry=expiry, reference=reference)
        where, where_code, on_lpn = None, None, ""
    await conn.execute(
        "insert into return_items (return_id, line_id, sku_id, lot, expiry, quantity, condition, disposition, note, location_id, lpn,"
        " user_id) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        return_id, line_id, sku["id"], lot, expiry, units, data.condition, data.disposition, data.note, where, on_lpn, user[0])
    await conn.execute("update returns set status = 'receiving' where id = $1 and status = 'expected'", return_id)
    if data.disposition == "stock":
        await availability.announce(conn, [sku["code"]])
    item = ReturnItem(sku=sku["code"], lot=lot, quantity=units, condition=data.condition, disposition=data.disposition,
                      location=where_code, lpn=on_lpn, note=data.note)
    said = {"stock": f"onto {lpn(return_id)}: put it away", "quarantine": f"to quarantine at {where_code}", "scrap": "scrapped"}
    return ReturnInspected(message=f"{units} x {sku['code']} {said[data.disposition]}", item=item,
                           return_=await get_return(conn, return_id))


async def _item(conn: asyncpg.Connection, data: ReturnItemIn) -> tuple[asyncpg.Record, str, object, int]:
    try:
        found = scans.parse(data.item)
    except scans.ScanError as error:
        raise Invalid.field("item", error.reason) from None
    if isinstance(found, scans.Sscc):
        raise Invalid.field("item", "that is a carton label (SSCC): scan the item's own barcode")
    try:
        match = await match_forms(conn, forms_of(found, scans.split_symbology(data.item)[1]), data.item)
    except NotFound:
        raise Invalid.field("item", f"barcode {data.item!r} is not an item we know") from None
    sku = await conn.fetchrow("select id, code, tracks_lot, tracks_expiry from skus where code = $1", match.sku)
    item = found if isinstance(found, scans.Item) else None
    lot = ((item and item.lot) or data.lot or "") if sku["tracks_lot"] else ""
    expiry = ((item and item.expiry) or data.expiry) if sku["tracks_expiry"] else None
    check_tracking(sku, sku["code"], lot, expiry)
    return sku, lot, expiry, data.count * ((item and item.count) or 1) * match.quantity


async def _line(conn: asyncpg.Connection, ret: asyncpg.Record, sku: asyncpg.Record, units: int) -> int | None:
    """The announced line the item counts against (None: not announced); never more back than the
    order shipped."""
    if ret["order_id"] is not None:
        shipped, back = await conn.fetchrow(
            "select (select coalesce(sum(shipped), 0) from order_lines where order_id = $1 and sku_id = $2),"
            " (select coalesce(sum(i.quantity), 0) from return_items i join returns r on r.id = i.return_id"
            "   where r.order_id = $1 and i.sku_id = $2)", ret["order_id"], sku["id"])
        if back + units > shipped:
            raise Invalid.field("item", f"the order shipped {shipped} x {sku['code']} and {back} came back already: "
                                        f"{units} more is more than it shipped")
    return await conn.fetchval(
        "select l.id from return_lines l where l.return_id = $1 and l.sku_id = $2"
        " order by l.quantity <= coalesce((select sum(i.quantity) from return_items i where i.line_id = l.id), 0), l.line_no limit 1",
        ret["id"], sku["id"])


async def close(conn: asyncpg.Connection, return_id: int) -> Return:
    """Close the return; the channel hears what came back and in which condition. Closing it again
    answers the same, and tells the channel nothing more."""
    ret = await conn.fetchrow("select * from returns where id = $1 for update", return_id)
    if ret is None:
        raise NotFound(f"no return {return_id}")
    if ret["status"] != "closed":
        await conn.execute("update returns set status = 'closed', closed_at = now() where id = $1", return_id)
        closed = await get_return(conn, return_id)
        if ret["channel_id"] is not None:
            await outbox.emit(conn, "return.received", f"return:{return_id}", msgspec.to_builtins(closed), ret["channel_id"],
                              ret["order_id"])
        return closed
    return await get_return(conn, return_id)
