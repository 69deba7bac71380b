from tests.conftest import bearer
from tests.integration.test_print_support import LOCATION, add_printer, emulator, print_label  # noqa: F401


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
