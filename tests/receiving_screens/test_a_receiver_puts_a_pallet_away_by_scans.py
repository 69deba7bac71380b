"""The putaway flow, with no window, against a real `wms serve`, fed by a real serial scanner on a
pty: the LPN's label shows where its goods go; the suggested bin scanned puts them there (a keyed
count puts fewer), and the next destination appears until the LPN is empty; another bin without
a reason, or past its capacity, is refused with the server's reason; Other bin gives the reason."""

from handheld.client import ApiClient
from handheld.flows.putaway import PutawayFlow
from handheld.offline import OfflineQueue
from server.inventory.stock import check_ledger
from tests.receiving.warehouse import APPLE, announce, on_hand, received, start, storage
from tests.receiving_screens.scanner import PtyScanner


async def test_a_receiver_puts_a_pallet_away_where_the_screen_says_or_elsewhere_with_a_reason(client, conn, served, tmp_path):
    await storage(conn, bins=4, capacity=20)
    receipt = await announce(client, lines=[{"sku": "APPLE", "quantity": 30}])
    await start(client, "PO-1")
    lpn = (await received(client, receipt["id"], "a", APPLE, count=30))["received"][0]["lpn"]
    queue = OfflineQueue(tmp_path / "queue.sqlite")
    flow = PutawayFlow(ApiClient(served, "test-token-receiver"), queue, "hh")
    with PtyScanner(flow.scan) as scanner:
        assert flow.start().feedback.message == "Scan a pallet's LPN label"
        assert scanner.scan(APPLE).feedback.message == "That is an item: scan the LPN's label"
        assert scanner.scan("]C0S-1").feedback.message == "Nothing to put away on S-1: scan an LPN label"
        plan = scanner.scan(f"]C0{lpn}")
        assert (plan.step, plan.lpn, plan.what, plan.bin, plan.rule) == ("scan_bin", lpn, "20 x APPLE", "S-1", "empty bin")
        assert plan.then == ["10 x APPLE in S-2"] and plan.feedback.message == f"{lpn}: put 20 x APPLE in S-1"

        elsewhere = scanner.scan("]C0S-3")
        assert (elsewhere.feedback.kind, elsewhere.bin) == ("wrong", "S-1")
        assert elsewhere.feedback.message == "S-3 is not the suggested bin (S-1): scan S-1, or give a reason to put it here"
        assert flow.key_count(5).what == "5 x APPLE"
        five = scanner.scan("]C0S-1")
        assert five.feedback.message == "5 x APPLE put away at S-1; next: put 15 x APPLE in S-1"
        assert (five.rule, five.keyed) == ("same lot there", 0)

        assert flow.other_bin().feedback.message == "Scan the bin you put them in (suggested bin full)"
        too_many = scanner.scan("]C0S-4")
        assert too_many.feedback.message == "S-4 has room for 20 more of APPLE, not 25"
        flow.key_count(20)
        assert too_many.reason == "suggested bin full"
        moved = scanner.scan("]C0S-4")
        assert moved.feedback.message == "20 x APPLE put away at S-4; next: put 5 x APPLE in S-1"
        done = scanner.scan("]C0S-1")
        assert (done.step, done.feedback.kind) == ("scan_lpn", "done")
        assert done.feedback.message == f"5 x APPLE put away at S-1: {lpn} is empty, scan the next LPN"

    assert queue.waiting() == [] and queue.refusals() == []
    assert (await on_hand(conn, "S-1"), await on_hand(conn, "S-4"), await on_hand(conn, "DOCK")) == (10, 20, 0)
    references = [r["reference"] for r in await conn.fetch("select reference from movements where reason = 'putaway' order by id")]
    assert references == [f"LPN {lpn}", f"LPN {lpn}; not the suggested bin: suggested bin full", f"LPN {lpn}"]
    assert (await check_ledger(conn)).consistent
