import msgspec

from schema.printing import LocationLabel, PrinterCreate
from server.printing import jobs, policy, printers, worker
from tests.printers import FAST, emulator  # noqa: F401


async def test_a_job_left_printing_by_a_sender_that_died_is_queued_again_and_printed(pool, emulator, monkeypatch):
    monkeypatch.setattr(policy, "POLICY", msgspec.structs.replace(FAST, printing_timeout=60.0))
    async with pool.acquire() as conn:
        user = (await conn.fetchval("select id from users where username = 'picker'"), "picker")
        await printers.create_printer(
            conn, PrinterCreate(name="PACK-3", transport="tcp", address=f"127.0.0.1:{emulator.port}", label_size="4x2")
        )
        job = await jobs.record_job(conn, "PACK-3", LocationLabel(code="BIN-1"), user)
        # a sender claimed it, then its server stopped: recently claimed, so left alone ...
        await conn.execute("update print_jobs set status = 'printing', claimed_at = now() where id = $1", job.id)
        assert await worker.retry_due_jobs(pool) == 0
        # ... claimed longer ago than the timeout: queued again and sent
        await conn.execute("update print_jobs set claimed_at = now() - interval '61 seconds' where id = $1", job.id)
        assert await worker.retry_due_jobs(pool) == 1
        assert (await jobs.get_job(conn, job.id)).status == "printed"
    assert await emulator.wait_for_labels(1) == [job.zpl.strip().encode()]
