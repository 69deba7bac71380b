"""Print jobs: record, send, reprint, void (retried by worker.py).

A print is recorded first (status queued) and committed; only then is it sent, outside any
transaction, so network I/O never holds a row lock. Whoever sends a job first claims it by setting
status 'printing' in the statement that selects it (the request that made it, or the retry worker
with FOR UPDATE SKIP LOCKED), so one job is sent by one sender at a time and marked printed once.

Outcomes of a send:
- printed: status printed.
- printer unreachable, or busy (its buffer is full): status stays queued, last_error says why,
  next_attempt_at backs off exponentially; the retry worker sends it when it is due. After
  POLICY.max_attempts (policy.py) the job is failed.
- the printer reports a fault (paper out, head open, ribbon out, paused ...): nothing is sent.
  On the first attempt, made while the caller waits, the job is failed with the fault and the call
  answers 409 naming it: a person is there to fix the printer and reprint (a fresh job, so a label
  does not come out hours later at a station nobody watches). On a background retry (the caller was
  already told "queued") the job stays queued and is retried until the fault is cleared.

Exactly once: a job is sent at most once per claim. A sender that dies mid-send leaves the job in
'printing'; after POLICY.printing_timeout it is queued again and sent again (the label may
then come out twice: no printer protocol can tell us whether the lost send reached the paper).
"""

import asyncio
import json
import logging

import asyncpg
import msgspec

from labels import PrinterFault, TransportError, to_zpl
from labels.transports import send
from schema.printing import PrintJob, PrintRequest
from server.core.problems import Conflict, NotFound
from server.printing import policy
from server.printing.printers import open_transport, printer_row
from server.printing.rendering import check_fits, preview, render

log = logging.getLogger("wms.printing")


class PrinterRefused(Conflict):
    title = "Printer fault"


# A new job waits one backoff before the worker may take it: the request that made it sends it
# right after the commit; the worker only steps in if that request died.
INSERT_JOB = """
insert into print_jobs (printer_id, user_id, label_kind, label_data, zpl, next_attempt_at)
values ($1, $2, $3, $4::jsonb, $5, now() + make_interval(secs => $6))
returning id
"""

INSERT_REPRINT = """
insert into print_jobs (printer_id, user_id, label_kind, label_data, zpl, reprint_of, next_attempt_at)
select printer_id, $2, label_kind, label_data, zpl, id, now() + make_interval(secs => $3)
  from print_jobs
 where id = $1
returning id
"""

JOB_COLUMNS = """
select j.id, p.name as printer, u.username as user, j.label_kind, j.label_data::text as label_data,
       j.zpl, j.status, j.attempts, j.last_error, j.next_attempt_at, j.created_at, j.printed_at,
       j.reprint_of
  from print_jobs j
  join printers p on p.id = j.printer_id
  left join users u on u.id = j.user_id
"""

JOB = JOB_COLUMNS + " where j.id = $1"

JOBS = JOB_COLUMNS + """
 where ($1::bigint = 0 or j.id < $1)
   and ($2::text is null or p.name = $2)
   and ($3::text is null or j.status = $3)
 order by j.id desc
 limit $4
"""

CLAIMED = """
returning j.id, j.zpl, j.attempts, j.claimed_at, p.name as printer, p.transport, p.address
"""

CLAIM_ONE = """
update print_jobs j set status = 'printing', claimed_at = clock_timestamp()
  from printers p
 where j.id = $1 and j.status = 'queued' and p.id = j.printer_id
""" + CLAIMED


# Marked printed by the claim that sent it; a job requeued as stuck but not yet taken again is
# marked printed too, so it is not sent a second time.
MARK_PRINTED = """
update print_jobs
   set status = 'printed', printed_at = now(), attempts = attempts + 1, last_error = '',
       claimed_at = null
 where id = $1 and ((status = 'printing' and claimed_at = $2) or status = 'queued')
"""

MARK_RETRY = """
update print_jobs
   set status = case when attempts + 1 >= $4 then 'failed' else 'queued' end,
       attempts = attempts + 1, last_error = $3, claimed_at = null,
       next_attempt_at = now() + make_interval(secs => $5)
 where id = $1 and status = 'printing' and claimed_at = $2
"""

MARK_FAILED = """
update print_jobs
   set status = 'failed', attempts = attempts + 1, last_error = $3, claimed_at = null
 where id = $1 and status = 'printing' and claimed_at = $2
"""

RELEASE = """
update print_jobs set status = 'queued', claimed_at = null, last_error = $2,
                      next_attempt_at = now() + make_interval(secs => $3)
 where id = any($1::bigint[]) and status = 'printing'
"""

VOID = """
update print_jobs set status = 'voided' where id = $1 and status = 'queued' returning id
"""


def _job(row: asyncpg.Record) -> PrintJob:
    values = dict(row)
    values["label_data"] = json.loads(values["label_data"])
    if values["status"] != "queued":
        values["next_attempt_at"] = None
    return PrintJob(**values)


async def get_job(conn: asyncpg.Connection, job_id: int) -> PrintJob:
    row = await conn.fetchrow(JOB, job_id)
    if row is None:
        raise NotFound(f"no print job {job_id}")
    return _job(row)


async def label_preview(conn: asyncpg.Connection, job_id: int) -> bytes:
    """The job's label as PNG, drawn from its request at its printer's resolution."""
    job = await get_job(conn, job_id)
    printer = await printer_row(conn, job.printer)
    return await preview(msgspec.convert({"kind": job.label_kind} | job.label_data, PrintRequest), printer["dpi"])


async def list_jobs(
    conn: asyncpg.Connection, after: int, limit: int, printer: str | None, status: str | None
) -> list[PrintJob]:
    return [_job(r) for r in await conn.fetch(JOBS, after, printer, status, limit)]


def backoff(attempts: int) -> float:
    """Seconds to wait after the `attempts`-th failed attempt."""
    return min(policy.POLICY.backoff_seconds * 2 ** max(attempts - 1, 0), policy.POLICY.backoff_max_seconds)


async def record_job(
    conn: asyncpg.Connection, printer_name: str, request: PrintRequest, user: tuple[int, str]
) -> PrintJob:
    """Render the label at the printer's resolution and record the job, queued. Call in a transaction;
    send it with deliver() after the commit."""
    printer = await printer_row(conn, printer_name)
    if not printer["active"]:
        raise Conflict(f"printer {printer_name} is not active")
    label = render(request, printer["dpi"])
    kind = type(request).__struct_config__.tag
    check_fits(label, kind, printer)
    job_id = await conn.fetchval(
        INSERT_JOB, printer["id"], user[0], kind, msgspec.json.encode(request).decode(), to_zpl(label), backoff(1)
    )
    return await get_job(conn, job_id)


async def record_reprint(conn: asyncpg.Connection, job_id: int, user: tuple[int, str]) -> PrintJob:
    """A new job with the same printer and ZPL (queued; send it with deliver())."""
    original = await get_job(conn, job_id)
    printer = await printer_row(conn, original.printer)
    if not printer["active"]:
        raise Conflict(f"printer {original.printer} is not active")
    new_id = await conn.fetchval(INSERT_REPRINT, job_id, user[0], backoff(1))
    return await get_job(conn, new_id)


async def void(conn: asyncpg.Connection, job_id: int) -> PrintJob:
    """A queued job is voided and never sent; voiding a voided job again is no change."""
    if await conn.fetchval(VOID, job_id) is None:
        job = await get_job(conn, job_id)
        if job.status != "voided":
            raise Conflict(f"print job {job_id} is {job.status}; only a queued job can be voided")
    return await get_job(conn, job_id)


async def deliver(conn: asyncpg.Connection, job_id: int, attempt: bool = True) -> PrintJob:
    """Send a job now if it is still queued (outside any transaction) and return it as it stands.

    Raises PrinterRefused (409) naming the fault when the job failed.
    """
    if attempt:
        claimed = await conn.fetchrow(CLAIM_ONE, job_id)
        if claimed is not None:
            await settle(conn, claimed, await send_job(claimed), background=False)
    job = await get_job(conn, job_id)
    if job.status == "failed":
        raise PrinterRefused(job.last_error)
    return job


class _Outcome(msgspec.Struct, frozen=True):
    kind: str  # printed | retry | fault
    error: str = ""


def _send_blocking(transport: str, address: str, zpl: str) -> None:
    with open_transport(transport, address, policy.POLICY.send_timeout) as t:
        send(t, zpl, timeout=policy.POLICY.status_timeout)


async def send_job(job: asyncpg.Record) -> _Outcome:
    name = job["printer"]
    try:
        await asyncio.to_thread(_send_blocking, job["transport"], job["address"], job["zpl"])
    except PrinterFault as e:
        faults = ", ".join(e.faults)
        if set(e.faults) <= policy.BUSY_FAULTS:
            return _Outcome("retry", f"printer {name} is busy: {faults}")
        return _Outcome("fault", f"printer {name} reports {faults}: nothing was sent")
    except (TransportError, OSError) as e:
        return _Outcome("retry", f"printer {name} is unreachable: {e}")
    except Exception as e:  # a transport's own failure (lpr missing...): retried, and logged
        log.exception("sending print job %s to %s failed", job["id"], name)
        return _Outcome("retry", f"printer {name}: {type(e).__name__}: {e}")
    return _Outcome("printed")


async def settle(conn: asyncpg.Connection, job: asyncpg.Record, outcome: _Outcome, background: bool) -> None:
    attempts = job["attempts"] + 1
    if outcome.kind == "printed":
        await conn.execute(MARK_PRINTED, job["id"], job["claimed_at"])
    elif outcome.kind == "fault" and not background:
        error = f"{outcome.error}; fix the printer, then reprint job {job['id']}"
        await conn.execute(MARK_FAILED, job["id"], job["claimed_at"], error)
    else:
        error = outcome.error
        if outcome.kind == "fault":
            error += "; it is sent when the fault is cleared (or void the job)"
        await conn.execute(
            MARK_RETRY, job["id"], job["claimed_at"], error, policy.POLICY.max_attempts, backoff(attempts)
        )


