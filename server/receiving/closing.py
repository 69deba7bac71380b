"""Finishing at the dock: an LPN filled (its label on the receiver's printer, the next scans fill
a new one) and a receipt closed (expected against received per line, in the answer and as the
receipt.closed event to whoever announced it)."""

import datetime

import asyncpg
import msgspec

from schema.printing import LpnLabel
from schema.receiving import Lpn, LpnClose, LpnContent, ReceiptReport
from server.core import outbox
from server.core.problems import Conflict, NotFound
from server.printing import jobs
from server.receiving.receipts import get_receipt, report
from server.receiving.sessions import session_row

CONTENT = """
select l.code as location, s.code as sku, st.lot, st.expiry, st.quantity
  from stock st join skus s on s.id = st.sku_id join locations l on l.id = st.location_id
 where st.lpn = $1 and st.quantity > 0
 order by s.code, st.lot, st.expiry
"""


async def lpn_content(conn: asyncpg.Connection, lpn: str) -> Lpn:
    rows = await conn.fetch(CONTENT, lpn)
    return Lpn(lpn=lpn, location=rows[0]["location"] if rows else None,
               content=[LpnContent(sku=r["sku"], lot=r["lot"], expiry=r["expiry"], quantity=r["quantity"]) for r in rows])


async def close_lpn(conn: asyncpg.Connection, receipt_id: int, data: LpnClose, user: tuple[int, str]) -> Lpn:
    """The LPN being filled is done: its label is queued on the printer (deliver it after the
    commit), and the next item scan starts a new LPN."""
    session = await session_row(conn, receipt_id, user)
    if session["lpn"] is None:
        raise Conflict("no LPN is being filled: scan items first")
    lpn = await lpn_content(conn, session["lpn"])
    printer = data.printer or session["printer"]
    if printer is not None:
        skus = {c.sku for c in lpn.content}
        label = LpnLabel(lpn=lpn.lpn, sku=skus.pop() if len(skus) == 1 else "MIXED" if skus else "",
                         quantity=sum(c.quantity for c in lpn.content) or None)
        lpn.print_job = await jobs.record_job(conn, printer, label, user)
    await conn.execute("update receiving_sessions set lpn = null where receipt_id = $1 and user_id = $2", receipt_id, user[0])
    return lpn


async def close_receipt(conn: asyncpg.Connection, receipt_id: int, user: tuple[int, str]) -> ReceiptReport:
    """Close the receipt and report expected against received per line; a closed receipt answers
    its report again, and its event is not sent twice."""
    receipt = await conn.fetchrow("select id, status, channel_id from receipts where id = $1 for update", receipt_id)
    if receipt is None:
        raise NotFound(f"no receipt {receipt_id}")
    view = await get_receipt(conn, receipt_id)
    if view.report is not None:
        return view.report
    closed = report(view, datetime.datetime.now(datetime.UTC))
    await conn.execute(
        "update receipts set status = 'closed', closed_at = $2, closed_by = $3, report = $4::jsonb where id = $1",
        receipt_id, closed.closed_at, user[0], msgspec.json.encode(closed).decode(),
    )
    await conn.execute("delete from receiving_sessions where receipt_id = $1", receipt_id)
    await outbox.emit(conn, "receipt.closed", f"receipt:{receipt_id}", closed, receipt["channel_id"])
    return closed

