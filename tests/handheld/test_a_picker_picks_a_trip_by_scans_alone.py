"""The pick flow, with no window, against a real `wms serve`, fed by a real serial scanner on a
pty: scan a tote, a bin, the items; a wrong bin, a wrong item, too many and a short pick each get
the reason in words a picker understands; a normal pick takes no tap; the server confirms every
queued scan once."""

import os
import signal
import time

from handheld.client import ApiClient
from handheld.flows.picking import PickFlow
from handheld.offline import OfflineQueue, drain
from handheld.scanner import SerialScanner
from server.inventory.stock import check_ledger
from tests.handheld.test_the_offline_queue_loses_nothing_and_repeats_nothing import PICKER
from tests.picking_floor import BARCODES, orders, release, stock
from tests.serving import free_port, serve

APPLE_CASE = "14006381333938"  # a case of the seed's APPLE (its pack quantity)


async def test_a_trip_is_picked_by_scans_with_every_mistake_explained(client, conn, database_url, tmp_path):
    await stock(client, "BIN-1", 100)
    await stock(client, "BIN-3", 10, "MILK", lot="L1", expiry="2031-01-01")
    await orders(client, conn, [{"sku": "APPLE", "quantity": 2}, {"sku": "MILK", "quantity": 3}])
    await release(client)
    port = free_port()
    server = serve(database_url, port)
    try:
        queue = OfflineQueue(tmp_path / "queue.sqlite")
        flow = PickFlow(ApiClient(f"http://127.0.0.1:{port}", PICKER), queue, "hh1")
        start = flow.start()
        assert (start.step, start.progress) == ("scan_tote", "1 of 2")
        apple, milk = flow.trip.tasks

        views = [flow.scan(s) for s in ("TOTE-9", "]C0BIN-9", apple.location_barcode)]
        assert [v.step for v in views] == ["go_to_bin", "go_to_bin", "scan_item"]
        assert views[1].feedback.message == f"Wrong bin: you are at BIN-9, go to {apple.location}"

        wrong = flow.scan(f"]E0{BARCODES['MILK']}")
        assert (wrong.feedback.kind, wrong.feedback.message.split(",")[0]) == ("wrong", "Wrong item: that is MILK")
        case = flow.scan(f"]I1{APPLE_CASE}")
        assert case.feedback.kind == "wrong" and case.feedback.message.startswith("Too many: 2 left here")
        one = flow.scan(f"]E0{BARCODES['APPLE']}")
        assert (one.feedback.kind, one.picked, one.feedback.message) == ("good", 1, "1 more")
        next_bin = flow.scan(f"]E0{BARCODES['APPLE']}")
        assert (next_bin.step, next_bin.progress, next_bin.bin) == ("go_to_bin", "2 of 2", milk.location)

        flow.scan(milk.location_barcode)
        broken = flow.scan(f"]C1010{BARCODES['MILK'][:-1]}8")
        assert broken.feedback.kind == "wrong" and "check digit" in broken.feedback.message
        flow.scan(f"]C1010{BARCODES['MILK']}10L1")
        done = flow.short("not_enough")
        assert (done.step, done.feedback.kind) == ("trip_done", "done")
        assert done.feedback.message.startswith("Trip done: take tote TOTE-9 to")
        assert done.waiting == 4

        sent = drain(queue, flow.api.http)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    assert (sent.sent, sent.refused, sent.waiting) == (4, 0, 0)
    assert await conn.fetchval("select coalesce(sum(quantity), 0) from movements where reason = 'pick'") == 3
    assert await conn.fetchval("select count(*) from exceptions where kind = 'short_pick'") == 1
    assert (await check_ledger(conn)).consistent


async def test_scans_from_a_serial_scanner_drive_the_flow(client, conn, database_url, tmp_path):
    await stock(client, "BIN-1", 10)
    await orders(client, conn, [{"sku": "APPLE", "quantity": 1}])
    await release(client)
    port = free_port()
    server = serve(database_url, port)
    master, slave = os.openpty()
    views = []
    try:
        flow = PickFlow(ApiClient(f"http://127.0.0.1:{port}", PICKER), OfflineQueue(tmp_path / "q.sqlite"), "hh2")
        task = flow.start() and flow.trip.tasks[0]
        scanner = SerialScanner(os.ttyname(slave), lambda scan: views.append(flow.scan(scan.raw)))
        scanner.start()
        deadline = time.monotonic() + 5
        while scanner.state != "connected" and time.monotonic() < deadline:
            time.sleep(0.01)
        os.write(master, f"]C0TOTE-1\r]C0{task.location_barcode}\r]E0{BARCODES['APPLE']}\r".encode())
        while len(views) < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        scanner.stop()
    finally:
        os.close(master)
        os.close(slave)
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    assert [v.step for v in views] == ["go_to_bin", "scan_item", "trip_done"]
