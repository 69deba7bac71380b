"""Cycle counting, blind: the screen says where to count (and which SKU, when only one is), never
how many the system holds. Scan the location, then every item there (one a scan, a case its
pack; key a count and scan once for many; a lot barcode of its own counts the items after it as
that lot), and tap Done: the tally kept on the device goes to the server as one count, an action
queued with its scan id and sent at once. The answer says what follows (done, a recount by
another counter, a supervisor's review), and the next count appears. Undo takes the last scan
back; Done with nothing scanned, tapped twice, counts the location empty."""

import uuid
from typing import Literal

import httpx
import msgspec

from handheld.client import ApiClient, Refused
from handheld.flows import KEPT, Feedback, keyed_for_next_scan, sent_now
from handheld.offline import OfflineQueue
from schema import scans
from schema.counts import CountedLine, CountResult, CountSubmit, CountTask, NextCount

Step = Literal["no_count", "go_to_location", "counting"]


class Tally(msgspec.Struct, frozen=True, kw_only=True):
    """One scan: the barcode as scanned (the server reads it again), and what it counted."""

    item: str
    count: int  # scans of it (keyed, or one)
    lot: str | None
    sku: str
    units: int


class CountView(msgspec.Struct, frozen=True, kw_only=True):
    """What the count screen shows: what the counter counted, nothing the system holds."""

    step: Step
    feedback: Feedback | None = None
    location: str = ""
    what: str = ""  # "every item" or "APPLE only", and "recount"
    counted: list[str] = []  # "APPLE  14", "MILK lot L1  6"
    lot: str = ""  # the lot the next items count as
    keyed: int = 0


class CountFlow:
    def __init__(self, api: ApiClient, queue: OfflineQueue, device: str, request: NextCount | None = None) -> None:
        self.api, self.queue, self.device = api, queue, device
        self.request = request or NextCount()
        self.task: CountTask | None = None
        self._reset()

    def _reset(self) -> None:
        self.at_location, self.tallies, self.lot, self.keyed, self.empty = False, [], None, 0, False

    def start(self) -> CountView:
        """The counter's count: the one they hold, or the next (the bin is theirs until counted)."""
        try:
            assignment = self.api.next_count(self.request)
        except httpx.TransportError:
            return self._view(Feedback("wrong", "No network: walk to where the Wi-Fi works and try again"))
        except Refused as refused:
            return self._view(Feedback("wrong", refused.reason))
        if assignment.task is None or assignment.task.id != getattr(self.task, "id", None):
            self._reset()
        self.task = assignment.task
        if self.task is None:
            return self._view(Feedback("info", "Nothing to count: tap Done to look again"))
        return self._view(Feedback("info", f"{assignment.message[:1].upper()}{assignment.message[1:]}: scan the location"))

    # -- scans --------------------------------------------------------------------------------

    def scan(self, raw: str) -> CountView:
        if self.task is None:
            return self.start()
        try:
            found = scans.parse(raw)
        except scans.ScanError as error:
            held = scans.attributes(raw) if self.at_location else None
            if held is None or held.lot is None:
                return self._view(Feedback("wrong", error.reason))
            self.lot = held.lot
            return self._view(Feedback("info", f"Lot {self.lot}: scan its items"))
        value = found.value.strip() if isinstance(found, scans.Text) else ""
        if value and value in (self.task.location_barcode, self.task.location):
            self.at_location = True
            return self._view(Feedback("good", f"At {self.task.location}: scan every item, then tap Done"))
        if not self.at_location:
            where = f"you are at {value}" if value else "that is not a location"
            return self._view(Feedback("wrong", f"Wrong location: {where}; count at {self.task.location}"))
        if isinstance(found, scans.Sscc):
            return self._view(Feedback("wrong", "That is a carton label: scan the items' own barcodes"))
        try:
            return self._item(raw, found)
        except httpx.TransportError:
            return self._view(Feedback("wrong", "No network: counting looks each item up; try where the Wi-Fi works"))
        except Refused as refused:
            return self._view(Feedback("wrong", refused.reason))

    def _item(self, raw: str, found: scans.Item | scans.Text) -> CountView:
        match = self.api.barcode(found.gtin if isinstance(found, scans.Item) else found.value.strip())
        if match is None:
            return self._view(Feedback("wrong", "Not an item we know: set it aside and tell your supervisor"))
        if self.task.sku and match.sku != self.task.sku:
            return self._view(Feedback("wrong", f"This count is of {self.task.sku} only: that is {match.sku}, leave it out"))
        lot = (found.lot if isinstance(found, scans.Item) else None) or self.lot
        count = self.keyed or 1
        self.tallies.append(Tally(item=raw, count=count, lot=lot, sku=match.sku, units=count * match.quantity))
        self.keyed, self.empty = 0, False
        return self._view(Feedback("good", f"{self._total(match.sku, lot)} x {match.sku}" + (f" lot {lot}" if lot else "")))

    # -- taps ---------------------------------------------------------------------------------

    def key_count(self, count: int) -> CountView:
        """The number pad: the next scan counts `count` of what it is."""
        if not self.at_location:
            return self._view(Feedback("wrong", "Scan the location first, then key the count"))
        self.keyed, said = keyed_for_next_scan(count)
        return self._view(said)

    def undo(self) -> CountView:
        """The last scan was a mistake (scanned twice, the wrong item): take it back."""
        if not self.tallies:
            return self._view(Feedback("wrong", "Nothing scanned to take back"))
        last = self.tallies.pop()
        return self._view(Feedback("info", f"Taken back: {last.units} x {last.sku}; {self._total(last.sku, last.lot)} counted"))

    def done(self) -> CountView:
        """Send the count, and take the next."""
        if self.task is None:
            return self.start()
        if not self.at_location:
            return self._view(Feedback("wrong", f"Scan {self.task.location} first, then count"))
        if not self.tallies and not self.empty:
            self.empty = True
            return self._view(Feedback("info", f"Nothing scanned: tap Done again if {self.task.location} is empty"))
        lines: dict[tuple[str, str | None], int] = {}
        for t in self.tallies:
            lines[(t.item, t.lot)] = lines.get((t.item, t.lot), 0) + t.count
        submit = CountSubmit(scan_id=f"{self.device}-count-{self.task.id}-{uuid.uuid4().hex[:16]}", location=self.task.location_barcode,
                             lines=[CountedLine(item=item, count=count, lot=lot) for (item, lot), count in lines.items()])
        ApiClient.queue_count(self.queue, self.task.id, submit)
        try:
            result = sent_now(self.queue, self.api.http, submit.scan_id, CountResult)
        except Refused as refused:
            return self._view(Feedback("wrong", refused.reason))  # the tally stays: Undo what the reason names, Done again
        location, self.task = self.task.location, None
        self._reset()
        if result is None:
            return self._view(KEPT)
        upcoming = self.start()
        said = f"{location} {result.message}"
        if self.task is None:
            return msgspec.structs.replace(upcoming, feedback=Feedback("done", f"{said}. Nothing more to count"))
        return msgspec.structs.replace(upcoming, feedback=Feedback("done", f"{said}. Next: {upcoming.feedback.message}"))

    # -- what the screen shows ----------------------------------------------------------------

    def _total(self, sku: str, lot: str | None) -> int:
        return sum(t.units for t in self.tallies if (t.sku, t.lot) == (sku, lot))

    def _view(self, feedback: Feedback | None) -> CountView:
        if self.task is None:
            return CountView(step="no_count", feedback=feedback)
        counted: dict[tuple[str, str | None], int] = {}
        for t in self.tallies:
            counted[(t.sku, t.lot)] = counted.get((t.sku, t.lot), 0) + t.units
        what = f"{self.task.sku} only" if self.task.sku else "every item"
        return CountView(step="counting" if self.at_location else "go_to_location", feedback=feedback, location=self.task.location,
                         what=what + (", recount" if self.task.round > 1 else ""), lot=self.lot or "", keyed=self.keyed,
                         counted=[f"{sku}{f' lot {lot}' if lot else ''}  {units}" for (sku, lot), units in counted.items()])
