"""The returns desk: scan the desk (a receiving location: items back to stock wait there on the
return's LPN, RET-<id>, for putaway), then the return: its RMA label as the channel announced it,
or RET-<id>; Blind opens one nobody announced. The screen shows expected and received per line.
Then each item as it is inspected: Condition steps through new, opened, damaged, defective for
the next scan, and where it goes follows (new and opened back to stock, damaged to quarantine,
defective to scrap); Disposition changes that, Note says why for the channel's customer service,
a count keyed on the number pad takes many alike in one scan, and a lot or expiry on a barcode
of its own goes with the next item. Every item is an action: queued with its scan id and sent at
once, since the desk needs the server's answer (where it went, or refused and why) before the
next. Close return (tapped twice: it is final) shows what came back where; the channel hears."""

import datetime
import uuid
from typing import Literal

import httpx
import msgspec

from handheld.client import ApiClient, Refused
from handheld.flows import KEPT, Feedback, following, keyed_for_next_scan, sent_now
from handheld.offline import OfflineQueue
from schema import scans
from schema.returns import Condition, Disposition, Return, ReturnInspected, ReturnItemIn

Step = Literal["scan_desk", "scan_return", "scan_items"]

CONDITIONS: tuple[Condition, ...] = ("new", "opened", "damaged", "defective")
# Where an item of each condition goes unless Disposition says otherwise: only what can be sold again goes back to stock.
FOLLOWS: dict[Condition, Disposition] = {"new": "stock", "opened": "stock", "damaged": "quarantine", "defective": "scrap"}
DISPOSITIONS: tuple[Disposition, ...] = ("stock", "quarantine", "scrap")
TO = {"stock": "back to stock", "quarantine": "to quarantine", "scrap": "to scrap"}
# What Note steps through for the next scan ("": none); customer service reads it before refunding.
NOTES = ("", "box opened", "scratched", "parts missing", "does not work", "wrong item sent")


class NextItem(msgspec.Struct, frozen=True, kw_only=True):
    """What the next scan carries; after it, back to one new item going back to stock."""

    condition: Condition = "new"
    disposition: Disposition = "stock"
    note: str = ""
    keyed: int = 0
    lot: str | None = None  # from a barcode of its own
    expiry: datetime.date | None = None


class ReturnView(msgspec.Struct, frozen=True, kw_only=True):
    """What the returns screen shows."""

    step: Step
    feedback: Feedback | None = None
    desk: str = ""
    returned: str = ""  # "RMA-1  order W-1  webshop", or "RMA-1 closed"
    lpn: str = ""  # where items back to stock wait for putaway
    lines: list[str] = []  # "APPLE  1 of 2", "PEAR  1  not announced"; closed: "APPLE  1 new: on RET-5 at DOCK"
    condition: str = ""  # the next item's
    disposition: str = ""  # where it goes: "back to stock"
    note: str = ""
    pending: str = ""  # a lot or expiry waiting for its item
    keyed: int = 0  # the next scan counts this many


class ReturnsFlow:
    def __init__(self, api: ApiClient, queue: OfflineQueue, device: str) -> None:
        self.api, self.queue, self.device = api, queue, device
        self.desk = ""
        self.ret: Return | None = None
        self.closed: Return | None = None  # the return just closed, shown until the next
        self.closing = False
        self.next = NextItem()
        self._open = uuid.uuid4().hex[:8]  # kept until a blind open is answered: resent, it makes one return

    def start(self) -> ReturnView:
        """The desk as it was left (Back to the dock and Returns again go on with the return)."""
        return self._view(None)

    # -- scans --------------------------------------------------------------------------------

    def scan(self, raw: str) -> ReturnView:
        self.closing = False
        try:
            if self.ret is not None:
                return self._inspect(raw)
            found = scans.parse(raw)
            if not isinstance(found, scans.Text):
                return self._view(Feedback("wrong", "That is an item: scan the desk, then the return, before the items"))
            if not self.desk:
                return self._at_desk(found.value.strip())
            return self._find(found.value.strip())
        except scans.ScanError as error:
            return self._view(Feedback("wrong", error.reason))
        except httpx.TransportError:
            return self._view(Feedback("wrong", "No network: the returns desk needs the server; try where the Wi-Fi works"))
        except Refused as refused:
            return self._view(Feedback("wrong", refused.reason))

    def _at_desk(self, value: str) -> ReturnView:
        location = self.api.location(value)
        if location is None or location.type != "receiving":
            return self._view(Feedback("wrong", f"{value} is not a returns desk: scan the desk's barcode"))
        self.desk = location.code
        return self._view(Feedback("good", f"Desk {self.desk}: scan the return's RMA label, or tap Blind"))

    def _find(self, label: str) -> ReturnView:
        found = self.api.find_returns(label)
        if not found:
            return self._view(Feedback("wrong", f"no return {label!r}: scan the RMA label or RET-<id>, or tap Blind"))
        if len(found) > 1:
            return self._view(Feedback("wrong", f"{label} names returns of several channels "
                                                f"({', '.join(r.lpn for r in found)}): scan RET-<id>"))
        if found[0].status == "closed":
            return self._view(Feedback("wrong", f"Return {label} is closed: nothing more can come back on it"))
        return self._begin(found[0])

    def _begin(self, ret: Return) -> ReturnView:
        self.ret, self.closed, self.next = ret, None, NextItem()
        return self._view(Feedback("good", f"Return {self._name(ret)}: scan each item as you inspect it"))

    def _inspect(self, raw: str) -> ReturnView:
        held = scans.attributes(raw)
        if held is not None and (held.lot or held.expiry):
            self.next = msgspec.structs.replace(self.next, lot=held.lot or self.next.lot, expiry=held.expiry or self.next.expiry)
            noted = f"Lot {held.lot}" if held.lot else f"Expiry {held.expiry}"
            return self._view(Feedback("info", f"{noted} noted: now scan the item"))
        carried = self.next
        item = ReturnItemIn(scan_id=f"{self.device}-return-{uuid.uuid4().hex[:16]}", item=raw, location=self.desk,
                            condition=carried.condition, disposition=carried.disposition, count=carried.keyed or 1,
                            lot=carried.lot, expiry=carried.expiry, note=carried.note)
        ApiClient.queue_return_item(self.queue, self.ret.id, item)
        result = sent_now(self.queue, self.api.http, item.scan_id, ReturnInspected)
        self.next = NextItem()  # all was for that item; a refused one keeps it (shown) for the next try
        if result is None:
            return self._view(KEPT)
        self.ret = result.return_
        return self._view(Feedback("good", result.message[:1].upper() + result.message[1:]))

    # -- taps ---------------------------------------------------------------------------------

    def blind(self) -> ReturnView:
        """Goods back that nobody announced: a return of their own, expecting nothing."""
        if self.ret is not None:
            return self._view(Feedback("wrong", f"Return {self._name(self.ret)} is open: close it first"))
        if not self.desk:
            return self._view(Feedback("wrong", "Scan the desk first"))
        try:
            ret = self.api.open_return(key=f"{self.device}-return-{self._open}")
        except httpx.TransportError:
            return self._view(Feedback("wrong", "No network: the returns desk needs the server; try where the Wi-Fi works"))
        except Refused as refused:
            return self._view(Feedback("wrong", refused.reason))
        self._open = uuid.uuid4().hex[:8]
        return self._begin(ret)

    def condition(self) -> ReturnView:
        """The next item's condition, round the four; where it goes follows."""
        if self.ret is None:
            return self._view(Feedback("wrong", "Scan the return first"))
        condition = following(CONDITIONS, self.next.condition)
        self.next = msgspec.structs.replace(self.next, condition=condition, disposition=FOLLOWS[condition])
        return self._view(Feedback("info", f"Next item is {condition}: it goes {TO[FOLLOWS[condition]]}"))

    def disposition(self) -> ReturnView:
        """Where the next item goes, other than its condition says."""
        if self.ret is None:
            return self._view(Feedback("wrong", "Scan the return first"))
        self.next = msgspec.structs.replace(self.next, disposition=following(DISPOSITIONS, self.next.disposition))
        return self._view(Feedback("info", f"Next item ({self.next.condition}) goes {TO[self.next.disposition]}"))

    def note(self) -> ReturnView:
        """Why the next item came back as it did, for the channel; tap again for another, or none."""
        if self.ret is None:
            return self._view(Feedback("wrong", "Scan the return first"))
        self.next = msgspec.structs.replace(self.next, note=following(NOTES, self.next.note))
        return self._view(Feedback("info", f"Next item's note: {self.next.note}" if self.next.note else "No note on the next item"))

    def key_count(self, count: int) -> ReturnView:
        """The number pad: the next scan counts `count` alike."""
        if self.ret is None:
            return self._view(Feedback("wrong", "Scan the return first, then key the count"))
        keyed, said = keyed_for_next_scan(count)
        self.next = msgspec.structs.replace(self.next, keyed=keyed)
        return self._view(said)

    def close_return(self) -> ReturnView:
        """All is inspected: what came back where, and the channel is told. Tapped twice: it is final."""
        if self.ret is None:
            return self._view(Feedback("wrong", "No return open: scan one"))
        name = self._name(self.ret)
        if not self.closing:
            self.closing = True
            return self._view(Feedback("info", f"Tap Close return again to close {name}: nothing more can come back on it"))
        self.closing = False
        try:
            closed = self.api.close_return(self.ret.id, key=f"{self.device}-close-{self.ret.lpn}")
        except httpx.TransportError:
            return self._view(Feedback("wrong", "No network: close the return again when the server answers"))
        except Refused as refused:
            return self._view(Feedback("wrong", refused.reason))
        self.ret, self.closed, self.next = None, closed, NextItem()
        units = sum(i.quantity for i in closed.items)
        told = f"{closed.channel} is told what came back" if closed.channel else "no channel to tell"
        put = f"; put {closed.lpn} away" if any(i.disposition == "stock" for i in closed.items) else ""
        return self._view(Feedback("done", f"Return {name} closed, {units} units: {told}{put}"))

    # -- what the screen shows ----------------------------------------------------------------

    @staticmethod
    def _name(ret: Return) -> str:
        return ret.reference or ret.lpn

    def _view(self, feedback: Feedback | None) -> ReturnView:
        if self.ret is None:
            step: Step = "scan_return" if self.desk else "scan_desk"
            said = "Scan the return's RMA label, or tap Blind" if self.desk else "Scan the returns desk"
            return ReturnView(step=step, feedback=feedback or Feedback("info", said), desk=self.desk,
                              returned=f"{self._name(self.closed)} closed" if self.closed else "",
                              lines=_where(self.closed) if self.closed else [])
        ret = self.ret
        lines = [f"{l.sku}  {l.received} of {l.expected}" for l in ret.lines]
        unannounced: dict[str, int] = {}  # items back, less those counted against a line
        for i in ret.items:
            unannounced[i.sku] = unannounced.get(i.sku, 0) + i.quantity
        for l in ret.lines:
            unannounced[l.sku] = unannounced.get(l.sku, 0) - l.received
        lines += [f"{sku}  {n}  not announced" for sku, n in unannounced.items() if n > 0]
        carried = self.next
        held = ", ".join(p for p in (carried.lot and f"lot {carried.lot}", carried.expiry and f"expiry {carried.expiry}") if p)
        channel = ret.channel or ("blind" if ret.reference is None else "")
        about = "  ".join(p for p in (self._name(ret), ret.order and f"order {ret.order}", channel) if p)
        return ReturnView(step="scan_items", feedback=feedback, desk=self.desk, returned=about, lpn=ret.lpn, lines=lines,
                          condition=carried.condition, disposition=TO[carried.disposition], note=carried.note, pending=held,
                          keyed=carried.keyed)


def _where(ret: Return) -> list[str]:
    """What came back where, alike items together: "APPLE  2 new: on RET-5 at DOCK"."""
    where: dict[tuple[str, str], int] = {}
    for i in ret.items:
        went = {"stock": f"on {i.lpn} at {i.location}", "quarantine": f"quarantine at {i.location}", "scrap": "scrapped"}[i.disposition]
        what = (f"{i.sku}{f' lot {i.lot}' if i.lot else ''}", f"{i.condition}: {went}")
        where[what] = where.get(what, 0) + i.quantity
    return [f"{what}  {n} {how}" for (what, how), n in where.items()]
