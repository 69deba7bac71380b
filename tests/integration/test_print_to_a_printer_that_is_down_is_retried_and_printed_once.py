import asyncio

from labels.emulator import EmulatorThread
from tests.printers import (  # noqa: F401
    SHIPPING, add_printer, fast_retries, free_port, job, print_label, wait_until,
)


async def test_a_job_to_a_printer_that_is_down_is_queued_then_printed_once_when_it_comes_back(fast_retries, client):
    port = free_port()
    await add_printer(client, "DOCK-1", f"127.0.0.1:{port}")

    response = await print_label(client, "DOCK-1", SHIPPING, role="shipper")

    assert response.status_code == 202, response.text
    queued = response.json()
    assert queued["status"] == "queued" and queued["attempts"] == 1
    assert "unreachable" in queued["last_error"] and queued["next_attempt_at"]

    await asyncio.sleep(0.5)  # the worker retries meanwhile, and fails again
    retried = await job(client, queued["id"])
    assert retried["status"] == "queued" and retried["attempts"] > 1

    with EmulatorThread(port=port, render_png=False) as emu:
        printed = await wait_until(lambda: _printed(client, queued["id"]))
        assert printed, "the worker did not print the job once the printer was back"
        await asyncio.sleep(0.5)  # give a duplicate every chance to arrive
        assert emu.received == [queued["zpl"].strip().encode("utf-8")]
    assert printed["last_error"] == "" and printed["printed_at"]


async def _printed(client, job_id):
    current = await job(client, job_id)
    return current if current["status"] == "printed" else None
