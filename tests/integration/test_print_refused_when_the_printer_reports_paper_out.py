from labels.emulator import EmulatorThread
from tests.conftest import bearer
from tests.printers import (  # noqa: F401
    LOCATION, add_printer, emulator, fast_retries, free_port, job, print_label, wait_until,
)


async def test_a_printer_reporting_paper_out_refuses_the_job_with_that_reason(client, emulator):
    emulator.faults = {"paper_out"}
    await add_printer(client, "PACK-3", f"127.0.0.1:{emulator.port}", label_size="4x2")

    response = await print_label(client, "PACK-3", LOCATION)

    assert response.status_code == 409, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "paper out" in response.json()["detail"]
    assert emulator.received == []  # asked ~HS, sent nothing
    failed = (await client.get("/api/v1/print-jobs", params={"status": "failed"}, headers=bearer("supervisor"))).json()
    [job] = failed["items"]
    assert "paper out" in job["last_error"] and job["attempts"] == 1


async def test_the_status_of_a_faulted_printer_names_the_fault(client, emulator):
    emulator.faults = {"paper_out", "head_open"}
    await add_printer(client, "PACK-3", f"127.0.0.1:{emulator.port}")

    status = (await client.get("/api/v1/printers/PACK-3/status", headers=bearer("packer"))).json()

    assert status == {"printer": "PACK-3", "state": "fault", "faults": ["paper out", "head open"],
                      "detail": "paper out, head open"}


async def test_a_replay_of_the_refused_request_is_refused_again_and_sends_nothing(client, emulator):
    emulator.faults = {"paper_out"}
    await add_printer(client, "PACK-3", f"127.0.0.1:{emulator.port}", label_size="4x2")
    first = await print_label(client, "PACK-3", LOCATION, key="scan-77")
    emulator.faults = set()

    again = await print_label(client, "PACK-3", LOCATION, key="scan-77")

    assert first.status_code == again.status_code == 409
    assert emulator.received == []


async def test_a_queued_job_waits_through_a_fault_and_prints_once_it_is_cleared(fast_retries, client):
    port = free_port()
    await add_printer(client, "DOCK-1", f"127.0.0.1:{port}", label_size="4x2")
    queued = (await print_label(client, "DOCK-1", LOCATION)).json()  # printer down: queued
    with EmulatorThread(port=port, render_png=False, faults={"paper_out"}) as emu:
        faulted = await wait_until(lambda: _with_error(client, queued["id"], "paper out"))
        assert faulted["status"] == "queued", "a fault met on a retry keeps the job for later"
        assert emu.received == []
        emu.faults = set()
        await emu.wait_for_labels(1)
        assert await wait_until(lambda: _with_status(client, queued["id"], "printed"))
        assert emu.received == [queued["zpl"].strip().encode()]


async def _with_error(client, job_id, words):
    current = await job(client, job_id)
    return current if words in current["last_error"] else None


async def _with_status(client, job_id, status):
    current = await job(client, job_id)
    return current if current["status"] == status else None
