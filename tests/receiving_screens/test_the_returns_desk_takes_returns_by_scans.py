"""The returns desk flow, with no window, against a real `wms serve`, fed by a real serial scanner
on a pty: the desk, the RMA label the channel announced, each item inspected (new back to stock
on the return's LPN, damaged with a note to quarantine, defective to scrap, its lot and expiry on
barcodes of their own); a wrong desk, an unknown RMA, an item without its lot, more back than
the order shipped and a damaged item sent to stock each refused with the server's reason, what
the next scan carries kept for the next try; Close return, tapped twice, shows what came back
where and the channel hears of it; a blind return, and RET-<id> scanned once it is closed."""

from handheld.client import ApiClient
from handheld.flows.returns import ReturnsFlow
from handheld.offline import OfflineQueue
from server.inventory.stock import check_ledger
from tests.channels import key, make_channel
from tests.receiving.warehouse import APPLE, MILK, NEXT_YEAR, on_hand, shipped_order, storage, yymmdd
from tests.receiving_screens.scanner import PtyScanner


async def test_the_returns_desk_takes_an_announced_return_and_a_blind_one_by_scans(client, conn, served, tmp_path):
    await storage(conn, bins=2)  # and a quarantine area
    shop = await make_channel(conn)
    await shipped_order(client, conn, shop)  # W-1: 3 x APPLE, 1 x MILK
    body = {"reference": "RMA-1", "order": "W-1", "lines": [{"line": 1, "quantity": 2}, {"sku": "MILK", "quantity": 1}]}
    rma = (await client.post("/api/v1/returns", json=body, headers=key(shop))).json()
    lpn = f"RET-{rma['id']}"
    queue = OfflineQueue(tmp_path / "queue.sqlite")
    flow = ReturnsFlow(ApiClient(served, "test-token-receiver"), queue, "hh")
    with PtyScanner(flow.scan) as scanner:
        assert flow.start().feedback.message == "Scan the returns desk"
        assert scanner.scan("]C0S-1").feedback.message == "S-1 is not a returns desk: scan the desk's barcode"
        assert scanner.scan(APPLE).feedback.message == "That is an item: scan the desk, then the return, before the items"
        assert scanner.scan("]C0DOCK").feedback.message == "Desk DOCK: scan the return's RMA label, or tap Blind"
        unknown = scanner.scan("]C0RMA-9")
        assert (unknown.step, unknown.feedback.message) == ("scan_return", "no return 'RMA-9': scan the RMA label or RET-<id>, or tap Blind")
        opened = scanner.scan("]C0RMA-1")
        assert (opened.step, opened.returned, opened.lpn) == ("scan_items", "RMA-1  order W-1  webshop", lpn)
        assert opened.lines == ["APPLE  0 of 2", "MILK  0 of 1"] and (opened.condition, opened.disposition) == ("new", "back to stock")
        assert opened.feedback.message == "Return RMA-1: scan each item as you inspect it"

        good = scanner.scan(APPLE)
        assert (good.feedback.message, good.lines) == (f"1 x APPLE onto {lpn}: put it away", ["APPLE  1 of 2", "MILK  0 of 1"])
        assert flow.condition().feedback.message == "Next item is opened: it goes back to stock"
        assert flow.condition().feedback.message == "Next item is damaged: it goes to quarantine"
        flow.note()
        assert flow.note().note == "scratched"
        dented = scanner.scan(APPLE)
        assert dented.feedback.message == "1 x APPLE to quarantine at QUARANTINE"
        assert (dented.condition, dented.disposition, dented.note) == ("new", "back to stock", "")

        flow.condition(), flow.condition()
        assert flow.condition().feedback.message == "Next item is defective: it goes to scrap"
        no_lot = scanner.scan(MILK)
        assert (no_lot.feedback.kind, no_lot.feedback.message) == ("wrong", "SKU MILK is lot-tracked: give the lot")
        assert (no_lot.condition, no_lot.disposition) == ("defective", "to scrap")  # kept for the next try
        assert scanner.scan("]C110L1").feedback.message == "Lot L1 noted: now scan the item"
        assert scanner.scan(f"]C117{yymmdd(NEXT_YEAR)}").pending == f"lot L1, expiry {NEXT_YEAR}"
        scrapped = scanner.scan(MILK)
        assert (scrapped.feedback.message, scrapped.lines, scrapped.pending) == ("1 x MILK scrapped", ["APPLE  2 of 2", "MILK  1 of 1"], "")

        assert flow.key_count(2).feedback.message == "2 keyed: scan the item once"
        over = scanner.scan(APPLE)
        assert over.feedback.message == "the order shipped 3 x APPLE and 2 came back already: 2 more is more than it shipped"
        assert over.keyed == 2
        flow.key_count(1), flow.condition(), flow.condition(), flow.disposition()
        assert flow.disposition().feedback.message == "Next item (damaged) goes back to stock"
        wrong = scanner.scan(APPLE)
        assert wrong.feedback.message == "a damaged item does not go back to stock: quarantine or scrap it"

        assert flow.close_return().feedback.message == "Tap Close return again to close RMA-1: nothing more can come back on it"
        closed = flow.close_return()
        assert (closed.step, closed.feedback.kind, closed.returned) == ("scan_return", "done", "RMA-1 closed")
        assert closed.feedback.message == f"Return RMA-1 closed, 3 units: webshop is told what came back; put {lpn} away"
        assert closed.lines == [f"APPLE  1 new: on {lpn} at DOCK", "APPLE  1 damaged: quarantine at QUARANTINE",
                                "MILK lot L1  1 defective: scrapped"]

        blind = flow.blind()
        other = blind.lpn
        assert (blind.step, blind.returned, blind.lines) == ("scan_items", f"{other}  blind", [])
        flow.key_count(2), flow.condition()
        assert scanner.scan(APPLE).lines == ["APPLE  2  not announced"]
        flow.close_return()
        assert flow.close_return().feedback.message == f"Return {other} closed, 2 units: no channel to tell; put {other} away"
        assert scanner.scan(f"]C0{other}").feedback.message == f"Return {other} is closed: nothing more can come back on it"

    assert queue.waiting() == [] and queue.refusals() == []
    assert (await on_hand(conn, "DOCK", lpn=lpn), await on_hand(conn, "DOCK", lpn=other), await on_hand(conn, "QUARANTINE")) == (1, 2, 1)
    events = (await client.get("/api/v1/events", headers=key(shop))).json()["events"]
    [heard] = [e for e in events if e["type"] == "return.received"]
    assert sorted((i["sku"], i["quantity"], i["condition"], i["disposition"], i["note"]) for i in heard["data"]["items"]) == [
        ("APPLE", 1, "damaged", "quarantine", "scratched"), ("APPLE", 1, "new", "stock", ""), ("MILK", 1, "defective", "scrap", "")]
    assert (await check_ledger(conn)).consistent
