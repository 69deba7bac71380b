"""Labels from the handheld to its paired printer, the printer emulator standing in for a belt
Zebra: a bin's label from Look up and an item's from Move, over TCP 9100 and over a pyserial URL,
against a real `wms serve`; a printer out of paper, one that cannot be reached and none at all
are each said in words, in red, and nothing crashes."""

import pytest

from handheld.client import ApiClient
from handheld.flows.lookup import LookupFlow
from handheld.flows.moving import MoveFlow
from handheld.offline import OfflineQueue
from handheld.printing import LabelPrinter, NotPrinted
from labels.emulator import EmulatorThread
from schema.locations import Location
from tests.handheld.test_the_offline_queue_loses_nothing_and_repeats_nothing import PICKER
from tests.picking_floor import BARCODES, stock
from tests.serving import free_port

BIN = Location(id=1, warehouse="WH1", code="A-01-02", barcode="A-01-02", kind="bin", type="pick_face", parent=None,
               pick_sequence=None, x=None, y=None, z=None, capacity=None, equipment=None, active=True)


async def test_a_bin_label_and_an_item_label_arrive_at_the_printer(client, conn, served, tmp_path):
    await stock(client, "BIN-1", 5)
    bin_barcode = await conn.fetchval("select barcode from locations where code = 'BIN-1'")
    api = ApiClient(served, PICKER)
    with EmulatorThread() as emulator:
        lookup = LookupFlow(api, LabelPrinter(f"tcp://127.0.0.1:{emulator.port}"))
        nothing = lookup.print_label()
        lookup.scan(bin_barcode)
        bin_printed = lookup.print_label()
        # a Bluetooth belt printer is a serial port: pyserial's socket:// reaches the same emulator
        move = MoveFlow(api, OfflineQueue(tmp_path / "q.sqlite"), "hh", LabelPrinter(f"socket://127.0.0.1:{emulator.port}"))
        move.scan(bin_barcode)
        move.scan(f"]E0{BARCODES['APPLE']}")
        item_printed = move.print_label()
        labels = emulator.received
    assert (nothing.feedback.kind, nothing.feedback.message) == ("wrong", "Scan a bin or an item to print its label")
    assert (bin_printed.feedback.kind, bin_printed.feedback.message) == ("good", "Label for bin BIN-1 printed")
    assert bin_printed.title == "Bin BIN-1"  # the screen still shows the bin
    assert (item_printed.feedback.kind, item_printed.feedback.message) == ("good", "Label for APPLE printed")
    assert item_printed.count == 1  # printing changed nothing of the move
    assert len(labels) == 2 and emulator.status_requests == 2  # each asked the printer's status first
    assert f"^FD{bin_barcode}^FS".encode() in labels[0]
    assert b"Apple juice 1 L" in labels[1] and BARCODES["APPLE"][:12].encode() in labels[1]


def said(printer: LabelPrinter) -> str:
    with pytest.raises(NotPrinted) as why:
        printer.print_bin(BIN)
    return why.value.reason


def test_a_printer_out_of_paper_is_said_in_red_and_gets_nothing():
    with EmulatorThread(faults={"paper_out"}) as emulator:
        paper = said(LabelPrinter(f"tcp://127.0.0.1:{emulator.port}"))
        emulator.faults = {"head_open"}
        head = said(LabelPrinter(f"socket://127.0.0.1:{emulator.port}"))
    assert paper == "Printer out of paper"
    assert head == "Printer head open: close it"
    assert emulator.received == []


def test_a_printer_not_reachable_or_not_set_up_is_said_in_words(tmp_path):
    assert said(LabelPrinter(f"tcp://127.0.0.1:{free_port()}")) == "Printer not reachable: is it on, and paired?"
    assert said(LabelPrinter(str(tmp_path / "rfcomm0"))) == "Printer not reachable: is it on, and paired?"
    assert said(LabelPrinter(None)) == "No printer set up: start the app with --printer"
