"""Printers and print jobs: record, send, retry, reprint, void.

A print is recorded first (status queued) and committed; only then is it sent, outside any
transaction, so network I/O never holds a row lock. Whoever sends a job first claims it by setting
status 'printing' in the statement that selects it (the request that made it, or the retry worker
with FOR UPDATE SKIP LOCKED), so one job is sent by one sender at a time and marked printed once.

Outcomes of a send:
- printed: status printed.
- printer unreachable, or busy (its buffer is full): status stays queued, last_error says why,
  next_attempt_at backs off exponentially; the retry worker sends it when it is due. After
  POLICY.max_attempts the job is failed.
- the printer reports a fault (paper out, head open, ribbon out, paused ...): nothing is sent.
  On the first attempt, made while the caller waits, the job is failed with the fault and the call
  answers 409 naming it: a person is there to fix the printer and reprint (a fresh job, so a label
  does not come out hours later at a station nobody watches). On a background retry (the caller was
  already told "queued") the job stays queued and is retried until the fault is cleared.

Exactly once: a job is sent at most once per claim. A sender that dies mid-send leaves the job in
'printing'; after POLICY.printing_timeout it is queued again and sent again (the label may then
come out twice: no printer protocol can tell us whether the lost send reached the paper).
"""

import asyncio
import contextlib
import json
import logging

import asyncpg
import msgspec
from litestar import Litestar

from labels import LabelError, PrinterFault, TransportError, to_png, to_zpl
from labels import templates
from labels.layout import Label
from labels.transports import Cups, SerialPort, Tcp9100, read_status, send
from schema.printing import PrintJob, Printer, PrinterCreate, PrinterStatus, PrintRequest
from server.problems import Conflict, Invalid, NotFound

log = logging.getLogger("wms.printing")


class RetryPolicy(msgspec.Struct, frozen=True, kw_only=True):
    poll_seconds: float = 2.0  # how often the worker looks for due jobs
    backoff_seconds: float = 5.0  # first retry delay; doubles per attempt
    backoff_max_seconds: float = 300.0
    max_attempts: int = 100  # then the job is failed
    printing_timeout: float = 120.0  # a job 'printing' longer than this is queued again
    send_timeout: float = 5.0  # connect / write timeout of a send
    status_timeout: float = 2.0  # how long to wait for the ~HS answer when sending
    probe_timeout: float = 1.0  # connect and ~HS timeout of a status check for the API
    batch: int = 50  # jobs claimed per worker round


# Read at every use, so tests (and deployments) can replace it: printing.POLICY = RetryPolicy(...)
POLICY = RetryPolicy()

# Faults that mean "busy, try again" rather than "a person must fix the printer".
BUSY_FAULTS = {"buffer full"}

TEMPLATES = {
    "shipping": (templates.ShippingData, templates.shipping_label),
    "sscc": (templates.SsccData, templates.sscc_label),
    "location": (templates.LocationData, templates.location_label),
    "lpn": (templates.LpnData, templates.lpn_label),
    "item": (templates.ItemData, templates.item_label),
}


class PrinterRefused(Conflict):
    title = "Printer fault"


# ---------------------------------------------------------------------------------------------
# SQL

INSERT_PRINTER = """
insert into printers (name, location, transport, address, label_size, dpi, active)
values ($1, $2, $3, $4, $5, $6, $7)
returning id, name, location, transport, address, label_size, dpi, active
"""

PRINTERS = """
select id, name, location, transport, address, label_size, dpi, active
  from printers
 order by name
"""

PRINTER_BY_NAME = """
select id, name, location, transport, address, label_size, dpi, active
  from printers
 where name = $1
"""

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

# Several workers (several server instances) run this at once: SKIP LOCKED hands each due job
# to one of them, and the status change in the same statement keeps the others off it after.
CLAIM_DUE = """
with due as (
    select j.id from print_jobs j
      join printers p on p.id = j.printer_id
     where j.status = 'queued' and j.next_attempt_at <= now() and p.active
     order by j.id
     limit $1
       for update of j skip locked
)
update print_jobs j set status = 'printing', claimed_at = clock_timestamp()
  from due, printers p
 where j.id = due.id and p.id = j.printer_id
""" + CLAIMED

REQUEUE_STUCK = """
update print_jobs
   set status = 'queued', claimed_at = null, next_attempt_at = now(),
       last_error = 'the sender stopped while sending this job; it is sent again'
 where status = 'printing' and claimed_at < now() - make_interval(secs => $1)
"""

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


# ---------------------------------------------------------------------------------------------
# Printers


def _check_address(transport: str, address: str) -> None:
    if transport == "tcp":
        _host_port(address)
    elif transport == "cups":
        queue = address.partition("@")[0]
        if not queue or any(c.isspace() for c in queue):
            raise Invalid.field("address", "a CUPS printer's address is 'queue' or 'queue@server'")
    elif any(c in address for c in "\r\n\0"):
        raise Invalid.field("address", "a serial address is a device path or a pyserial URL")


def _host_port(address: str) -> tuple[str, int]:
    host, sep, port = address.rpartition(":")
    if not sep or "]" in port:  # no port given (or a bare bracketed IPv6 address)
        host, port = address, "9100"
    host = host.strip("[]")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise Invalid.field("address", f"a TCP printer's address is 'host' or 'host:port', not {address!r}")
    return host, int(port)


def _printer(row: asyncpg.Record, status: PrinterStatus | None = None) -> Printer:
    return Printer(**dict(row), status=status)


async def create_printer(conn: asyncpg.Connection, data: PrinterCreate) -> Printer:
    _check_address(data.transport, data.address)
    try:
        row = await conn.fetchrow(
            INSERT_PRINTER, data.name, data.location, data.transport, data.address, data.label_size, data.dpi, data.active
        )
    except asyncpg.UniqueViolationError:
        raise Conflict(f"a printer named {data.name} already exists") from None
    return _printer(row)


async def _printer_row(conn: asyncpg.Connection, name: str) -> asyncpg.Record:
    row = await conn.fetchrow(PRINTER_BY_NAME, name)
    if row is None:
        raise NotFound(f"no printer named {name}")
    return row


def _open(transport: str, address: str, timeout: float):
    """A labels transport for a printer row (blocking: call in a thread)."""
    if transport == "tcp":
        host, port = _host_port(address)
        return Tcp9100(host, port, timeout=timeout)
    if transport == "cups":
        queue, _, server = address.partition("@")
        return Cups(queue, server or None)
    return SerialPort(address, timeout=timeout)


def _probe(name: str, transport: str, address: str) -> PrinterStatus:
    if transport == "cups":
        return PrinterStatus(printer=name, state="unknown", detail="a CUPS queue cannot report the printer's status")
    timeout = POLICY.probe_timeout
    try:
        with _open(transport, address, timeout) as t:
            status = read_status(t, timeout)
    except (TransportError, OSError) as e:
        return PrinterStatus(printer=name, state="unreachable", detail=str(e))
    if status.faults:
        return PrinterStatus(printer=name, state="fault", faults=status.faults, detail=", ".join(status.faults))
    return PrinterStatus(printer=name, state="ready")


async def printer_status(conn: asyncpg.Connection, name: str) -> PrinterStatus:
    row = await _printer_row(conn, name)
    return await asyncio.to_thread(_probe, row["name"], row["transport"], row["address"])


async def list_printers(conn: asyncpg.Connection) -> list[Printer]:
    """Every printer with its live status (asked in parallel, each with a short timeout)."""
    rows = await conn.fetch(PRINTERS)
    statuses = await asyncio.gather(*(asyncio.to_thread(_probe, r["name"], r["transport"], r["address"]) for r in rows))
    return [_printer(r, s) for r, s in zip(rows, statuses)]


# ---------------------------------------------------------------------------------------------
# Labels


def render(request: PrintRequest, dpi: int) -> Label:
    """The label for a request; 422 naming the element when the data does not fit or encode."""
    kind = type(request).__struct_config__.tag
    data_type, build = TEMPLATES[kind]
    data = msgspec.convert(request, data_type, from_attributes=True)
    try:
        return build(data, dpi)
    except LabelError as e:
        raise Invalid.field(e.element, e.reason) from None


async def preview(request: PrintRequest, dpi: int) -> bytes:
    if dpi not in (203, 300):
        raise Invalid.field("dpi", "a label is drawn at 203 or 300 dpi")
    label = render(request, dpi)
    return await asyncio.to_thread(to_png, label)


def _check_fits(label: Label, kind: str, printer: asyncpg.Record) -> None:
    width, height = (float(v) for v in printer["label_size"].split("x"))
    dpi = printer["dpi"]
    if label.width > round(width * dpi) + 1 or label.height > round(height * dpi) + 1:
        raise Invalid.field(
            "kind",
            f"a {kind} label is {label.width / dpi:g}x{label.height / dpi:g} in; "
            f"printer {printer['name']} holds {printer['label_size']} in labels",
        )


# ---------------------------------------------------------------------------------------------
# Jobs


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


async def list_jobs(
    conn: asyncpg.Connection, after: int, limit: int, printer: str | None, status: str | None
) -> list[PrintJob]:
    return [_job(r) for r in await conn.fetch(JOBS, after, printer, status, limit)]


def _backoff(attempts: int) -> float:
    """Seconds to wait after the `attempts`-th failed attempt."""
    return min(POLICY.backoff_seconds * 2 ** max(attempts - 1, 0), POLICY.backoff_max_seconds)


async def record_job(
    conn: asyncpg.Connection, printer_name: str, request: PrintRequest, user: tuple[int, str]
) -> PrintJob:
    """Render the label at the printer's resolution and record the job, queued. Call in a transaction;
    send it with deliver() after the commit."""
    printer = await _printer_row(conn, printer_name)
    if not printer["active"]:
        raise Conflict(f"printer {printer_name} is not active")
    label = render(request, printer["dpi"])
    kind = type(request).__struct_config__.tag
    _check_fits(label, kind, printer)
    job_id = await conn.fetchval(
        INSERT_JOB, printer["id"], user[0], kind, msgspec.json.encode(request).decode(), to_zpl(label), _backoff(1)
    )
    return await get_job(conn, job_id)


async def record_reprint(conn: asyncpg.Connection, job_id: int, user: tuple[int, str]) -> PrintJob:
    """A new job with the same printer and ZPL (queued; send it with deliver())."""
    original = await get_job(conn, job_id)
    printer = await _printer_row(conn, original.printer)
    if not printer["active"]:
        raise Conflict(f"printer {original.printer} is not active")
    new_id = await conn.fetchval(INSERT_REPRINT, job_id, user[0], _backoff(1))
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
            await _settle(conn, claimed, await _send(claimed), background=False)
    job = await get_job(conn, job_id)
    if job.status == "failed":
        raise PrinterRefused(job.last_error)
    return job


class _Outcome(msgspec.Struct, frozen=True):
    kind: str  # printed | retry | fault
    error: str = ""


def _send_blocking(transport: str, address: str, zpl: str) -> None:
    with _open(transport, address, POLICY.send_timeout) as t:
        send(t, zpl, timeout=POLICY.status_timeout)


async def _send(job: asyncpg.Record) -> _Outcome:
    name = job["printer"]
    try:
        await asyncio.to_thread(_send_blocking, job["transport"], job["address"], job["zpl"])
    except PrinterFault as e:
        faults = ", ".join(e.faults)
        if set(e.faults) <= BUSY_FAULTS:
            return _Outcome("retry", f"printer {name} is busy: {faults}")
        return _Outcome("fault", f"printer {name} reports {faults}: nothing was sent")
    except (TransportError, OSError) as e:
        return _Outcome("retry", f"printer {name} is unreachable: {e}")
    except Exception as e:  # a transport's own failure (lpr missing...): retried, and logged
        log.exception("sending print job %s to %s failed", job["id"], name)
        return _Outcome("retry", f"printer {name}: {type(e).__name__}: {e}")
    return _Outcome("printed")


async def _settle(conn: asyncpg.Connection, job: asyncpg.Record, outcome: _Outcome, background: bool) -> None:
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
            MARK_RETRY, job["id"], job["claimed_at"], error, POLICY.max_attempts, _backoff(attempts)
        )


# ---------------------------------------------------------------------------------------------
# The retry worker


async def retry_due_jobs(pool: asyncpg.Pool) -> int:
    """One round: queue stuck jobs again, claim due ones, send them. Returns how many printed.

    Jobs of one printer are sent in order, one after another; printers in parallel. When a printer
    fails, its other claimed jobs go back to the queue untried.
    """
    async with pool.acquire() as conn:
        await conn.execute(REQUEUE_STUCK, POLICY.printing_timeout)
        claimed = await conn.fetch(CLAIM_DUE, POLICY.batch)
    by_printer: dict[str, list[asyncpg.Record]] = {}
    for job in claimed:
        by_printer.setdefault(job["printer"], []).append(job)

    async def run(jobs: list[asyncpg.Record]) -> int:
        printed = 0
        for i, job in enumerate(jobs):
            outcome = await _send(job)
            async with pool.acquire() as conn:
                await _settle(conn, job, outcome, background=True)
                if outcome.kind != "printed":
                    rest = [j["id"] for j in jobs[i + 1 :]]
                    if rest:
                        await conn.execute(RELEASE, rest, outcome.error, _backoff(1))
                    break
            printed += 1
        return printed

    return sum(await asyncio.gather(*(run(jobs) for jobs in by_printer.values())))


async def run_worker(pool: asyncpg.Pool) -> None:
    while True:
        try:
            await retry_due_jobs(pool)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("print retry round failed")
        await asyncio.sleep(POLICY.poll_seconds)


@contextlib.asynccontextmanager
async def print_worker(app: Litestar):
    """Lifespan: the retry worker runs while the app does (after the database pool is open)."""
    task = asyncio.create_task(run_worker(app.state.pool), name="print-retry-worker")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
