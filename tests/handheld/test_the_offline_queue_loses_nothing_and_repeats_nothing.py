"""A picker works through dead Wi-Fi: scans are written to the handheld's SQLite queue first and
sent in order when the server can be reached. With the real `wms serve` down, then killed with
SIGKILL in the middle of the queue and started again, every scan is picked exactly once, a scan
sent twice moves nothing twice, a refused scan waits for the picker, and the ledger agrees."""

import signal
import subprocess
import sys
import textwrap

import httpx

from handheld.client import ApiClient
from handheld.offline import OfflineQueue, drain
from schema.picking import PickConfirm, TripRequest
from server.inventory.stock import check_ledger
from tests.picking_floor import BARCODES, orders, release, stock
from tests.serving import free_port, serve

PICKER = "test-token-picker"


async def test_scans_queued_through_an_outage_and_a_crash_are_each_picked_once(client, conn, database_url, tmp_path):
    await stock(client, "BIN-1", 100)
    await orders(client, conn, *[[{"sku": "APPLE", "quantity": 1}] for _ in range(10)])
    await release(client, mode="batch", orders_per_trip=10)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    queue = OfflineQueue(tmp_path / "queue.sqlite")
    server = serve(database_url, port)
    api = ApiClient(base, PICKER)
    trip = api.next_trip(TripRequest())
    server.send_signal(signal.SIGKILL)  # the Wi-Fi dies: the picker goes on with the trip downloaded
    server.wait()

    for task in trip.tasks:
        scan = PickConfirm(scan_id=f"hh-{task.id}", location=task.location_barcode, item=BARCODES["APPLE"], count=1,
                           tote="TOTE-1")
        ApiClient.queue_confirm(queue, task.id, scan)
    offline = drain(queue, api.http)
    assert (offline.sent, offline.waiting) == (0, 10) and "unreachable" in offline.why

    server = serve(database_url, port)
    crashed = []

    def crash_after_four(action, status, answer):
        if len(crashed) == 3:
            server.send_signal(signal.SIGKILL)  # in the middle of the queue
            server.wait()
        crashed.append(status)

    partly = drain(queue, api.http, crash_after_four)
    assert partly.sent == 4 and partly.waiting == 6
    server = serve(database_url, port)
    try:
        # the app was killed after sending one scan but before writing its answer down
        first = queue.waiting()[0] if queue.waiting() else None
        done = queue.action("hh-" + str(trip.tasks[0].id))
        queue.settle(done.seq, "waiting", 0, b"")
        rest = drain(queue, api.http)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    assert first is not None and (rest.waiting, rest.refused) == (0, 0) and rest.sent == 7
    assert await conn.fetchval("select count(*) from movements where reason = 'pick'") == 10
    assert await conn.fetchval("select count(*) from pick_tasks where status = 'done'") == 10
    assert (await check_ledger(conn)).consistent


async def test_a_scan_the_server_refuses_waits_for_the_picker_to_acknowledge_it(client, conn, database_url, tmp_path):
    await stock(client, "BIN-1", 10)
    await orders(client, conn, [{"sku": "APPLE", "quantity": 1}])
    await release(client)
    port = free_port()
    server = serve(database_url, port)
    try:
        api = ApiClient(f"http://127.0.0.1:{port}", PICKER)
        task = api.next_trip(TripRequest()).tasks[0]
        queue = OfflineQueue(tmp_path / "queue.sqlite")
        wrong = PickConfirm(scan_id="hh-wrong", location=task.location_barcode, item=BARCODES["MILK"], count=1, tote="T")
        ApiClient.queue_confirm(queue, task.id, wrong)
        result = drain(queue, api.http)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    assert (result.sent, result.refused) == (0, 1)
    [refused] = queue.refusals()
    assert refused.status == 422 and b"wrong item" in refused.answer
    queue.acknowledge(refused.seq)
    assert queue.refusals() == [] and queue.action("hh-wrong").state == "acknowledged"


def test_actions_written_before_the_app_is_killed_are_all_there_once_in_order(tmp_path):
    path = tmp_path / "queue.sqlite"
    writer = textwrap.dedent(f"""
        import sys
        from handheld.offline import OfflineQueue
        queue = OfflineQueue({str(path)!r})
        for n in range(100_000):
            queue.add(f"scan-{{n}}", "POST", "/x", b"{{}}")
            if n == 300:
                print("writing", flush=True)
    """)
    app = subprocess.Popen([sys.executable, "-c", writer], stdout=subprocess.PIPE, text=True)
    assert app.stdout.readline().strip() == "writing"
    app.send_signal(signal.SIGKILL)  # the battery is swapped
    app.wait()

    queue = OfflineQueue(path)
    waiting = queue.waiting()
    assert len(waiting) > 300
    assert [a.scan_id for a in waiting] == [f"scan-{n}" for n in range(len(waiting))]
    assert queue.add("scan-5", "POST", "/x", b"{}") == waiting[5].seq  # the same scan is not queued twice
    assert len(queue.waiting()) == len(waiting)


def test_a_drain_with_nothing_waiting_sends_nothing(tmp_path):
    queue = OfflineQueue(tmp_path / "queue.sqlite")
    with httpx.Client(base_url="http://127.0.0.1:9") as http:
        assert drain(queue, http).sent == 0
