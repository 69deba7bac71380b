"""Moving stock from the handheld, against a real `wms serve`: scan the bin, the items, the bin
to put them in; the move is queued and done once, even when sent twice; a bin that does not hold
the item, or too many, is refused with the reason."""

import signal

from handheld.client import ApiClient
from handheld.flows.moving import MoveFlow
from handheld.offline import OfflineQueue, drain
from server.inventory.stock import check_ledger
from tests.handheld.test_the_offline_queue_loses_nothing_and_repeats_nothing import PICKER
from tests.picking_floor import BARCODES, stock
from tests.serving import free_port, serve


async def test_items_scanned_from_one_bin_to_another_move_once(client, conn, database_url, tmp_path):
    await stock(client, "BIN-1", 12)
    codes = dict(await conn.fetch("select code, barcode from locations where code in ('BIN-1', 'BIN-2')"))
    port = free_port()
    server = serve(database_url, port)
    try:
        api = ApiClient(f"http://127.0.0.1:{port}", PICKER)
        queue = OfflineQueue(tmp_path / "q.sqlite")
        flow = MoveFlow(api, queue, "hh")
        refused_bin = flow.scan(f"]E0{BARCODES['APPLE']}")
        views = [flow.scan(s) for s in (codes["BIN-2"], f"]E0{BARCODES['APPLE']}")]
        flow = MoveFlow(api, queue, "hh")
        flow.scan(codes["BIN-1"])
        wrong = flow.scan(f"]E0{BARCODES['MILK']}")
        flow.scan(f"]E0{BARCODES['APPLE']}")
        too_many = flow.key_count(13)
        keyed = flow.key_count(5)
        done = flow.scan(f"]C0{codes['BIN-2']}")
        first = drain(queue, api.http)
        [action] = queue.actions()
        queue.settle(action.seq, "waiting", 0, b"")  # sent, but the answer was never written down
        again = drain(queue, api.http)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    assert refused_bin.feedback.message == "Scan the bin to take from"
    assert views[1].feedback.message == "BIN-2 holds no APPLE"
    assert wrong.feedback.message == "BIN-1 holds no MILK"
    assert too_many.feedback.message == "Only 12 of APPLE in BIN-1"
    assert keyed.count == 5 and done.feedback.message == "Moved 5 x APPLE from BIN-1 to BIN-2"
    assert (first.sent, again.sent) == (1, 1)
    on_hand = dict(await conn.fetch(
        "select l.code, st.quantity from stock st join locations l on l.id = st.location_id where l.code in ('BIN-1', 'BIN-2')"
    ))
    assert on_hand == {"BIN-1": 7, "BIN-2": 5}
    assert await conn.fetchval("select count(*) from movements where reason = 'move'") == 1
    assert (await check_ledger(conn)).consistent
