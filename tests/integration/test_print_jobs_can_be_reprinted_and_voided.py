import asyncio

from labels.emulator import EmulatorThread
from tests.conftest import bearer
from tests.printers import (  # noqa: F401
    LOCATION, add_printer, emulator, fast_retries, free_port, job, print_label,
)


async def test_a_reprint_is_a_new_job_with_the_same_zpl(client, emulator):
    await add_printer(client, "PACK-3", f"127.0.0.1:{emulator.port}", label_size="4x2")
    first = (await print_label(client, "PACK-3", LOCATION)).json()

    response = await client.post(f"/api/v1/print-jobs/{first['id']}/reprint", headers=bearer("supervisor"))

    assert response.status_code == 201, response.text
    again = response.json()
    assert again["id"] != first["id"] and again["reprint_of"] == first["id"]
    assert again["zpl"] == first["zpl"] and again["status"] == "printed" and again["user"] == "supervisor"
    assert await emulator.wait_for_labels(2) == [first["zpl"].strip().encode()] * 2


async def test_a_voided_job_is_never_sent(fast_retries, client):
    port = free_port()
    await add_printer(client, "DOCK-1", f"127.0.0.1:{port}", label_size="4x2")
    queued = (await print_label(client, "DOCK-1", LOCATION)).json()
    assert queued["status"] == "queued"

    response = await client.post(f"/api/v1/print-jobs/{queued['id']}/void", headers=bearer("packer"))

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "voided"
    with EmulatorThread(port=port, render_png=False) as emu:
        await asyncio.sleep(1.0)  # many worker rounds
        assert emu.received == []
    assert (await job(client, queued["id"]))["status"] == "voided"


async def test_a_printed_job_cannot_be_voided(client, emulator):
    await add_printer(client, "PACK-3", f"127.0.0.1:{emulator.port}", label_size="4x2")
    printed = (await print_label(client, "PACK-3", LOCATION)).json()

    response = await client.post(f"/api/v1/print-jobs/{printed['id']}/void", headers=bearer("packer"))

    assert response.status_code == 409
    assert "printed" in response.json()["detail"]


async def test_an_unknown_job_is_not_found(client):
    for path in ("/api/v1/print-jobs/999", "/api/v1/print-jobs/nope"):
        assert (await client.get(path, headers=bearer("packer"))).status_code == 404
    assert (await client.post("/api/v1/print-jobs/999/reprint", headers=bearer("packer"))).status_code == 404
