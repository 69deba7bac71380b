"""Receiving at the dock: scan the dock, then the receipt (its PO or ASN number, or R-<id>; Blind
for goods nobody announced), then what came: an item (one a scan, a case its pack; key a count
and scan once for many), a carton's GS1-128 label (its count, lot and expiry read from it), an
announced SSCC (its whole content at once), or a lot or expiry on a barcode of its own (held for
the item scanned next). Every scan is an action: written to the offline queue with its scan id,
then sent at once, since the receiver needs the server's answer (received, or refused and why)
before the next. Damaged marks the next scan for quarantine with a reason; LPN full closes the
pallet and prints its label on the handheld's printer; Close receipt (tapped twice: it is final)
shows expected against received per line. The receipt is kept on the device, so the app started
again goes on with it."""

import uuid
from pathlib import Path
from typing import Literal

import httpx
import msgspec

from handheld.client import ApiClient, Refused
from handheld.flows import KEPT, Feedback, following, keyed_for_next_scan, sent_now
from handheld.offline import OfflineQueue
from handheld.printing import LabelPrinter, NotPrinted
from schema import scans
from schema.receiving import (
    LpnClose,
    ReceiptReport,
    ReceiveResult,
    ReceiveScan,
    ReceivingSession,
    ReceivingStart,
)

Step = Literal["scan_dock", "scan_receipt", "scan_items"]

# What Damaged steps through for the next scan ("": good); the server wants a reason for quarantine.
DAMAGE = ("", "crushed", "wet", "torn open", "broken")


class ReceiveView(msgspec.Struct, frozen=True, kw_only=True):
    """What the receive screen shows."""

    step: Step
    feedback: Feedback | None = None
    dock: str = ""
    receipt: str = ""  # "PO-1  Fruit Co"
    lpn: str = ""  # the pallet being filled
    lines: list[str] = []  # "APPLE  26 of 24", or the closing report's "MILK  4 of 10  short"
    pending: str = ""  # a lot or expiry waiting for its item
    damaged: str = ""  # the next scan goes to quarantine for this reason
    keyed: int = 0  # the next scan counts this many


class ReceiveFlow:
    def __init__(self, api: ApiClient, queue: OfflineQueue, device: str, printer: LabelPrinter | None = None,
                 kept: Path | None = None) -> None:
        self.api, self.queue, self.device = api, queue, device
        self.printer, self.kept = printer or LabelPrinter(None), kept
        self.dock = ""
        self.session: ReceivingSession | None = None
        self.report: ReceiptReport | None = None  # the receipt just closed, shown until the next
        self.damage, self.keyed, self.closing = "", 0, False
        self._start = uuid.uuid4().hex[:8]  # kept until a start is answered: a blind start resent makes one receipt

    def _key(self, what: str) -> str:
        return f"{self.device}-{what}-{uuid.uuid4().hex[:16]}"

    # -- starting ---------------------------------------------------------------------------

    def start(self) -> ReceiveView:
        """The receipt this device was receiving, if the server still has it open for the user
        logged in now (asked again at each login: the last receiver's is not theirs)."""
        if self.kept is None or not self.kept.exists():
            return self._view(None)
        try:
            self.session = self.api.receiving_session(int(self.kept.read_text()))
        except httpx.TransportError:
            return self._view(Feedback("wrong", "No network: walk to where the Wi-Fi works and try again"))
        except Refused as refused:
            return self._view(Feedback("wrong", refused.reason))
        if self.session is None:
            self.kept.unlink()
            return self._view(None)
        self.dock = self.session.dock
        return self._view(Feedback("info", f"Receipt {self._name()}: go on scanning"))

    # -- scans --------------------------------------------------------------------------------

    def scan(self, raw: str) -> ReceiveView:
        self.closing = False
        try:
            if self.session is not None:
                return self._receive(raw)  # the server reads it: a lot or expiry alone is no item, yet it counts
            found = scans.parse(raw)
            if not isinstance(found, scans.Text):
                return self._view(Feedback("wrong", "That is an item: scan the dock, then the receipt, before the goods"))
            if not self.dock:
                return self._at_dock(found.value.strip())
            return self._begin(ReceivingStart(dock=self.dock, receipt=found.value.strip()))
        except scans.ScanError as error:
            return self._view(Feedback("wrong", error.reason))
        except httpx.TransportError:
            return self._view(Feedback("wrong", "No network: receiving needs the server; try where the Wi-Fi works"))
        except Refused as refused:
            return self._view(Feedback("wrong", refused.reason))

    def _at_dock(self, value: str) -> ReceiveView:
        location = self.api.location(value)
        if location is None or location.type != "receiving":
            return self._view(Feedback("wrong", f"{value} is not a dock: scan the dock's barcode"))
        self.dock = location.code
        return self._view(Feedback("good", f"Dock {self.dock}: scan the receipt, or tap Blind"))

    def _begin(self, start: ReceivingStart) -> ReceiveView:
        key = f"{self.device}-start-{self._start}-{start.dock}-{start.receipt or 'blind'}"
        self.session = self.api.start_receiving(start, key=key)
        self._start, self.report = uuid.uuid4().hex[:8], None
        if self.kept is not None:
            self.kept.write_text(str(self.session.receipt.id))
        return self._view(Feedback("good", f"Receipt {self._name()}: scan the goods"))

    def _receive(self, raw: str) -> ReceiveView:
        scan = ReceiveScan(scan_id=self._key("receive"), scan=raw, count=self.keyed or 1, condition="damaged" if self.damage else "good",
                           reason=self.damage)
        ApiClient.queue_receive(self.queue, self.session.receipt.id, scan)
        result = sent_now(self.queue, self.api.http, scan.scan_id, ReceiveResult)
        self.keyed, self.damage = 0, ""  # they were for that scan; a refused one keeps them (shown) for the next try
        if result is None:
            return self._view(KEPT)
        self.session = result.session
        message = result.message[:1].upper() + result.message[1:]
        return self._view(Feedback("good", message))

    # -- taps ---------------------------------------------------------------------------------

    def blind(self) -> ReceiveView:
        """Goods nobody announced: a receipt of its own, expecting nothing."""
        if self.session is not None:
            return self._view(Feedback("wrong", f"Receiving {self._name()}: close it first"))
        if not self.dock:
            return self._view(Feedback("wrong", "Scan the dock first"))
        try:
            return self._begin(ReceivingStart(dock=self.dock))
        except httpx.TransportError:
            return self._view(Feedback("wrong", "No network: receiving needs the server; try where the Wi-Fi works"))
        except Refused as refused:
            return self._view(Feedback("wrong", refused.reason))

    def key_count(self, count: int) -> ReceiveView:
        """The number pad: the next scan counts `count` of what it is (of cases: cases)."""
        if self.session is None:
            return self._view(Feedback("wrong", "Scan the receipt first, then key the count"))
        self.keyed, said = keyed_for_next_scan(count)
        return self._view(said)

    def damaged(self) -> ReceiveView:
        """The next scan is damaged, for the reason shown; tap again for another reason, or none."""
        if self.session is None:
            return self._view(Feedback("wrong", "Scan the receipt first"))
        self.damage = following(DAMAGE, self.damage)
        if not self.damage:
            return self._view(Feedback("info", "Next scan is good stock"))
        return self._view(Feedback("info", f"Next scan is damaged ({self.damage}): it goes to quarantine"))

    def lpn_full(self) -> ReceiveView:
        """The pallet is full: its label prints, the next scan starts a new LPN."""
        self.closing = False
        if self.session is None:
            return self._view(Feedback("wrong", "Scan the receipt first"))
        return self._view(self._close_lpn())

    def close_receipt(self) -> ReceiveView:
        """The truck is unloaded: expected against received per line. Tapped twice: it is final."""
        if self.session is None:
            return self._view(Feedback("wrong", "No receipt open: scan one"))
        if not self.closing:
            self.closing = True
            return self._view(Feedback("info", f"Tap Close receipt again to close {self._name()}: nothing more can be received on it"))
        self.closing = False
        said = ""
        if self.session.lpn:
            closed = self._close_lpn()
            if self.session.lpn:
                return self._view(closed)
            said = closed.message + ". "
        name = self._name()
        try:
            self.report = self.api.close_receipt(self.session.receipt.id, key=f"{self.device}-close-R{self.session.receipt.id}")
        except httpx.TransportError:
            return self._view(Feedback("wrong", f"{said}No network: close the receipt again when the server answers"))
        except Refused as refused:
            return self._view(Feedback("wrong", said + refused.reason))
        self.session = None
        if self.kept is not None:
            self.kept.unlink(missing_ok=True)
        differ = sum(line.outcome != "exact" for line in self.report.lines)
        outcome = "all as expected" if self.report.complete else f"{differ} line differs" if differ == 1 else f"{differ} lines differ"
        return self._view(Feedback("done", f"{said}Receipt {name} closed, {outcome}: scan the next receipt"))

    def _close_lpn(self) -> Feedback:
        lpn = self.session.lpn
        if not lpn:
            return Feedback("wrong", "Nothing on a pallet yet: scan the goods first")
        try:
            done = self.api.close_lpn(self.session.receipt.id, LpnClose(), key=f"{self.device}-lpn-{lpn}")
        except httpx.TransportError:
            return Feedback("wrong", "No network: tap LPN full again when the server answers")
        except Refused as refused:
            return Feedback("wrong", refused.reason)
        self.session = msgspec.structs.replace(self.session, lpn=None)
        units = sum(c.quantity for c in done.content)
        try:
            self.printer.print_lpn(done)
        except NotPrinted as why:
            return Feedback("wrong", f"{lpn} closed, {units} units; no label: {why.reason}")
        return Feedback("done", f"{lpn} closed, {units} units: label printed")

    # -- what the screen shows ----------------------------------------------------------------

    def _name(self) -> str:
        receipt = self.session.receipt
        return receipt.reference or f"R-{receipt.id}"

    def _view(self, feedback: Feedback | None) -> ReceiveView:
        if self.session is None:
            step: Step = "scan_receipt" if self.dock else "scan_dock"
            said = "Scan the receipt, or tap Blind" if self.dock else "Scan the dock"
            lines = [f"{l.sku}{f' lot {l.lot}' if l.lot else ''}  {l.received} of {l.expected}  {l.outcome}"
                     for l in self.report.lines] if self.report else []
            return ReceiveView(step=step, feedback=feedback or Feedback("info", said), dock=self.dock, lines=lines,
                               receipt=f"{self.report.reference or f'R-{self.report.receipt_id}'} closed" if self.report else "")
        receipt = self.session.receipt
        lines = [f"{l.sku}{f' lot {l.lot}' if l.lot else ''}  {l.received} of {l.expected}"
                 + (f"  ({l.damaged} damaged)" if l.damaged else "") for l in receipt.lines]
        lines += [f"{u.sku}  {u.received}  not expected" for u in receipt.unexpected]
        pending = self.session.pending
        held = ", ".join(p for p in (pending.lot and f"lot {pending.lot}", pending.expiry and f"expiry {pending.expiry}") if p)
        return ReceiveView(step="scan_items", feedback=feedback, dock=self.dock,
                           receipt=f"{self._name()}  {receipt.supplier}".strip(), lpn=self.session.lpn or "",
                           lines=lines, pending=held, damaged=self.damage, keyed=self.keyed)
