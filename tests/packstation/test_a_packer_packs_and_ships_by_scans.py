"""The pack station's flow, with no window, against a real `wms serve`, a serial scale on a pty
and the printer emulator: scan the tote, the items (the first opens the suggested carton; an item
of another order is refused with the reason), close the carton with the scale's weight (a weight
far off is refused until the packer closes again to accept it; both labels print), ship."""

import os
import time

from handheld.client import ApiClient
from handheld.flows.packing import PackFlow
from handheld.offline import OfflineQueue
from handheld.scale import Scale
from labels.emulator import EmulatorThread
from tests.packing_floor import APPLE, MILK, picked
from tests.printers import add_printer


def weigh(master: int, scale: Scale, line: bytes, grams: int) -> None:
    os.write(master, line)
    deadline = time.monotonic() + 5
    while scale.stable() != grams and time.monotonic() < deadline:
        time.sleep(0.01)


async def test_a_packer_packs_an_order_by_scans_closes_on_the_scale_and_ships(client, conn, served, tmp_path):
    mine, other = await picked(client, conn, [{"sku": "APPLE", "quantity": 2}, {"sku": "MILK", "quantity": 1}],
                               [{"sku": "MILK", "quantity": 1}])
    master, slave = os.openpty()
    scale = Scale(os.ttyname(slave))
    scale.start()
    with EmulatorThread() as printer:
        await add_printer(client, "PACK-1", f"127.0.0.1:{printer.port}", label_size="4x6")
        flow = PackFlow(ApiClient(served, "test-token-packer"), OfflineQueue(tmp_path / "queue.sqlite"), "ps1", "PS-1",
                        printer="PACK-1", scale=scale)
        try:
            found = flow.scan(mine["tote"])
            assert (found.step, found.suggestion) == ("choose_carton", "BOX-S")
            assert found.feedback.message == "Order P-0: 3 to pack, take a BOX-S"

            first = flow.scan(APPLE)
            assert (first.step, first.feedback.message) == ("scan_items", "1 x APPLE packed, 1 more to pack")
            assert first.carton.startswith("Carton ") and "(BOX-S): 1 units" in first.carton
            assert flow.scan(APPLE).feedback.kind == "good"
            surplus = flow.scan(APPLE)
            assert (surplus.feedback.kind, surplus.feedback.message) == (
                "wrong", "surplus: every APPLE of this order is packed already; put it back")
            last = flow.scan(MILK)
            assert (last.step, last.feedback.kind) == ("close", "done")

            assert flow.close().feedback.message.startswith("Put the carton on the scale")
            weigh(master, scale, b"ST,GS,+  5.000kg\r\n", 5000)
            heavy = flow.close()
            assert heavy.feedback.kind == "wrong" and heavy.feedback.message.endswith("Close again to accept 5.000 kg")
            weigh(master, scale, b"US,GS,+  3.200kg\r\nST,GS,+  3.290kg\r\n", 3290)
            closed = flow.close()
            assert closed.step == "ship" and closed.feedback.kind == "done", closed.feedback
            assert "labels printed: ship the order" in closed.feedback.message
            assert len(printer.received) == 2

            shipped = flow.ship()
            assert shipped.step == "scan_order" and shipped.feedback.message.startswith("Order P-0 shipped (WMS")
            assert await conn.fetchval("select status from orders where id = $1", mine["id"]) == "shipped"
            assert await conn.fetchval("select status from orders where id = $1", other["id"]) == "picking"
        finally:
            scale.stop()
