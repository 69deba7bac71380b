"""Scans at the dock: an item (its GTIN, and lot, expiry, serial and count from its GS1 AIs), an
announced SSCC (its whole content at once), or a lot or expiry on a barcode of its own (held for
the next item). What is received lands on the receiver's LPN at the dock, one ledger row
('receipt') per scan and lot; damaged goods go to quarantine with their reason. A refusal
(over-receipt past the tolerance, an unknown item, an expired lot, a lot-tracked SKU without its
lot) says why and changes nothing."""

import datetime
import math

import asyncpg

from schema import scans
from schema.receiving import Received, ReceiveResult, ReceiveScan
from server.core.problems import Conflict, Invalid, NotFound
from server.inventory import availability
from server.inventory.catalog import forms_of
from server.inventory.stock import apply_movement
from server.receiving.sessions import session_row, session_view

# The SKU a scanned barcode belongs to (the first of its forms the catalog has, as
# catalog.match_forms finds it), with what it tracks and how many units one scan counts.
ITEM = """
select s.id, s.code, s.tracks_lot, s.tracks_expiry, s.tracks_serial, b.quantity
  from sku_barcodes b join skus s on s.id = b.sku_id
 where b.barcode = any($1::text[])
 limit 1
"""

# The SKU's lines on the receipt and the room each has left.
SKU_ON_RECEIPT = """
select id, line_no, lot, quantity - received as room from receipt_lines where receipt_id = $1 and sku_id = $2 order by line_no
"""

# Expected and received so far of one SKU on the receipt (on its lines, and on none).
EXPECTED_AND_RECEIVED = """
select coalesce(sum(quantity), 0)::bigint as expected,
       (coalesce(sum(received), 0) + (select coalesce(sum(quantity), 0) from receipt_items
                                       where receipt_id = $1 and sku_id = $2 and line_id is null))::bigint as received,
       (select over_receipt_pct::float8 from receiving_settings) as over_receipt_pct,
       (select accept_unexpected from receiving_settings) as accept_unexpected
  from receipt_lines where receipt_id = $1 and sku_id = $2
"""

# What was received, in shares per line, and the lines' running totals with it.
INSERT_ITEMS = """
with shares as (
    select * from unnest($12::bigint[], $13::bigint[]) as s(line_id, quantity)
), items as (
    insert into receipt_items (receipt_id, line_id, sku_id, lot, expiry, serial, quantity, condition, reason, location_id, lpn,
                               sscc, user_id)
    select $1, line_id, $2, $3, $4, $5, quantity, $6, $7, $8, $9, $10, $11 from shares
)
update receipt_lines l set received = l.received + shares.quantity,
                           damaged = l.damaged + case when $6 = 'damaged' then shares.quantity else 0 end
  from shares where l.id = shares.line_id
"""


class Goods:
    """Units of one SKU and lot about to be received."""

    def __init__(self, sku: asyncpg.Record, lot: str, expiry: datetime.date | None, serial: str, units: int):
        self.sku, self.lot, self.expiry, self.serial, self.units = sku, lot, expiry, serial, units


async def receive(conn: asyncpg.Connection, receipt_id: int, data: ReceiveScan, user: tuple[int, str]) -> ReceiveResult:
    receipt = await conn.fetchrow("select * from receipts where id = $1 for update", receipt_id)
    if receipt is None:
        raise NotFound(f"no receipt {receipt_id}")
    if receipt["status"] == "closed":
        raise Conflict(f"receipt {_name(receipt)} is closed")
    session = await session_row(conn, receipt_id, user)
    try:
        found = scans.parse(data.scan)
    except scans.ScanError as error:
        held = scans.attributes(data.scan)
        if held is None:
            raise Invalid.field("scan", error.reason) from None
        return await _hold(conn, session, held, user)
    if isinstance(found, scans.Sscc):
        return await _carton(conn, receipt, session, found.sscc, data, user)
    forms = forms_of(found, scans.split_symbology(data.scan)[1])
    sku = await conn.fetchrow(ITEM, forms)
    if sku is None:
        held = scans.attributes(data.scan) if isinstance(found, scans.Text) else None
        if held is not None:
            return await _hold(conn, session, held, user)
        raise Invalid.field("scan", f"unknown item: {forms[0]!r} is no barcode of ours; set it aside for the office")
    item = found if isinstance(found, scans.Item) else None
    lot = (item and item.lot) or data.lot or session["lot"] or ""
    expiry = (item and item.expiry) or data.expiry or session["expiry"]
    serial = (item and item.serial) or ""
    goods = Goods(sku, lot if sku["tracks_lot"] else "", expiry if sku["tracks_expiry"] else None,
                  serial if sku["tracks_serial"] else "", data.count * ((item and item.count) or 1) * sku["quantity"])
    await _check(conn, goods)
    await _within_tolerance(conn, receipt, [goods])
    received = await _put(conn, receipt, session, [goods], data, None, user)
    said = f"{goods.units} x {sku['code']}" + (f" lot {goods.lot}" if goods.lot else "") + f" received onto {received[0].lpn or received[0].location}"
    return ReceiveResult(message=said, received=received, session=await session_view(conn, receipt_id, user))


async def _check(conn: asyncpg.Connection, goods: Goods) -> None:
    code = goods.sku["code"]
    if goods.sku["tracks_lot"] and not goods.lot:
        raise Invalid.field("lot", f"{code} is lot-tracked: scan its lot (on the label, or its own barcode) before the item")
    if goods.sku["tracks_expiry"] and goods.expiry is None:
        raise Invalid.field("expiry", f"{code} is expiry-tracked: scan its expiry date before the item")
    _not_expired(goods.expiry, goods.lot)
    if goods.sku["tracks_serial"]:
        if not goods.serial:
            raise Invalid.field("scan", f"{code} is serial-numbered: scan the barcode with its serial (AI 21)")
        if goods.units != 1:
            raise Invalid.field("count", f"{code} is serial-numbered: one unit a scan")
        if await conn.fetchval("select true from receipt_items where sku_id = $1 and serial = $2", goods.sku["id"], goods.serial):
            raise Conflict(f"serial {goods.serial} of {code} was received already")


def _not_expired(expiry: datetime.date | None, lot: str) -> None:
    if expiry is not None and expiry < datetime.date.today():
        what = f"lot {lot}" if lot else "this item"
        raise Invalid.field("expiry", f"{what} expired on {expiry.isoformat()}: refused, set it aside")


async def _within_tolerance(conn: asyncpg.Connection, receipt: asyncpg.Record, goods: list[Goods]) -> None:
    """Refuse what would take a SKU past what its lines expect plus the tolerance, or a SKU on no
    line of an announced receipt where unexpected items are refused. Blind receipts expect nothing."""
    if receipt["kind"] == "blind":
        return
    units: dict[int, int] = {}
    for g in goods:
        units[g.sku["id"]] = units.get(g.sku["id"], 0) + g.units
    for sku_id, wanted in units.items():
        code = next(g.sku["code"] for g in goods if g.sku["id"] == sku_id)
        known = await conn.fetchrow(EXPECTED_AND_RECEIVED, receipt["id"], sku_id)
        if known["expected"] == 0:
            if not known["accept_unexpected"]:
                raise Invalid.field("scan", f"{code} is not on receipt {_name(receipt)}: set it aside")
            continue
        pct = known["over_receipt_pct"]
        limit = math.floor(known["expected"] * (1 + pct / 100))
        if known["received"] + wanted > limit:
            raise Invalid.field("count", f"over-receipt: {known['expected']} x {code} expected, {known['received']} received, this "
                                         f"scan is {wanted}; at most {limit} may come in ({pct:g}% over): set the rest aside")


async def _destination(conn: asyncpg.Connection, session: asyncpg.Record, data: ReceiveScan, lpn: str | None) -> tuple[int, str, str]:
    """(location id, code, LPN): `lpn` (an SSCC's own) or the session's LPN at the dock, or
    quarantine for damaged goods."""
    if data.condition == "damaged":
        if not data.reason.strip():
            raise Invalid.field("reason", "say why the goods are damaged")
        row = await conn.fetchrow(
            "select id, code from locations where warehouse_id = $1 and type = 'quarantine' and active"
            " and kind in ('bin', 'area') order by code limit 1", session["warehouse_id"])
        if row is None:
            raise Conflict("this warehouse has no quarantine location: create one (type quarantine) for damaged goods")
        return row["id"], row["code"], ""
    if lpn is None:
        lpn = session["lpn"] or await conn.fetchval("select 'LPN' || lpad(nextval('lpn_serials')::text, 10, '0')")
    return session["dock_id"], session["dock"], lpn


async def _put(conn: asyncpg.Connection, receipt: asyncpg.Record, session: asyncpg.Record, goods: list[Goods],
               data: ReceiveScan, sscc: str | None, user: tuple[int, str]) -> list[Received]:
    location_id, location, lpn = await _destination(conn, session, data, sscc)
    received = []
    for g in goods:
        await apply_movement(conn, sku=g.sku["id"], quantity=g.units, reason="receipt", user_id=user[0], to_location=location_id,
                             to_lpn=lpn, lot=g.lot, expiry=g.expiry, reference=_name(receipt))
        shares = _shares(await conn.fetch(SKU_ON_RECEIPT, receipt["id"], g.sku["id"]), g.lot, g.units)
        await conn.execute(INSERT_ITEMS, receipt["id"], g.sku["id"], g.lot, g.expiry, g.serial, data.condition, data.reason.strip(),
                           location_id, lpn, sscc, user[0], [s[0] for s in shares], [s[1] for s in shares])
        received += [Received(sku=g.sku["code"], lot=g.lot, expiry=g.expiry, serial=g.serial, quantity=q, location=location, lpn=lpn,
                              line=number) for _, q, number in shares]
    if data.condition == "good":
        filling = session["lpn"] if sscc else lpn
        if (session["lpn"], session["lot"], session["expiry"]) != (filling, None, None):  # most scans change nothing here
            await conn.execute("update receiving_sessions set lpn = $3, lot = null, expiry = null, updated_at = now()"
                               " where receipt_id = $1 and user_id = $2", receipt["id"], user[0], filling)
        await availability.announce(conn, sorted({g.sku["code"] for g in goods}))  # the dock's stock is sellable
    else:
        await conn.execute("update receiving_sessions set lot = null, expiry = null where receipt_id = $1 and user_id = $2",
                           receipt["id"], user[0])
    return received


def _shares(lines: list[asyncpg.Record], lot: str, units: int) -> list[tuple[int | None, int, int | None]]:
    """(line id, units, line number): the units spread over the SKU's lines of this lot (or any
    lot) with room, in line order; what is left counts against the last such line (over), or
    against no line (unexpected) when none fits."""
    fitting = [l for l in lines if l["lot"] is None or l["lot"] == lot]
    if not fitting:
        return [(None, units, None)]
    shares = []
    for line in fitting:
        take = min(max(line["room"], 0), units)
        if take:
            shares.append((line["id"], take, line["line_no"]))
            units -= take
    if units:
        last = fitting[-1]
        if shares and shares[-1][0] == last["id"]:
            shares[-1] = (last["id"], shares[-1][1] + units, last["line_no"])
        else:
            shares.append((last["id"], units, last["line_no"]))
    return shares


async def _carton(conn: asyncpg.Connection, receipt: asyncpg.Record, session: asyncpg.Record, sscc: str, data: ReceiveScan,
                  user: tuple[int, str]) -> ReceiveResult:
    """An announced SSCC: everything it holds, in one scan, onto its own SSCC as the LPN."""
    carton = await conn.fetchrow(
        "select id, received_at from receipt_cartons where receipt_id = $1 and sscc = $2 for update", receipt["id"], sscc)
    if carton is None:
        raise Invalid.field("scan", f"SSCC {sscc} was not announced on receipt {_name(receipt)}: open it and scan its items")
    if carton["received_at"] is not None:
        raise Conflict(f"SSCC {sscc} was received already ({carton['received_at']:%Y-%m-%d %H:%M})")
    rows = await conn.fetch(
        "select s.id, s.code, s.tracks_lot, s.tracks_expiry, s.tracks_serial, i.lot, i.expiry, i.quantity"
        " from receipt_carton_items i join skus s on s.id = i.sku_id where i.carton_id = $1 order by s.code, i.lot", carton["id"])
    if data.count != 1:
        raise Invalid.field("count", "an SSCC is one carton or pallet: scan each label once")
    goods = [Goods(r, r["lot"], r["expiry"], "", r["quantity"]) for r in rows]
    for g in goods:
        _not_expired(g.expiry, g.lot)
    await _within_tolerance(conn, receipt, goods)
    received = await _put(conn, receipt, session, goods, data, sscc, user)
    await conn.execute("update receipt_cartons set received_at = now() where id = $1", carton["id"])
    total = sum(g.units for g in goods)
    said = f"SSCC {sscc} received: {total} units of {len({g.sku['code'] for g in goods})} SKU(s) onto {received[0].lpn or received[0].location}"
    return ReceiveResult(message=said, received=received, session=await session_view(conn, receipt["id"], user))


async def _hold(conn: asyncpg.Connection, session: asyncpg.Record, held: scans.Attributes, user: tuple[int, str]) -> ReceiveResult:
    """A lot or expiry on its own barcode: kept for the item scanned next."""
    if held.lot is None and held.expiry is None:
        raise Invalid.field("scan", "that barcode holds only a serial: scan the item's barcode that carries it")
    _not_expired(held.expiry, held.lot or "")
    await conn.execute(
        "update receiving_sessions set lot = coalesce($3, lot), expiry = coalesce($4, expiry), updated_at = now()"
        " where receipt_id = $1 and user_id = $2", session["receipt_id"], user[0], held.lot, held.expiry)
    view = await session_view(conn, session["receipt_id"], user)
    said = ", ".join(part for part in (f"lot {held.lot}" if held.lot else "", f"expiry {held.expiry}" if held.expiry else "") if part)
    return ReceiveResult(message=f"{said} noted: now scan the item", received=[], session=view)


def _name(receipt: asyncpg.Record) -> str:
    return receipt["reference"] or f"R-{receipt['id']}"

