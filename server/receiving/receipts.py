"""Expected receipts: an ASN or purchase order pushed by the purchasing side (lines, and the SSCCs
of announced cartons with their content), read back with what has been received so far, and the
report of expected against received per line that closing it writes."""

import datetime

import asyncpg
import msgspec

from schema import scans
from schema.receiving import (
    Receipt,
    ReceiptCreate,
    ReceiptLine,
    ReceiptReport,
    ReportLine,
)
from server.core.problems import Conflict, Invalid, NotFound

SKUS = "select code, id, tracks_lot, tracks_expiry from skus where code = any($1::text[])"

INSERT_RECEIPT = """
insert into receipts (channel_id, reference, kind, supplier, expected_on, created_by)
values ($1, $2, $3, $4, $5, $6)
    on conflict do nothing
returning id
"""

INSERT_LINES = """
insert into receipt_lines (receipt_id, line_no, sku_id, lot, expiry, quantity)
select $1, n, sku_id, lot, expiry, quantity
  from unnest($2::int[], $3::bigint[], $4::text[], $5::date[], $6::bigint[]) as l(n, sku_id, lot, expiry, quantity)
"""

INSERT_CARTONS = """
with carton as (
    insert into receipt_cartons (receipt_id, sscc)
    select $1, sscc from unnest($2::text[]) with ordinality as c(sscc, n) order by n
    returning id, sscc
)
insert into receipt_carton_items (carton_id, sku_id, lot, expiry, quantity)
select carton.id, i.sku_id, i.lot, i.expiry, i.quantity
  from unnest($3::text[], $4::bigint[], $5::text[], $6::date[], $7::bigint[]) as i(sscc, sku_id, lot, expiry, quantity)
  join carton on carton.sscc = i.sscc
"""


async def create_receipt(conn: asyncpg.Connection, data: ReceiptCreate, channel_id: int | None, user_id: int | None) -> Receipt:
    """Record what is expected, all or nothing: every SKU known, lots and expiries where the SKU
    tracks them, every SSCC valid and announced once."""
    skus = {r["code"]: r for r in await conn.fetch(SKUS, sorted({l.sku for l in data.lines} | {
        c.sku for carton in data.cartons for c in carton.content}))}
    for i, line in enumerate(data.lines):
        sku = _known(skus, line.sku, f"lines[{i}].sku")
        if line.lot is not None and not sku["tracks_lot"]:
            raise Invalid.field(f"lines[{i}].lot", f"SKU {line.sku} is not lot-tracked: leave the lot out")
    seen: set[str] = set()
    for i, carton in enumerate(data.cartons):
        _check_sscc(carton.sscc, f"cartons[{i}].sscc", seen)
        for j, content in enumerate(carton.content):
            where = f"cartons[{i}].content[{j}]"
            sku = _known(skus, content.sku, f"{where}.sku")
            check_tracking(sku, content.sku, content.lot, content.expiry, where + ".")
    receipt_id = await conn.fetchval(INSERT_RECEIPT, channel_id, data.reference, data.kind, data.supplier, data.expected_on, user_id)
    if receipt_id is None:
        raise duplicate(data.reference, await conn.fetchval(
            "select id from receipts where coalesce(channel_id, 0) = coalesce($1, 0) and reference = $2", channel_id, data.reference))
    lines = [(n, skus[l.sku]["id"], l.lot, l.expiry, l.quantity) for n, l in enumerate(data.lines, start=1)]
    await conn.execute(INSERT_LINES, receipt_id, *[list(c) for c in zip(*lines)])
    if data.cartons:
        items = [(c.sscc, skus[i.sku]["id"], i.lot, i.expiry, i.quantity) for c in data.cartons for i in c.content]
        await conn.execute(INSERT_CARTONS, receipt_id, [c.sscc for c in data.cartons], *[list(c) for c in zip(*items)])
    return await get_receipt(conn, receipt_id)


def duplicate(reference: str, receipt_id: int | None) -> Conflict:
    return Conflict(f"receipt {reference} already exists as receipt {receipt_id}", extensions={"receipt_id": receipt_id})


def _known(skus: dict, code: str, field: str) -> asyncpg.Record:
    if code not in skus:
        raise Invalid.field(field, f"no SKU {code!r}")
    return skus[code]


def _check_sscc(sscc: str, field: str, seen: set[str]) -> None:
    try:
        scans.parse(f"]C100{sscc}")
    except scans.ScanError as error:
        raise Invalid.field(field, error.reason) from None
    if sscc in seen:
        raise Invalid.field(field, f"SSCC {sscc} is announced twice")
    seen.add(sscc)


def check_tracking(sku: asyncpg.Record, code: str, lot: str, expiry: datetime.date | None, prefix: str = "") -> None:
    """Lot and expiry as the SKU tracks them: given where tracked, absent where not."""
    if sku["tracks_lot"] and not lot:
        raise Invalid.field(prefix + "lot", f"SKU {code} is lot-tracked: give the lot")
    if not sku["tracks_lot"] and lot:
        raise Invalid.field(prefix + "lot", f"SKU {code} is not lot-tracked: leave the lot out")
    if sku["tracks_expiry"] and expiry is None:
        raise Invalid.field(prefix + "expiry", f"SKU {code} is expiry-tracked: give the expiry date")


# -- reading -----------------------------------------------------------------------------------

RECEIPT = """
select r.id, r.channel_id, r.reference, r.kind, r.supplier, r.expected_on, r.status, r.created_at, r.report,
       (select count(*) from receipt_cartons c where c.receipt_id = r.id) as cartons,
       (select count(*) from receipt_cartons c where c.receipt_id = r.id and c.received_at is not null) as cartons_received
  from receipts r
"""

LINES = """
select l.line_no as line, s.code as sku, l.lot, l.expiry, l.quantity as expected, l.received, l.damaged
  from receipt_lines l join skus s on s.id = l.sku_id
 where l.receipt_id = $1
 order by l.line_no
"""

UNEXPECTED = """
select s.code as sku, i.lot, sum(i.quantity)::bigint as received,
       coalesce(sum(i.quantity) filter (where i.condition = 'damaged'), 0)::bigint as damaged
  from receipt_items i join skus s on s.id = i.sku_id
 where i.receipt_id = $1 and i.line_id is null
 group by s.code, i.lot
 order by s.code, i.lot
"""


async def get_receipt(conn: asyncpg.Connection, receipt_id: int, channel_id: int | None = None) -> Receipt:
    """The receipt as it stands; a channel sees only its own."""
    row = await conn.fetchrow(RECEIPT + " where r.id = $1", receipt_id)
    if row is None or (channel_id is not None and row["channel_id"] != channel_id):
        raise NotFound(f"no receipt {receipt_id}")
    fields = {k: row[k] for k in ("id", "reference", "kind", "supplier", "expected_on", "status", "created_at", "cartons",
                                  "cartons_received")}
    return Receipt(
        **fields, lines=[ReceiptLine(**dict(r)) for r in await conn.fetch(LINES, receipt_id)],
        unexpected=[_unexpected(r) for r in await conn.fetch(UNEXPECTED, receipt_id)],
        report=msgspec.json.decode(row["report"], type=ReceiptReport) if row["report"] else None,
    )


async def find_receipts(conn: asyncpg.Connection, channel_id: int | None, after: int, limit: int, reference: str | None,
                        status: str | None) -> list[Receipt]:
    ids = await conn.fetch(
        "select id from receipts where id > $1 and ($3::bigint is null or channel_id = $3) and ($4::text is null or reference = $4)"
        " and ($5::text is null or status = $5) order by id limit $2",
        after, limit, channel_id, reference, status,
    )
    return [await get_receipt(conn, r["id"]) for r in ids]


def _unexpected(row: asyncpg.Record) -> ReportLine:
    return ReportLine(line=None, sku=row["sku"], lot=row["lot"] or None, expected=0, received=row["received"],
                      damaged=row["damaged"], outcome="unexpected")


def report(receipt: Receipt, closed_at: datetime.datetime) -> ReceiptReport:
    lines = [ReportLine(line=l.line, sku=l.sku, lot=l.lot, expected=l.expected, received=l.received, damaged=l.damaged,
                        outcome="exact" if l.received == l.expected else "over" if l.received > l.expected else "short")
             for l in receipt.lines] + receipt.unexpected
    return ReceiptReport(receipt_id=receipt.id, reference=receipt.reference, supplier=receipt.supplier, closed_at=closed_at,
                         lines=lines, complete=all(l.outcome == "exact" for l in lines))
