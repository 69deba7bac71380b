"""Move: scan the bin to take from, the item (each scan a unit, a case its pack; or key the
count), then the bin to put it in. The move is queued like every action and sent when it can be,
once (its scan id is its Idempotency-Key). The last bin or item scanned can have its label
printed on the handheld's printer (a bin that lost its label, an item with none)."""

import uuid

import httpx
import msgspec

from handheld.client import ApiClient, Refused
from handheld.flows import Feedback, print_label
from handheld.offline import OfflineQueue
from handheld.printing import LabelPrinter
from schema import scans
from schema.locations import Location
from schema.stock import Move


class MoveView(msgspec.Struct, frozen=True, kw_only=True):
    step: str  # "from_bin", "item", "to_bin"
    source: str = ""
    sku: str = ""
    count: int = 0
    feedback: Feedback | None = None


class MoveFlow:
    def __init__(self, api: ApiClient, queue: OfflineQueue, device: str, printer: LabelPrinter | None = None) -> None:
        self.api, self.queue, self.device, self.printer = api, queue, device, printer or LabelPrinter(None)
        self.found: Location | str | None = None  # the last bin, or SKU's code, scanned: its label can be printed
        self._reset()

    def _reset(self) -> None:
        self.source, self.sku, self.lot, self.expiry, self.count, self.held = "", "", "", None, 0, 0

    def _view(self, feedback: Feedback) -> MoveView:
        step = "from_bin" if not self.source else "item" if not self.count else "to_bin"
        return MoveView(step=step, source=self.source, sku=self.sku, count=self.count, feedback=feedback)

    def scan(self, raw: str) -> MoveView:
        try:
            found = scans.parse(raw)
            if not self.source:
                return self._from_bin(found)
            location = self.api.location(found.value.strip()) if isinstance(found, scans.Text) else None
            if location is not None and self.count:
                return self._to_bin(location)
            return self._item(found)
        except scans.ScanError as error:
            return self._view(Feedback("wrong", error.reason))
        except httpx.TransportError:
            return self._view(Feedback("wrong", "No network: a move needs the bins looked up; try where the Wi-Fi works"))
        except Refused as refused:
            return self._view(Feedback("wrong", refused.reason))

    def key_count(self, count: int) -> MoveView:
        """The number pad, for many units at once."""
        if not self.sku:
            return self._view(Feedback("wrong", "Scan the item first"))
        if count < 1:
            return self._view(Feedback("wrong", "Key how many you move"))
        if count > self.held:
            return self._view(Feedback("wrong", f"Only {self.held} of {self.sku} in {self.source}"))
        self.count = count
        return self._view(Feedback("good", f"{count} x {self.sku}: scan the bin to put them in"))

    def print_label(self) -> MoveView:
        """The label of the last bin or item scanned; the printer's answer in words."""
        if self.found is None:
            return self._view(Feedback("wrong", "Scan a bin or an item to print its label"))
        return self._view(print_label(self.printer, self.api, self.found))

    def _from_bin(self, found: scans.Scan) -> MoveView:
        location = self.api.location(found.value.strip()) if isinstance(found, scans.Text) else None
        if location is None:
            return self._view(Feedback("wrong", "Scan the bin to take from"))
        self.source, self.found = location.code, location
        return self._view(Feedback("good", f"From {self.source}: scan the item"))

    def _item(self, found: scans.Scan) -> MoveView:
        barcode = found.gtin if isinstance(found, scans.Item) else found.value.strip() if isinstance(found, scans.Text) else ""
        match = self.api.barcode(barcode) if barcode else None
        if match is None:
            return self._view(Feedback("wrong", "Not an item this warehouse knows: scan the item or the bin to put it in"))
        if self.sku and match.sku != self.sku:
            return self._view(Feedback("wrong", f"Wrong item: that is {match.sku}, you are moving {self.sku}"))
        stock = [r for r in self.api.on_hand(sku=match.sku, location=self.source)
                 if not isinstance(found, scans.Item) or not found.lot or r.lot == found.lot]
        if not stock:
            return self._view(Feedback("wrong", f"{self.source} holds no {match.sku}"))
        self.sku, self.lot, self.expiry, self.held = match.sku, stock[0].lot, stock[0].expiry, stock[0].quantity
        self.found = match.sku
        if self.count + match.quantity > self.held:
            return self._view(Feedback("wrong", f"Only {self.held} of {self.sku} in {self.source}"))
        self.count += match.quantity
        return self._view(Feedback("good", f"{self.count} x {self.sku}: scan more, or the bin to put them in"))

    def _to_bin(self, location: Location) -> MoveView:
        target, self.found = location.code, location
        if target == self.source:
            return self._view(Feedback("wrong", f"That is {self.source} again: scan the bin to put them in"))
        move = Move(from_location=self.source, to_location=target, sku=self.sku, quantity=self.count, lot=self.lot,
                    expiry=self.expiry)
        # a move has no task to name it: a fresh id, made and kept before anything is sent
        self.queue.add(f"{self.device}-move-{uuid.uuid4().hex[:16]}", "POST", "/api/v1/stock/moves", msgspec.json.encode(move))
        said = f"Moved {self.count} x {self.sku} from {self.source} to {target}"
        self._reset()
        return self._view(Feedback("done", said))
