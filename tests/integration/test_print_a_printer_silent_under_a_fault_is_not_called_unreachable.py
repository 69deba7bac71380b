"""Zebra's ZPL manual: under paper out, ribbon out, head open or over-temperature a printer does
not answer ~HS at all. The server asks ~HQES then, and a printer that takes the connection but
answers nothing is shown as a likely fault, not as unreachable: the operator is told what to check."""

import socket

from tests.conftest import bearer
from tests.printers import LOCATION, add_printer, emulator, fast_retries, print_label  # noqa: F401


async def test_a_printer_with_paper_out_is_a_fault_through_hqes_and_refuses_the_job(fast_retries, client, conn, emulator):
    await add_printer(client, "PACK-3", f"127.0.0.1:{emulator.port}")
    emulator.faults = {"paper_out"}

    status = (await client.get("/api/v1/printers/PACK-3/status", headers=bearer("packer"))).json()
    printed = await print_label(client, "PACK-3", LOCATION)

    assert (status["state"], status["faults"]) == ("fault", ["paper out"])
    assert printed.status_code == 409 and "paper out" in printed.json()["detail"]
    assert emulator.received == []


async def test_a_printer_that_takes_the_connection_and_stays_silent_shows_the_likely_causes(fast_retries, client, conn):
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        await add_printer(client, "PACK-9", f"127.0.0.1:{silent.getsockname()[1]}")

        status = (await client.get("/api/v1/printers/PACK-9/status", headers=bearer("packer"))).json()
        printed = await print_label(client, "PACK-9", LOCATION)

    assert status["state"] == "fault" and "paper or ribbon out" in status["detail"]
    assert printed.status_code == 409 and "head open" in printed.json()["detail"]
