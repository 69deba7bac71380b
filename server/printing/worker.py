"""The retry worker: every few seconds, jobs stuck in 'printing' are queued again and due jobs
are claimed (SKIP LOCKED, so several server processes share the work) and sent, a printer's jobs
in order, printers in parallel."""

import asyncio
import contextlib
import logging

import asyncpg
from litestar import Litestar

from server.printing import policy
from server.printing.jobs import CLAIMED, RELEASE, backoff, send_job, settle
from server.core.outages import BROKEN, connection
from server.core.background import running

log = logging.getLogger("wms.printing")


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


async def retry_due_jobs(pool: asyncpg.Pool) -> int:
    """One round: queue stuck jobs again, claim due ones, send them. Returns how many printed.

    Jobs of one printer are sent in order, one after another; printers in parallel. When a printer
    fails, its other claimed jobs go back to the queue untried.
    """
    async with connection(pool) as conn:
        await conn.execute(REQUEUE_STUCK, policy.POLICY.printing_timeout)
        claimed = await conn.fetch(CLAIM_DUE, policy.POLICY.batch)
    by_printer: dict[str, list[asyncpg.Record]] = {}
    for job in claimed:
        by_printer.setdefault(job["printer"], []).append(job)

    async def run(jobs: list[asyncpg.Record]) -> int:
        printed = 0
        for i, job in enumerate(jobs):
            outcome = await send_job(job)
            async with connection(pool) as conn:
                await settle(conn, job, outcome, background=True)
                if outcome.kind != "printed":
                    rest = [j["id"] for j in jobs[i + 1 :]]
                    if rest:
                        await conn.execute(RELEASE, rest, outcome.error, backoff(1))
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
        except BROKEN:
            pass  # the database is away, said once in the log: the jobs wait for it
        except Exception:
            log.exception("print retry round failed")
        await asyncio.sleep(policy.POLICY.poll_seconds)


@contextlib.asynccontextmanager
async def print_worker(app: Litestar):
    """Lifespan: the retry worker runs while the app does (after the database pool is open)."""
    async with running(run_worker(app.state.pool)):
        yield
