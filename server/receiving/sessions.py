"""A receiver at work: a receipt started at a dock (scanned, or blind), the LPN being filled, a lot
and expiry scanned on their own barcodes waiting for the next item, the printer for LPN labels.
One session per receiver and receipt, kept in the database so any server process can serve it."""

import asyncpg

from schema import scans
from schema.receiving import Pending, ReceivingSession, ReceivingStart
from server.core.problems import Conflict, Invalid, NotFound
from server.inventory.locations import stock_location
from server.receiving.receipts import get_receipt

SESSION = """
select s.receipt_id, s.user_id, s.dock_id, l.code as dock, l.warehouse_id, s.lpn, s.lot, s.expiry, s.printer
  from receiving_sessions s join locations l on l.id = s.dock_id
 where s.receipt_id = $1 and s.user_id = $2
"""

UPSERT = """
insert into receiving_sessions (receipt_id, user_id, dock_id, printer) values ($1, $2, $3, $4)
    on conflict (receipt_id, user_id) do update
   set lpn = case when receiving_sessions.dock_id = excluded.dock_id then receiving_sessions.lpn end,
       dock_id = excluded.dock_id, printer = coalesce(excluded.printer, receiving_sessions.printer), updated_at = now()
"""


def scanned(value: str) -> str:
    """A scanned code without its symbology identifier."""
    return scans.split_symbology(value)[1].strip()


async def start(conn: asyncpg.Connection, data: ReceivingStart, user: tuple[int, str]) -> ReceivingSession:
    """Start receiving the scanned receipt (or a blind one) at the dock; again: go on with it there."""
    dock = await stock_location(conn, scanned(data.dock), "dock")
    if dock["type"] != "receiving":
        raise Invalid.field("dock", f"{scanned(data.dock)} is not a receiving dock")
    if data.printer is not None and not await conn.fetchval("select active from printers where name = $1", data.printer):
        raise Invalid.field("printer", f"no active printer {data.printer}")
    if data.receipt is None:
        receipt_id = await conn.fetchval(
            "insert into receipts (kind, supplier, status, created_by) values ('blind', $1, 'receiving', $2) returning id",
            data.supplier, user[0],
        )
    else:
        receipt_id = await _scanned_receipt(conn, scanned(data.receipt))
    await conn.execute(UPSERT, receipt_id, user[0], dock["id"], data.printer)
    return await session_view(conn, receipt_id, user)


async def _scanned_receipt(conn: asyncpg.Connection, value: str) -> int:
    rows = await conn.fetch(
        "select id, status from receipts where reference = $1 or 'R-' || id = $1 order by id for update", value
    )
    if not rows:
        raise Invalid.field("receipt", f"no receipt {value!r}: scan the receipt's number, or start a blind receipt")
    if len(rows) > 1:
        named = ", ".join(f"R-{r['id']}" for r in rows)
        raise Conflict(f"{value} names receipts of several senders ({named}): scan R-<id>")
    if rows[0]["status"] == "closed":
        raise Conflict(f"receipt {value} is closed")
    await conn.execute("update receipts set status = 'receiving' where id = $1 and status = 'expected'", rows[0]["id"])
    return rows[0]["id"]


async def session_row(conn: asyncpg.Connection, receipt_id: int, user: tuple[int, str]) -> asyncpg.Record:
    """The caller's session on the receipt, locked: one receiver's scans go one at a time."""
    row = await conn.fetchrow(SESSION + " for update of s", receipt_id, user[0])
    if row is None:
        if not await conn.fetchval("select true from receipts where id = $1", receipt_id):
            raise NotFound(f"no receipt {receipt_id}")
        raise Conflict(f"you have not started receipt R-{receipt_id} at a dock: scan it first (POST /api/v1/receiving/sessions)")
    return row


async def session_view(conn: asyncpg.Connection, receipt_id: int, user: tuple[int, str]) -> ReceivingSession:
    row = await conn.fetchrow(SESSION, receipt_id, user[0])
    if row is None:
        raise NotFound(f"you have no session on receipt {receipt_id}")
    return ReceivingSession(receipt=await get_receipt(conn, receipt_id), dock=row["dock"], lpn=row["lpn"], printer=row["printer"],
                            pending=Pending(lot=row["lot"], expiry=row["expiry"]))
