from tests.printers import LOCATION, add_printer, emulator, print_label  # noqa: F401


async def test_a_replayed_print_request_returns_the_same_job_and_prints_nothing_more(client, conn, emulator):
    await add_printer(client, "PACK-3", f"127.0.0.1:{emulator.port}", label_size="4x2")

    first = await print_label(client, "PACK-3", LOCATION, key="pack-3-carton-9")
    again = await print_label(client, "PACK-3", LOCATION, key="pack-3-carton-9")

    assert first.status_code == again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json()["id"] == first.json()["id"] and again.json()["status"] == "printed"
    assert len(await emulator.wait_for_labels(2, timeout=0.5)) == 1
    assert await conn.fetchval("select count(*) from print_jobs") == 1
