"""Look up: scan anything and see what it is. A bin shows what it holds; an item shows where it
is; a carton label says what it is. Reads only: it needs the network. The bin or item shown can
have its label printed on the handheld's printer."""

import httpx
import msgspec

from handheld.client import ApiClient, Refused
from handheld.flows import Feedback, print_label
from handheld.printing import LabelPrinter
from schema import scans
from schema.locations import Location


class LookupView(msgspec.Struct, frozen=True, kw_only=True):
    title: str = ""
    lines: list[str] = []
    feedback: Feedback | None = None


class LookupFlow:
    def __init__(self, api: ApiClient, printer: LabelPrinter | None = None) -> None:
        self.api, self.printer = api, printer or LabelPrinter(None)
        self.shown = LookupView()
        self.found: Location | str | None = None  # the bin, or the SKU's code, whose label can be printed

    def scan(self, raw: str) -> LookupView:
        self.found = None
        self.shown = self._scan(raw)
        return self.shown

    def print_label(self) -> LookupView:
        """The label of the bin or item on the screen; the printer's answer in words."""
        if self.found is None:
            return msgspec.structs.replace(self.shown, feedback=Feedback("wrong", "Scan a bin or an item to print its label"))
        return msgspec.structs.replace(self.shown, feedback=print_label(self.printer, self.api, self.found))

    def _scan(self, raw: str) -> LookupView:
        try:
            found = scans.parse(raw)
        except scans.ScanError as error:
            return LookupView(feedback=Feedback("wrong", error.reason))
        try:
            if isinstance(found, scans.Sscc):
                return LookupView(title=f"Carton {found.sscc}", feedback=Feedback("info", "A carton label (SSCC)"))
            if isinstance(found, scans.Text):
                location = self.api.location(found.value.strip())
                if location is not None:
                    return self._bin(location)
            return self._item(found.gtin if isinstance(found, scans.Item) else found.value.strip())
        except httpx.TransportError:
            return LookupView(feedback=Feedback("wrong", "No network: look up where the Wi-Fi works"))
        except Refused as refused:
            return LookupView(feedback=Feedback("wrong", refused.reason))

    def _bin(self, location: Location) -> LookupView:
        rows = self.api.on_hand(location=location.code)
        lines = [f"{r.sku}  {r.lot or '-'}  {r.expiry or ''}  {r.quantity}".replace("    ", "  ") for r in rows]
        self.found = location
        return LookupView(title=f"Bin {location.code}", lines=lines or ["empty"], feedback=Feedback("good", f"{sum(r.quantity for r in rows)} units on hand"))

    def _item(self, barcode: str) -> LookupView:
        match = self.api.barcode(barcode)
        if match is None:
            return LookupView(feedback=Feedback("wrong", "Not a bin or an item this warehouse knows"))
        rows = self.api.on_hand(sku=match.sku)
        self.found = match.sku
        lines = [f"{r.location}  {r.lot or '-'}  {r.quantity}" for r in rows]
        pack = f" ({match.pack} of {match.quantity})" if match.quantity > 1 else ""
        return LookupView(title=f"{match.sku}{pack}", lines=lines or ["none on hand"],
                          feedback=Feedback("good", f"{sum(r.quantity for r in rows)} on hand"))
