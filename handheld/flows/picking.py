"""Picking a trip: scan a tote, then for each task scan the bin, then the item (one unit a scan;
a case barcode counts its pack; for bulk, key the count on the number pad and scan the item once)
until the task is picked, and the next bin appears. A normal pick takes no tap. The trip and its items' barcodes are fetched once, so that a dead spot in the
Wi-Fi stops nothing: the bin and the item are checked here, every pick goes to the offline
queue, and the server confirms it when it can be reached."""

import uuid
from typing import Literal

import httpx
import msgspec

from handheld.client import ApiClient, Refused
from handheld.flows import Feedback
from handheld.offline import OfflineQueue
from schema import scans
from schema.picking import PickConfirm, ShortPick, Task, Trip, TripRequest

Step = Literal["no_work", "scan_tote", "go_to_bin", "scan_item", "trip_done"]


class PickView(msgspec.Struct, frozen=True, kw_only=True):
    """What the pick screen shows."""

    step: Step
    feedback: Feedback | None = None
    bin: str = ""
    sku: str = ""
    description: str = ""
    wanted: int = 0  # units at this bin
    picked: int = 0
    keyed: int = 0  # a count keyed on the number pad, for the next scan of the item
    progress: str = ""  # "3 of 12"
    tote: str = ""
    waiting: int = 0  # actions not yet confirmed by the server


class PickFlow:
    def __init__(self, api: ApiClient, queue: OfflineQueue, device: str, request: TripRequest | None = None) -> None:
        self.api, self.queue, self.device = api, queue, device
        self.request = request or TripRequest()
        self.trip: Trip | None = None
        self.todo: list[Task] = []
        self.done_count = 0
        self.tote = ""
        self.at_bin = False
        self.picked = 0
        self.keyed = 0
        self.units: dict[str, dict[str, int]] = {}  # SKU -> barcode form -> units a scan

    # -- starting ---------------------------------------------------------------------------

    def start(self) -> PickView:
        """Ask for the picker's trip and fetch its items' barcodes; needs the network."""
        try:
            self.trip = self.api.next_trip(self.request)
        except httpx.TransportError:
            return PickView(step="no_work", feedback=Feedback("wrong", "No network: walk to where the Wi-Fi works and try again"))
        except Refused as refused:
            return PickView(step="no_work", feedback=Feedback("wrong", refused.reason))
        if self.trip is None:
            return PickView(step="no_work", feedback=Feedback("info", "No work waiting for you"))
        self.todo = [t for t in self.trip.tasks if t.status == "assigned" and t.picked < t.quantity]
        self.done_count = len(self.trip.tasks) - len(self.todo)
        self.tote = next((t.tote for t in self.trip.tasks if t.tote), "")
        for sku in {t.sku for t in self.todo}:
            self.units[sku] = self.api.barcodes(sku)
        return self._view(Feedback("info", "Scan a tote" if not self.tote else f"Go to {self.todo[0].location}"))

    # -- scans --------------------------------------------------------------------------------

    def scan(self, raw: str) -> PickView:
        try:
            found = scans.parse(raw)
        except scans.ScanError as error:
            return self._view(Feedback("wrong", error.reason))
        step = self._step()
        if step == "scan_tote":
            if not isinstance(found, scans.Text):
                return self._view(Feedback("wrong", "That is an item, not a tote: scan the tote's barcode"))
            self.tote = found.value.strip()
            return self._view(Feedback("good", f"Tote {self.tote}: go to {self.todo[0].location}"))
        if step == "go_to_bin":
            return self._at_bin(found)
        if step == "scan_item":
            return self._item(raw, found)
        return self._view(Feedback("info", "The trip is done"))

    def _at_bin(self, found: scans.Scan) -> PickView:
        task = self.todo[0]
        value = found.value.strip() if isinstance(found, scans.Text) else ""
        if value not in (task.location_barcode, task.location):
            where = f"you are at {value}" if value else "that is not a bin"
            return self._view(Feedback("wrong", f"Wrong bin: {where}, go to {task.location}"))
        self.at_bin = True
        return self._view(Feedback("good", f"Take {task.quantity - task.picked} x {task.sku}"))

    def _item(self, raw: str, found: scans.Scan) -> PickView:
        task = self.todo[0]
        forms = self.units.get(task.sku, {})
        key = found.gtin if isinstance(found, scans.Item) else found.value.strip() if isinstance(found, scans.Text) else ""
        if key not in forms:
            if isinstance(found, scans.Text) and found.value.strip() in (task.location_barcode, task.location):
                return self._view(Feedback("info", f"You are at {task.location}: scan the item"))
            other = next((sku for sku, units in self.units.items() if key in units), None)
            what = f"that is {other}" if other else "that is not this item"
            return self._view(Feedback("wrong", f"Wrong item: {what}, take {task.sku} ({task.description})"))
        if isinstance(found, scans.Item) and found.lot and task.lot and found.lot != task.lot:
            return self._view(Feedback("wrong", f"Wrong lot: that is lot {found.lot}, take lot {task.lot}"))
        count = self.keyed or 1
        units, left = forms[key] * count, task.quantity - task.picked - self.picked
        if units > left:
            return self._view(Feedback("wrong", f"Too many: {left} left here, that scan is {units}"))
        self.picked += units
        self.keyed = 0
        # every scan is a unit taken (or a keyed count of them), so every scan gets an id of its own:
        # an id made from a count would repeat after a restart and the server would drop the unit
        scan = PickConfirm(scan_id=f"{self.device}-{task.id}-{uuid.uuid4().hex[:16]}", location=task.location_barcode,
                           item=raw, count=count, tote=self.tote)
        ApiClient.queue_confirm(self.queue, task.id, scan)
        if self.picked < task.quantity - task.picked:
            return self._view(Feedback("good", f"{task.quantity - task.picked - self.picked} more"))
        return self._next(Feedback("good", "Picked"))

    # -- taps ---------------------------------------------------------------------------------

    def key_count(self, count: int) -> PickView:
        """The number pad, for bulk: the next scan of the item counts `count` of it, sent as one pick."""
        if self._step() != "scan_item":
            return self._view(Feedback("wrong", "Scan the bin first, then key the count"))
        task = self.todo[0]
        left = task.quantity - task.picked - self.picked
        if not 1 <= count <= left:
            return self._view(Feedback("wrong", f"Key 1 to {left}: {left} left here"))
        self.keyed = count
        return self._view(Feedback("info", f"{count} x {task.sku}: scan the item once"))

    def short(self, reason: Literal["empty", "not_enough", "damaged"] = "not_enough") -> PickView:
        """The bin holds fewer than asked: what was scanned stays picked, the rest is reported."""
        if not self.todo:
            return self._view(Feedback("info", "The trip is done"))
        task = self.todo[0]
        ApiClient.queue_short(self.queue, task.id, ShortPick(scan_id=f"{self.device}-{task.id}-short",
                                                              location=task.location_barcode, reason=reason))
        return self._next(Feedback("info", f"Short at {task.location} reported"))

    def skip(self) -> PickView:
        """Come back to this bin at the end of the trip."""
        if not self.todo:
            return self._view(Feedback("info", "The trip is done"))
        if len(self.todo) > 1 and not self.picked:
            self.todo.append(self.todo.pop(0))
            self.at_bin, self.keyed = False, 0
        return self._view(Feedback("info", f"Go to {self.todo[0].location}"))

    # -- where we are -------------------------------------------------------------------------

    def _next(self, feedback: Feedback) -> PickView:
        self.todo.pop(0)
        self.done_count += 1
        self.at_bin, self.picked, self.keyed = False, 0, 0
        if not self.todo:
            to = self.trip.tasks[-1].to_location or "packing"
            return self._view(Feedback("done", f"Trip done: take tote {self.tote} to {to}"))
        return self._view(Feedback(feedback.kind, f"{feedback.message}: go to {self.todo[0].location}"))

    def _step(self) -> Step:
        if self.trip is None:
            return "no_work"
        if not self.todo:
            return "trip_done"
        if not self.tote:
            return "scan_tote"
        return "scan_item" if self.at_bin else "go_to_bin"

    def _view(self, feedback: Feedback | None) -> PickView:
        step = self._step()
        waiting = len(self.queue.waiting())
        if step in ("no_work", "trip_done"):
            return PickView(step=step, feedback=feedback, tote=self.tote, waiting=waiting)
        task = self.todo[0]
        total = len(self.trip.tasks)
        return PickView(step=step, feedback=feedback, bin=task.location, sku=task.sku, description=task.description,
                        wanted=task.quantity - task.picked, picked=self.picked, keyed=self.keyed, progress=f"{self.done_count + 1} of {total}",
                        tote=self.tote, waiting=waiting)
