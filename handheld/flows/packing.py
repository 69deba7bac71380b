"""The pack station: scan a tote (or the order's reference), take the carton suggested (or scan
another type's code), scan every item into it (each scan checked by the server against the
order: a wrong item, a surplus unit or another order's item is refused with the reason), put the
carton on the scale and close it (its SSCC and shipping labels print on the station's printer),
and ship the order when its cartons are closed. A normal carton takes two taps: Close and Ship.

Item scans go through the offline queue like every action (a resent scan packs nothing twice)
and are sent at once: the station waits for each answer, as the packer needs it to go on."""

import uuid
from typing import Literal

import httpx
import msgspec

from handheld.client import ApiClient, Refused
from handheld.flows import KEPT, Feedback, sent_now
from handheld.offline import OfflineQueue
from handheld.scale import Scale
from schema import scans
from schema.shipping import CartonClose, CartonOpen, CartonPrint, PackOrder, PackResult, PackScan

Step = Literal["scan_order", "choose_carton", "scan_items", "close", "ship"]


class PackView(msgspec.Struct, frozen=True, kw_only=True):
    """What the pack screen shows."""

    step: Step
    feedback: Feedback | None = None
    order: str = ""  # "P-1042 (webshop)"
    ship_to: str = ""
    lines: list[str] = []  # "APPLE  Apple juice 1 L   1 of 2 packed"
    carton: str = ""  # "Carton 12 (BOX-S): 3 units"
    suggestion: str = ""
    weight: str = ""  # what the scale reads, or the keyed weight
    why_not: str = ""  # why the order cannot ship yet
    keyed: str = ""


class PackFlow:
    def __init__(self, api: ApiClient, queue: OfflineQueue, device: str, station: str, printer: str | None = None,
                 scale: Scale | None = None) -> None:
        self.api, self.queue, self.device, self.station = api, queue, device, station
        self.printer, self.scale = printer, scale
        self.order: PackOrder | None = None
        self.carton_id: int | None = None
        self.last_closed: int | None = None
        self.keyed_weight: int | None = None
        self.accept_weight: int | None = None  # a weight refused once that the packer confirms by closing again
        self._types: list[str] = []

    # -- scans --------------------------------------------------------------------------------

    def scan(self, raw: str) -> PackView:
        try:
            found = scans.parse(raw)
        except scans.ScanError as error:
            return self._view(Feedback("wrong", error.reason))
        text = found.value.strip() if isinstance(found, scans.Text) else ""
        try:
            if self.order is None:
                return self._find(raw)
            if text and text in self._carton_types():
                if self.carton_id is not None:
                    return self._view(Feedback("wrong", f"Carton {self.carton_id} is open: close it before taking another"))
                return self._open(text, Feedback("good", f"{text} open: scan the items into it"))
            if isinstance(found, (scans.Item, scans.Text)) and not self._is_item(found):
                return self._another_order(raw)
            if self.carton_id is None:
                suggested = (self.order.suggestion.cartons or self._carton_types() or [""])[0]
                self._open(suggested, None)
            return self._pack(raw)
        except httpx.TransportError:
            return self._view(Feedback("wrong", "No network: the station cannot reach the server"))
        except Refused as refused:
            return self._view(Feedback("wrong", refused.reason))

    def _find(self, raw: str) -> PackView:
        order = self.api.pack_find(raw)
        if order is None:
            return self._view(Feedback("wrong", "Nothing to pack for that: scan the tote, or the order's number"))
        self.order = order
        mine = [c for c in order.cartons if c.status == "open" and c.station == self.station]
        self.carton_id = mine[0].id if mine else None
        left = sum(line.to_pack for line in order.lines)
        if not left and order.can_ship:
            return self._view(Feedback("info", f"Order {order.external_id} is packed: ship it"))
        take = f"take a {order.suggestion.cartons[0]}" if order.suggestion.cartons and self.carton_id is None else "scan the items"
        return self._view(Feedback("good", f"Order {order.external_id}: {left} to pack, {take}"))

    def _is_item(self, found: scans.Item | scans.Text) -> bool:
        """A GTIN is an item (the server says whether it is this order's); text is an item only when
        it is one of the order's own barcodes, else a tote or an order's reference."""
        return isinstance(found, scans.Item) or any(found.value.strip() in line.barcodes for line in self.order.lines)

    def _another_order(self, raw: str) -> PackView:
        """A tote or an order's reference while packing: the station moves to it when this order
        has nothing open; otherwise the packer finishes this one first."""
        if self.carton_id is not None:
            return self._view(Feedback("wrong", f"Close carton {self.carton_id} of order {self.order.external_id} first"))
        self.order = None
        return self._find(raw)

    def _carton_types(self) -> list[str]:
        if not self._types:
            self._types = [t.code for t in self.api.carton_types() if t.active]
        return self._types

    def _open(self, carton_type: str, feedback: Feedback | None) -> PackView:
        carton = self.api.open_carton(self.order.order_id, CartonOpen(carton_type=carton_type, station=self.station),
                                      key=f"{self.device}-open-{uuid.uuid4().hex[:16]}")
        self.carton_id = carton.id
        self.order = self.api.pack_order(self.order.order_id)
        return self._view(feedback)

    def _pack(self, raw: str) -> PackView:
        scan_id = f"{self.device}-pack-{uuid.uuid4().hex[:16]}"
        ApiClient.queue_pack(self.queue, self.carton_id, PackScan(scan_id=scan_id, item=raw))
        result = sent_now(self.queue, self.api.http, scan_id, PackResult)
        if result is None:
            return self._view(KEPT)
        self.order = result.order
        if not any(line.to_pack for line in self.order.lines):
            return self._view(Feedback("done", f"{result.message}: all packed, put the carton on the scale and close it"))
        return self._view(Feedback("good", result.message))

    # -- taps ---------------------------------------------------------------------------------

    def key_count(self, grams: int) -> PackView:
        """The number pad keys the weight in grams, for a station without a scale."""
        self.keyed_weight = grams
        return self._view(Feedback("info", f"{grams / 1000:.3f} kg keyed: close the carton"))

    def close(self) -> PackView:
        if self.carton_id is None:
            return self._view(Feedback("wrong", "No carton is open"))
        weight = self.keyed_weight or (self.scale.stable() if self.scale else None)
        if weight is None:
            return self._view(Feedback("wrong", "Put the carton on the scale and wait until it is still, or key its weight"))
        data = CartonClose(weight_g=weight, printer=self.printer, accept_weight=self.accept_weight == weight)
        try:
            closed = self.api.close_carton(self.carton_id, data, key=f"{self.device}-close-{self.carton_id}-{weight}")
        except httpx.TransportError:
            return self._view(Feedback("wrong", "No network: close the carton again when the server answers"))
        except Refused as refused:
            if refused.status == 422 and "weigh" in refused.reason:
                self.accept_weight = weight
                return self._view(Feedback("wrong", f"{refused.reason}. Close again to accept {weight / 1000:.3f} kg"))
            return self._view(Feedback("wrong", refused.reason))
        self.order, self.last_closed, self.carton_id = closed.order, closed.carton.id, None
        self.keyed_weight = self.accept_weight = None
        printed = [j for j in closed.print_jobs if j.status == "printed"]
        labels = "labels printed" if len(printed) == len(closed.print_jobs) and printed else \
            "labels not printed yet: " + (closed.print_jobs[0].last_error or "no printer set") if closed.print_jobs else "no printer set"
        said = f"Carton closed, SSCC {closed.carton.sscc}, {labels}"
        return self._view(Feedback("done" if self.order.can_ship else "good",
                                   said + (": ship the order" if self.order.can_ship else "")))

    def ship(self) -> PackView:
        if self.order is None:
            return self._view(Feedback("wrong", "Scan a tote first"))
        try:
            shipped = self.api.ship_order(self.order.order_id, key=f"{self.device}-ship-{self.order.order_id}-{self.last_closed}")
        except httpx.TransportError:
            return self._view(Feedback("wrong", "No network: ship again when the server answers"))
        except Refused as refused:
            return self._view(Feedback("wrong", refused.reason))
        numbers = ", ".join(n for s in shipped for n in s.tracking_numbers)
        reference = self.order.external_id
        self.order, self.carton_id, self.last_closed = None, None, None
        return self._view(Feedback("done", f"Order {reference} shipped ({numbers}): scan the next tote"))

    def reprint(self) -> PackView:
        if self.last_closed is None or self.printer is None:
            return self._view(Feedback("wrong", "No closed carton here to print, or no printer set"))
        try:
            jobs = self.api.print_carton(self.last_closed, CartonPrint(printer=self.printer, labels=["sscc", "shipping", "packing_list"]))
        except (httpx.TransportError, Refused) as error:
            return self._view(Feedback("wrong", getattr(error, "reason", "No network")))
        failed = [j for j in jobs if j.status != "printed"]
        return self._view(Feedback("wrong", f"Not printed: {failed[0].last_error}") if failed else
                          Feedback("good", "Labels and packing list printed"))

    # -- what the screen shows ----------------------------------------------------------------

    def _view(self, feedback: Feedback | None) -> PackView:
        if self.order is None:
            return PackView(step="scan_order", feedback=feedback or Feedback("info", "Scan a tote or an order"))
        order = self.order
        open_carton = next((c for c in order.cartons if c.id == self.carton_id), None)
        left = sum(line.to_pack for line in order.lines)
        step: Step = ("scan_items" if left else "close") if open_carton else ("ship" if order.can_ship else "choose_carton")
        address = order.ship_to
        weight = self.keyed_weight or (self.scale.stable() if self.scale else None)
        return PackView(
            step=step, feedback=feedback, order=f"{order.external_id} ({order.channel})",
            ship_to=f"{address.name}, {address.city} {address.country}" if address else "no address yet",
            lines=[f"{line.sku}  {line.description}   {line.packed} of {line.ordered} packed" for line in order.lines],
            carton=f"Carton {open_carton.id} ({open_carton.carton_type}): {sum(i.quantity for i in open_carton.items)} units"
            if open_carton else "; ".join(f"{c.carton_type} {c.tracking_number}" for c in order.cartons if c.status == "closed"),
            suggestion=", ".join(order.suggestion.cartons), weight=f"{weight / 1000:.3f} kg" if weight else "",
            why_not="" if order.can_ship else order.why_not,
        )
