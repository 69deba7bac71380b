"""Refused replays: an action the server said no to when the queue reached it (the stock was gone
meanwhile, the task was taken from the picker) is shown in red with the server's reason, one at
a time, and stays on the screen until the picker acknowledges it. Nothing refused is dropped
without a person having read it; the queue keeps it, so a restart shows it again."""

import re

import msgspec

from handheld.client import reason_of
from handheld.flows import Feedback
from handheld.offline import Action, OfflineQueue
from schema.counts import CountSubmit
from schema.picking import PickConfirm, ShortPick
from schema.receiving import PutawayConfirm, ReceiveScan
from schema.returns import ReturnItemIn
from schema.stock import Move

_TASK = re.compile(r"/api/v1/picking/tasks/\d+/(confirm|short)$")
_RECEIPT_SCAN = re.compile(r"/api/v1/receipts/\d+/scans$")
_COUNT = re.compile(r"/api/v1/counts/\d+/count$")
_RETURN_ITEM = re.compile(r"/api/v1/returns/\d+/items$")


class RefusalView(msgspec.Struct, frozen=True, kw_only=True):
    seq: int  # its place in the queue, to acknowledge this one and no other
    what: str  # the action, in a picker's words
    reason: str  # the server's
    left: int  # refusals still to acknowledge, this one included
    feedback: Feedback = Feedback("wrong", "Read why, then tap OK")


def described(action: Action) -> str:
    """What the picker did, as they would say it."""
    try:
        kind = _TASK.search(action.path)
        if kind and kind[1] == "confirm":
            pick = msgspec.json.decode(action.body, type=PickConfirm)
            return f"Pick of {pick.count} x {pick.item} at {pick.location}"
        if kind:
            return f"Short pick at {msgspec.json.decode(action.body, type=ShortPick).location}"
        if action.path == "/api/v1/stock/moves":
            move = msgspec.json.decode(action.body, type=Move)
            return f"Move of {move.quantity} x {move.sku} from {move.from_location} to {move.to_location}"
        if _RECEIPT_SCAN.search(action.path):
            scan = msgspec.json.decode(action.body, type=ReceiveScan)
            return f"Receipt of {scan.count} x {scan.scan}" + (f" (damaged: {scan.reason})" if scan.condition == "damaged" else "")
        if action.path == "/api/v1/putaway/confirm":
            put = msgspec.json.decode(action.body, type=PutawayConfirm)
            return f"Putaway of {put.sku or 'goods'} from LPN {put.lpn} to {put.location}"
        if _COUNT.search(action.path):
            return f"Count at {msgspec.json.decode(action.body, type=CountSubmit).location}"
        if _RETURN_ITEM.search(action.path):
            item = msgspec.json.decode(action.body, type=ReturnItemIn)
            return f"Return of {item.count} x {item.item} ({item.condition}, to {item.disposition})"
    except msgspec.DecodeError:
        pass
    return f"{action.method} {action.path}"


class RefusalFlow:
    def __init__(self, queue: OfflineQueue) -> None:
        self.queue = queue

    def first(self) -> RefusalView | None:
        """The oldest refusal the picker has not acknowledged; None when there is none."""
        refused = self.queue.refusals()
        if not refused:
            return None
        action = refused[0]
        return RefusalView(seq=action.seq, what=described(action), reason=reason_of(action.status or 0, action.answer or b""),
                           left=len(refused))

    def scan(self, raw: str) -> RefusalView | None:
        """A scan while a refusal is on the screen is not taken: the picker reads it first."""
        first = self.first()
        return first and msgspec.structs.replace(first, feedback=Feedback("wrong", "Scan not taken: tap OK first"))

    def acknowledge(self, seq: int) -> RefusalView | None:
        """The picker has read the refusal `seq`; the next one, if any."""
        self.queue.acknowledge(seq)
        return self.first()
