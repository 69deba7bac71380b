"""The receive flow, with no window, against a real `wms serve`, fed by a real serial scanner on a
pty: the dock, the receipt, a GS1-128 carton label, cases keyed as a count, a lot and an expiry on
barcodes of their own, a damaged carton to quarantine; a wrong dock, an unknown receipt,
over-receipt, a lot-tracked item without its lot and an expired lot each refused with the
server's reason; LPN full prints the pallet's label on the handheld's printer (the emulator); the
app started again goes on with the receipt (another user logging in on it does not); Close
receipt, tapped twice, reports per line; a blind receipt for goods nobody announced."""

import datetime

from handheld.client import ApiClient
from handheld.flows.receiving import ReceiveFlow
from handheld.offline import OfflineQueue
from handheld.printing import LabelPrinter
from labels.emulator import EmulatorThread
from server.inventory.stock import check_ledger
from tests.receiving.warehouse import (
    APPLE,
    APPLE_CASE,
    MILK,
    NEXT_YEAR,
    announce,
    carton_label,
    on_hand,
    storage,
    yymmdd,
)
from tests.receiving_screens.scanner import PtyScanner
from tests.seed import MILK_GTIN

LAST_YEAR = datetime.date.today() - datetime.timedelta(days=365)


async def test_a_receiver_receives_a_truck_by_scans_and_hears_every_refusal_in_words(client, conn, served, tmp_path):
    await storage(conn)  # and a quarantine area
    receipt = await announce(client)  # PO-1 from Fruit Co: 24 x APPLE, 10 x MILK
    api, queue = ApiClient(served, "test-token-receiver"), OfflineQueue(tmp_path / "queue.sqlite")
    emulator = EmulatorThread()
    with emulator as belt:
        printer = LabelPrinter(f"tcp://127.0.0.1:{belt.port}")
        flow = ReceiveFlow(api, queue, "hh", printer, tmp_path / "receiving.json")
        with PtyScanner(flow.scan) as scanner:
            assert flow.start().feedback.message == "Scan the dock"
            assert scanner.scan("]C0BIN-1").feedback.message == "BIN-1 is not a dock: scan the dock's barcode"
            assert scanner.scan("]C0DOCK").feedback.message == "Dock DOCK: scan the receipt, or tap Blind"
            unknown = scanner.scan("]C0PO-9")
            assert (unknown.step, unknown.feedback.kind) == ("scan_receipt", "wrong")
            assert unknown.feedback.message == "no receipt 'PO-9': scan the receipt's number, or start a blind receipt"
            started = scanner.scan("]C0PO-1")
            assert (started.step, started.receipt, started.feedback.message) == ("scan_items", "PO-1  Fruit Co", "Receipt PO-1: scan the goods")
            assert started.lines == ["APPLE  0 of 24", "MILK  0 of 10"]

            carton = scanner.scan(carton_label(MILK_GTIN, 6, "L7", NEXT_YEAR))
            lpn = carton.lpn
            assert lpn.startswith("LPN") and carton.feedback.message == f"6 x MILK lot L7 received onto {lpn}"
            assert flow.key_count(2).feedback.message == "2 keyed: scan the item once"
            cases = scanner.scan(APPLE_CASE)
            assert (cases.feedback.message, cases.keyed) == (f"24 x APPLE received onto {lpn}", 0)
            flow.key_count(5)
            over = scanner.scan(APPLE)
            assert over.feedback.kind == "wrong" and over.feedback.message.startswith(
                "over-receipt: 24 x APPLE expected, 24 received, this scan is 5; at most 26 may come in")
            no_lot = scanner.scan(MILK)
            assert no_lot.feedback.message.startswith("MILK is lot-tracked: scan its lot")
            assert scanner.scan("]C110L9").pending == "lot L9"
            held = scanner.scan(f"]C117{yymmdd(NEXT_YEAR)}")
            assert (held.pending, held.feedback.message) == (f"lot L9, expiry {NEXT_YEAR}", f"Expiry {NEXT_YEAR} noted: now scan the item")
            assert scanner.scan(MILK).feedback.message == f"1 x MILK lot L9 received onto {lpn}"
            assert flow.damaged().feedback.message == "Next scan is damaged (crushed): it goes to quarantine"
            damaged = scanner.scan(carton_label(MILK_GTIN, 2, "L7", NEXT_YEAR))
            assert (damaged.feedback.message, damaged.damaged) == ("2 x MILK lot L7 received onto QUARANTINE", "")
            expired = scanner.scan(carton_label(MILK_GTIN, 1, "OLD", LAST_YEAR))
            assert expired.feedback.message == f"lot OLD expired on {LAST_YEAR}: refused, set it aside"
            assert expired.lines == ["APPLE  24 of 24", "MILK  9 of 10  (2 damaged)"]

        full = flow.lpn_full()
        assert (full.feedback.kind, full.lpn) == ("done", "")
        assert full.feedback.message == f"{lpn} closed, 31 units: label printed"
        [label] = emulator.wait_for_labels(1, timeout=10)
        assert f"^FD{lpn}^FS".encode() in label

    again = ReceiveFlow(api, queue, "hh", printer, tmp_path / "receiving.json")  # the app started again
    resumed = again.start()
    assert (resumed.step, resumed.receipt, resumed.feedback.message) == ("scan_items", "PO-1  Fruit Co", "Receipt PO-1: go on scanning")
    assert again.close_receipt().feedback.message == "Tap Close receipt again to close PO-1: nothing more can be received on it"
    closed = again.close_receipt()
    assert (closed.step, closed.feedback.kind) == ("scan_receipt", "done")
    assert closed.feedback.message == "Receipt PO-1 closed, 1 line differs: scan the next receipt"
    assert (closed.receipt, closed.lines) == ("PO-1 closed", ["APPLE  24 of 24  exact", "MILK  9 of 10  short"])

    blind = again.blind()
    assert blind.feedback.message.startswith("Receipt R-") and blind.lines == []
    assert again.scan(APPLE).lines == ["APPLE  1  not expected"]
    supervisor = ReceiveFlow(ApiClient(served, "test-token-supervisor"), queue, "hh", printer, tmp_path / "receiving.json")
    assert supervisor.start().step == "scan_dock"  # the next to log in on the device does not go on with the receiver's

    assert queue.waiting() == [] and queue.refusals() == []  # every refusal was said on the screen
    assert await on_hand(conn, "DOCK", "MILK", lpn) == 7 and await on_hand(conn, "DOCK", "APPLE", lpn) == 24
    assert await on_hand(conn, "QUARANTINE", "MILK") == 2
    assert await conn.fetchval("select status from receipts where id = $1", receipt["id"]) == "closed"
    assert (await check_ledger(conn)).consistent
