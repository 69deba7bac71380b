"""The issue's end-to-end test. A picker works a 10-line trip through the pick flow, every scan
from a real serial scanner on a pty, against a real `wms serve`, with the queue drained in the
background as the app does: one wrong bin, one wrong item, one short pick, a case scan and a
count keyed for bulk; the server is killed (SIGKILL) in the middle of the trip, the picker goes
on, and the server is started again on the same database. Afterwards every confirmed unit is in
the ledger exactly once and `wms check-ledger` is clean."""

import os
import queue
import signal
import subprocess
import sys
import threading
import time

from handheld.client import ApiClient
from handheld.flows.picking import PickFlow, PickView
from handheld.offline import OfflineQueue, drain
from handheld.scanner import SerialScanner
from server.inventory.stock import check_ledger
from tests.handheld.test_the_offline_queue_loses_nothing_and_repeats_nothing import PICKER
from tests.picking_floor import BARCODES, orders, release, stock
from tests.serving import free_port, serve

APPLE_CASE = "14006381333938"  # a case of 12
ITEM = {"APPLE": f"]E0{BARCODES['APPLE']}", "MILK": f"]C1010{BARCODES['MILK']}10L1"}
LINES = [("APPLE", 2), ("APPLE", 1), ("MILK", 2), ("APPLE", 12), ("APPLE", 3),
         ("MILK", 3), ("APPLE", 5), ("APPLE", 1), ("MILK", 1), ("APPLE", 2)]


def sending(work: OfflineQueue, api: ApiClient, stop: threading.Event) -> threading.Thread:
    """The app's sender: whatever waits is sent, again and again, whether the server is up or not."""
    def run() -> None:
        while not stop.wait(0.2):
            if work.waiting():
                drain(work, api.http)
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def until_sent(work: OfflineQueue) -> None:
    deadline = time.monotonic() + 30
    while work.waiting() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not work.waiting()


async def test_a_ten_line_trip_with_mistakes_and_a_server_killed_midway_books_every_unit_once(client, conn, database_url, tmp_path):
    await stock(client, "BIN-1", 60)
    await stock(client, "BIN-3", 20, "MILK", lot="L1", expiry="2031-01-01")
    await orders(client, conn, *[[{"sku": sku, "quantity": quantity}] for sku, quantity in LINES])
    await release(client, mode="batch", orders_per_trip=10)
    bins = dict(await conn.fetch("select code, barcode from locations where code like 'BIN-%'"))
    port = free_port()
    server = serve(database_url, port)
    api = ApiClient(f"http://127.0.0.1:{port}", PICKER)
    work = OfflineQueue(tmp_path / "queue.sqlite")
    flow = PickFlow(api, work, "e2e")
    views: queue.Queue[PickView] = queue.Queue()
    master, slave = os.openpty()
    scanner = SerialScanner(os.ttyname(slave), lambda scan: views.put(flow.scan(scan.raw)))
    stop = threading.Event()
    said, confirmed = [], {}  # what went wrong, in words; units the picker confirmed per task

    def scan(text: str) -> PickView:
        os.write(master, text.encode() + b"\r")
        return views.get(timeout=10)

    try:
        view = flow.start()
        assert (view.step, view.progress) == ("scan_tote", "1 of 10")
        scanner.start()
        deadline = time.monotonic() + 5
        while scanner.state != "connected" and time.monotonic() < deadline:
            time.sleep(0.01)
        sender = sending(work, api, stop)
        view = scan("]C0TOTE-E2E")
        for n in range(10):
            task = flow.todo[0]
            assert view.progress == f"{n + 1} of 10" and view.bin == task.location
            if n == 1:
                said.append(scan("]C0BIN-4").feedback)
            view = scan(bins[task.location])
            assert view.step == "scan_item"
            if n == 2:
                said.append(scan(ITEM["APPLE" if task.sku == "MILK" else "MILK"]).feedback)
            units = 0
            if task.quantity == 12:
                view, units = scan(f"]I1{APPLE_CASE}"), 12
            elif task.quantity == 5:
                assert flow.key_count(4).feedback.message == "4 x APPLE: scan the item once"
                view, units = scan(ITEM["APPLE"]), 4
            while units < task.quantity and not (task.sku == "MILK" and task.quantity == 3 and units == 1):
                view, units = scan(ITEM[task.sku]), units + 1
            if units < task.quantity:
                view = flow.short("not_enough")
                said.append(view.feedback)
            confirmed[task.id] = units
            if n == 3:
                until_sent(work)
                server.send_signal(signal.SIGKILL)  # mid-trip: the scans go on into the queue
                server.wait()
            if n == 7:
                waiting_while_down = len(work.waiting())
                server = serve(database_url, port)
        assert view.step == "trip_done" and view.feedback.kind == "done"
        until_sent(work)
        stop.set()
        sender.join(5)
        scanner.stop()
    finally:
        stop.set()
        os.close(master)
        os.close(slave)
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    assert [f.kind for f in said] == ["wrong", "wrong", "info"]
    assert said[0].message.startswith("Wrong bin: you are at BIN-4, go to BIN-")
    assert said[1].message.startswith("Wrong item: that is ")
    assert said[2].message.startswith("Short at BIN-3 reported")

    assert waiting_while_down >= 4  # lines 5 to 8 were picked with the server dead
    actions = work.actions()
    assert work.waiting() == [] and {a.state for a in actions} == {"sent"}
    picks = [a for a in actions if a.path.endswith("/confirm")]
    rows = await conn.fetch("select count(*) as n, coalesce(sum(quantity), 0) as units from movements where reason = 'pick'")
    assert (rows[0]["n"], rows[0]["units"]) == (len(picks), sum(confirmed.values())) == (len(picks), sum(q for _, q in LINES) - 2)
    picked = dict(await conn.fetch("select id, picked from pick_tasks where id = any($1)", list(confirmed)))
    assert picked == confirmed
    assert await conn.fetchval("select count(*) from exceptions where kind = 'short_pick'") == 1
    assert (await check_ledger(conn)).consistent
    checked = subprocess.run([sys.executable, "-m", "server.cli", "check-ledger"], capture_output=True, text=True,
                             env=os.environ | {"WMS_DATABASE_URL": database_url}, timeout=60)
    assert checked.returncode == 0 and "ledger and on hand agree" in checked.stdout
