"""A move queued on the handheld that the server refuses when it arrives (a supervisor took the
stock out meanwhile), against a real `wms serve`: the refusal is shown with what was done and the
server's reason, a scan cannot get past it, it is shown again after a restart, and it goes only
when the picker acknowledges it."""

from handheld.client import ApiClient
from handheld.flows.moving import MoveFlow
from handheld.flows.refusals import RefusalFlow
from handheld.offline import OfflineQueue, drain
from tests.conftest import bearer
from tests.handheld.test_the_offline_queue_loses_nothing_and_repeats_nothing import (
    PICKER,
)
from tests.picking_floor import BARCODES, stock


async def test_a_move_refused_on_replay_is_shown_until_acknowledged(client, conn, served, tmp_path):
    await stock(client, "BIN-1", 6)
    queue = OfflineQueue(tmp_path / "q.sqlite")
    move = MoveFlow(ApiClient(served, PICKER), queue, "hh")
    move.scan("BIN-1")
    move.scan(f"]E0{BARCODES['APPLE']}")
    move.key_count(5)
    gone = await client.post("/api/v1/stock/adjustments", headers=bearer("supervisor"), json={
        "location": "BIN-1", "sku": "APPLE", "quantity": 6, "direction": "out", "reason": "damaged"})
    assert gone.status_code == 201, gone.text
    move.scan("BIN-2")
    drained = drain(queue, move.api.http)
    assert (drained.sent, drained.refused) == (0, 1)

    refusals = RefusalFlow(queue)
    shown = refusals.first()
    assert (shown.what, shown.left) == ("Move of 5 x APPLE from BIN-1 to BIN-2", 1)
    assert "only 0 of" in shown.reason and shown.feedback.kind == "wrong"
    scanned = refusals.scan("]C0BIN-3")
    assert (scanned.seq, scanned.feedback.message) == (shown.seq, "Scan not taken: tap OK first")

    queue.close()
    after_restart = RefusalFlow(OfflineQueue(tmp_path / "q.sqlite"))
    assert after_restart.first() == shown
    assert after_restart.acknowledge(shown.seq) is None
    [action] = after_restart.queue.actions()
    assert action.state == "acknowledged" and after_restart.queue.refusals() == []
    assert await conn.fetchval("select count(*) from movements where reason = 'move'") == 0
