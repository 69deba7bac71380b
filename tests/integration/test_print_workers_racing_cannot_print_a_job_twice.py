import asyncio
from collections import Counter

import asyncpg
import msgspec

from schema.printing import LocationLabel, PrinterCreate
from server.printing import jobs, policy, printers, worker
from tests.printers import FAST, emulator  # noqa: F401

JOBS = 30


async def test_two_workers_and_the_requests_racing_print_every_job_exactly_once(database_url, pool, emulator, monkeypatch):
    monkeypatch.setattr(policy, "POLICY", msgspec.structs.replace(FAST, batch=4))  # small batches: more contention
    async with pool.acquire() as conn:
        user = (await conn.fetchval("select id from users where username = 'packer'"), "packer")
        await printers.create_printer(
            conn, PrinterCreate(name="PACK-3", transport="tcp", address=f"127.0.0.1:{emulator.port}", label_size="4x2")
        )
        ids = []
        for n in range(JOBS):
            job = await jobs.record_job(conn, "PACK-3", LocationLabel(code=f"A-01-{n:02d}"), user)
            ids.append(job.id)
        await conn.execute("update print_jobs set next_attempt_at = now()")  # all due now

    other_instance = await asyncpg.create_pool(database_url, min_size=1, max_size=10)
    try:
        async def retrying(p):
            for _ in range(JOBS):
                await worker.retry_due_jobs(p)

        async def request_path():  # the requests that made the jobs try to send them too
            async with pool.acquire() as conn:
                for job_id in ids[::3]:
                    await jobs.deliver(conn, job_id)

        await asyncio.gather(retrying(pool), retrying(other_instance), retrying(other_instance), request_path())
    finally:
        await other_instance.close()

    received = await emulator.wait_for_labels(JOBS)
    await asyncio.sleep(0.3)
    counts = Counter(emulator.received)
    assert len(counts) == JOBS and set(counts.values()) == {1}, "a label was printed twice or never"
    async with pool.acquire() as conn:
        rows = await conn.fetch("select status, attempts from print_jobs")
    assert {(r["status"], r["attempts"]) for r in rows} == {("printed", 1)}
    assert len(received) == JOBS
