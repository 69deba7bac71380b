"""Putaway: scan a pallet's LPN label (or the SSCC it came on), and the screen says where its goods
go, by the server's rules (the pick face below its maximum, a bin with the same lot, an empty bin
of the SKU's zone nearest the dock); scan that bin to put them there, and the next destination
appears until the LPN is empty. Another bin than the suggested one needs a reason (Other bin
steps through them); the server checks its room all the same. Key a count to put fewer. Each
confirmation is an action: queued with its scan id and sent at once, since the rest of the plan
comes with the answer."""

import uuid
from typing import Literal

import httpx
import msgspec

from handheld.client import ApiClient, Refused
from handheld.flows import KEPT, Feedback, following, sent_now
from handheld.offline import OfflineQueue
from schema import scans
from schema.receiving import PutawayConfirm, PutawayLine, PutawayPlan, PutawayResult

# Why the goods go to another bin than the suggested one, as Other bin steps through them.
OTHER_BIN = ("", "suggested bin full", "suggested bin blocked", "suggested bin damaged")
RULES = {"pick_face": "pick face", "same_lot": "same lot there", "empty_bin": "empty bin", "none": "no bin has room"}


class PutawayView(msgspec.Struct, frozen=True, kw_only=True):
    """What the putaway screen shows."""

    step: Literal["scan_lpn", "scan_bin"]
    feedback: Feedback | None = None
    lpn: str = ""
    what: str = ""  # "6 x APPLE lot L1"
    bin: str = ""  # where they go, in large type
    rule: str = ""  # why there
    then: list[str] = []  # the rest of the plan
    reason: str = ""  # for another bin than the suggested one
    keyed: int = 0  # put only this many


class PutawayFlow:
    def __init__(self, api: ApiClient, queue: OfflineQueue, device: str) -> None:
        self.api, self.queue, self.device = api, queue, device
        self.plan: PutawayPlan | None = None
        self.reason, self.keyed = "", 0

    def start(self) -> PutawayView:
        return self._view(None)

    def scan(self, raw: str) -> PutawayView:
        try:
            found = scans.parse(raw)
            if isinstance(found, scans.Item):
                return self._view(Feedback("wrong", "That is an item: scan the LPN's label" if self.plan is None else
                                           "That is an item: scan the bin to put the goods in"))
            value = found.sscc if isinstance(found, scans.Sscc) else found.value.strip()
            if self.plan is not None and isinstance(found, scans.Text) and self.api.location(value) is not None:
                return self._put(value)
            return self._lpn(value)  # an LPN, or an SSCC received whole, at any step: the screen takes it up
        except scans.ScanError as error:
            return self._view(Feedback("wrong", error.reason))
        except httpx.TransportError:
            return self._view(Feedback("wrong", "No network: putaway needs the server; try where the Wi-Fi works"))
        except Refused as refused:
            return self._view(Feedback("wrong", refused.reason))

    def _lpn(self, value: str) -> PutawayView:
        plan = self.api.putaway_plan(value)
        if not plan.lines:
            also = ", or the bin to put the goods in" if self.plan else ""
            return self._view(Feedback("wrong", f"Nothing to put away on {value}: scan an LPN label{also}"))
        self.plan, self.reason, self.keyed = plan, "", 0
        return self._view(Feedback("good", f"{plan.lpn}: {self._what(self._line())}"))

    def _put(self, location: str) -> PutawayView:
        line = self._line()
        put = PutawayConfirm(scan_id=f"{self.device}-putaway-{uuid.uuid4().hex[:16]}", lpn=self.plan.lpn, location=location,
                             sku=line.sku, lot=line.lot, quantity=self.keyed or None, reason=self.reason)
        ApiClient.queue_putaway(self.queue, put)
        result = sent_now(self.queue, self.api.http, put.scan_id, PutawayResult)
        self.reason, self.keyed = "", 0
        if result is None:
            self.plan = None  # what is left is known once the server has it: scan the LPN again then
            return self._view(KEPT)
        said = result.message[:1].upper() + result.message[1:]
        if not result.plan.lines:
            self.plan = None
            return self._view(Feedback("done", f"{said}: {result.plan.lpn} is empty, scan the next LPN"))
        self.plan = result.plan
        return self._view(Feedback("good", f"{said}; next: {self._what(self._line())}"))

    # -- taps ---------------------------------------------------------------------------------

    def other_bin(self) -> PutawayView:
        """The goods go elsewhere than suggested: the reason for the next bin scanned."""
        if self.plan is None:
            return self._view(Feedback("wrong", "Scan the LPN first"))
        self.reason = following(OTHER_BIN, self.reason)
        if not self.reason:
            return self._view(Feedback("info", f"Put them in {self._line().puts[0].location or 'a bin with room'}"))
        return self._view(Feedback("info", f"Scan the bin you put them in ({self.reason})"))

    def key_count(self, count: int) -> PutawayView:
        """The number pad: put only `count` of them in the next bin scanned."""
        if self.plan is None:
            return self._view(Feedback("wrong", "Scan the LPN first, then key the count"))
        line = self._line()
        if not 1 <= count <= line.quantity:
            return self._view(Feedback("wrong", f"Key 1 to {line.quantity}: the LPN holds {line.quantity} x {line.sku}"))
        self.keyed = count
        return self._view(Feedback("info", f"{count} x {line.sku}: scan the bin"))

    # -- what the screen shows ----------------------------------------------------------------

    def _line(self) -> PutawayLine:
        return self.plan.lines[0]

    def _what(self, line: PutawayLine) -> str:
        put = line.puts[0]
        goods = f"{put.quantity} x {line.sku}" + (f" lot {line.lot}" if line.lot else "")
        return f"put {goods} in {put.location}" if put.location else f"no bin has room for {goods}: tap Other bin, scan where they go"

    def _view(self, feedback: Feedback | None) -> PutawayView:
        if self.plan is None:
            return PutawayView(step="scan_lpn", feedback=feedback or Feedback("info", "Scan a pallet's LPN label"))
        line = self._line()
        put, *rest = line.puts
        then = [f"{p.quantity} x {line.sku} in {p.location}" for p in rest if p.location]
        then += [f"{other.quantity} x {other.sku}" + (f" lot {other.lot}" if other.lot else "") for other in self.plan.lines[1:]]
        return PutawayView(step="scan_bin", feedback=feedback, lpn=self.plan.lpn,
                           what=f"{self.keyed or put.quantity} x {line.sku}" + (f" lot {line.lot}" if line.lot else ""),
                           bin=put.location or "?", rule=RULES[put.rule], then=then, reason=self.reason, keyed=self.keyed)
