"""The count flow, with no window, against a real `wms serve`, fed by a real serial scanner on a
pty: the screen says where to count, never how many; a wrong location is refused; items are
tallied on the device (a keyed count, Undo for a scan too many, a lot barcode for the items after
it), and Done sends the tally as one count; the server's refusal (a lot-tracked item without its
lot) is said in red with the tally kept; a variance goes to another counter, whose count of an
empty bin (Done tapped twice) corrects the stock."""

from handheld.client import ApiClient
from handheld.flows.counting import CountFlow
from handheld.offline import OfflineQueue
from server.inventory.stock import check_ledger
from tests.picking_floor import stock
from tests.receiving.warehouse import APPLE, MILK, SUPERVISOR, on_hand, storage
from tests.receiving_screens.scanner import PtyScanner


async def test_a_counter_counts_blind_and_a_variance_goes_to_another_counter(client, conn, served, tmp_path):
    await storage(conn, bins=2)
    await stock(client, "S-1", 10)
    await stock(client, "S-2", 5, "MILK", lot="L1", expiry="2031-01-01")
    listed = await client.post("/api/v1/counts", json={"locations": ["S-1", "S-2"]}, headers=SUPERVISOR)
    assert listed.status_code == 201, listed.text
    queue = OfflineQueue(tmp_path / "queue.sqlite")
    flow = CountFlow(ApiClient(served, "test-token-receiver"), queue, "hh")
    with PtyScanner(flow.scan) as scanner:
        first = flow.start()
        assert (first.step, first.location, first.what) == ("go_to_location", "S-1", "every item")
        assert first.feedback.message == "Count every item at S-1: scan the location"
        assert scanner.scan(APPLE).feedback.message == "Wrong location: that is not a location; count at S-1"
        assert scanner.scan("]C0S-2").feedback.message == "Wrong location: you are at S-2; count at S-1"
        assert scanner.scan("]C0S-1").feedback.message == "At S-1: scan every item, then tap Done"
        flow.key_count(9)
        assert scanner.scan(APPLE).feedback.message == "9 x APPLE"
        scanner.scan(APPLE)
        assert scanner.scan(APPLE).counted == ["APPLE  11"]
        taken_back = flow.undo()
        assert (taken_back.counted, taken_back.feedback.message) == (["APPLE  10"], "Taken back: 1 x APPLE; 10 counted")
        counted = flow.done()
        assert (counted.step, counted.location, counted.feedback.kind) == ("go_to_location", "S-2", "done")
        assert counted.feedback.message == "S-1 counted: thank you. Next: Count every item at S-2: scan the location"

        scanner.scan("]C0S-2")
        scanner.scan(MILK)
        no_lot = flow.done()
        assert (no_lot.feedback.kind, no_lot.counted) == ("wrong", ["MILK  1"])
        assert no_lot.feedback.message == "MILK is lot-tracked: count each lot on its own line"
        flow.undo()
        assert scanner.scan("]C110L1").lot == "L1"
        flow.key_count(4)
        assert scanner.scan(MILK).counted == ["MILK lot L1  4"]
        recount = flow.done()
        assert (recount.step, recount.feedback.message) == (
            "no_count", "S-2 counted; another counter counts this location again. Nothing more to count")
        assert "5" not in str(recount) and "5" not in str(counted)  # blind: what the system holds is never shown

    other = CountFlow(ApiClient(served, "test-token-picker"), queue, "hh2")
    second = other.start()
    assert (second.location, second.what) == ("S-2", "every item, recount")
    other.scan("]C0S-2")
    assert other.done().feedback.message == "Nothing scanned: tap Done again if S-2 is empty"
    assert other.done().feedback.message == "S-2 counted: the stock is corrected. Nothing more to count"

    assert queue.waiting() == [] and queue.refusals() == []
    assert (await on_hand(conn, "S-1"), await on_hand(conn, "S-2", "MILK")) == (10, 0)
    assert await conn.fetchval("select count(*) from movements where reason = 'count'") == 1
    assert (await check_ledger(conn)).consistent
