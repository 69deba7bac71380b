"""A webhook receiver away for hours and a printer switched off: events and print jobs wait, then
go out once each, in order, when they come back. The schedules are the production ones (webhook
retries 5 s ... 4 h apart, print backoff up to 5 min); the test moves the clock the workers read,
each job's next attempt, instead of waiting the hours."""

import asyncio

from labels.emulator import EmulatorThread
from tests.channels import key, make_channel, order
from tests.conftest import bearer
from tests.integration.test_events_reach_channels import eventually, subscribe
from tests.printers import LOCATION, add_printer, free_port
from tests.receiver import Receiver

HOURS_AWAY = 3.5


async def move_the_clock(conn, table: str) -> None:
    """What is due next becomes due now, as if the time until then had passed."""
    await conn.execute(f"update {table} set next_attempt_at = now() where status in ('pending', 'queued')")


async def test_events_wait_hours_for_a_receiver_and_arrive_once_each_in_order(client, conn):
    shop = await make_channel(conn)
    receiver = Receiver(shop.webhook_secret)
    await subscribe(client, shop, receiver.url, ["order.accepted", "order.on_hold", "order.released", "order.cancelled"])
    receiver.stop()
    placed = (await client.post("/api/v1/orders", json=order("AWAY-1"), headers=key(shop))).json()
    for step in ("hold", "release", "cancel"):
        assert (await client.post(f"/api/v1/orders/{placed['id']}/{step}", headers=key(shop))).status_code in (200, 201)

    waited = 0.0
    schedule = client.app.state.settings.webhook_schedule
    while waited < HOURS_AWAY * 3600:
        await asyncio.sleep(0.3)  # the worker tries, and fails
        attempts = await conn.fetchval("select max(attempts) from deliveries")
        waited += schedule[min(attempts, len(schedule)) - 1]
        await move_the_clock(conn, "deliveries")
    assert await conn.fetchval("select count(*) from deliveries where status = 'pending'") == 4  # waiting, not given up
    assert not receiver.accepted

    receiver.start()
    await move_the_clock(conn, "deliveries")
    await eventually(lambda: len(receiver.accepted) == 4)
    await asyncio.sleep(1.5)  # a duplicate would have arrived by now
    assert [a["type"] for a in receiver.accepted] == ["order.accepted", "order.on_hold", "order.released", "order.cancelled"]
    assert len(set(receiver.ids())) == 4
    assert await conn.fetchval("select count(*) from deliveries where status = 'delivered'") == 4


async def test_print_jobs_wait_for_a_printer_switched_off_and_print_once_each_in_order(client, conn):
    port = free_port()
    await add_printer(client, "DESK-1", f"127.0.0.1:{port}")
    queued = []
    for n in range(5):
        answer = await client.post("/api/v1/printers/DESK-1/jobs", json=LOCATION | {"code": f"A-01-01-0{n}"},
                                   headers=bearer("packer"))
        assert answer.status_code == 202, answer.text
        queued.append(answer.json())
    for _ in range(2):  # the worker tries the printer again and again; the jobs behind the first wait their turn
        await move_the_clock(conn, "print_jobs")
        await asyncio.sleep(2.2)
    assert await conn.fetchval("select count(*) from print_jobs where status = 'queued'") == 5
    assert await conn.fetchval("select max(attempts) from print_jobs") > 1

    with EmulatorThread(port=port, render_png=False) as printer:
        await move_the_clock(conn, "print_jobs")
        await eventually(lambda: len(printer.received) == 5, seconds=20)
        await asyncio.sleep(2.5)  # another round of the worker: nothing twice
        assert printer.received == [job["zpl"].strip().encode() for job in queued]
    assert await conn.fetchval("select count(*) from print_jobs where status = 'printed'") == 5
