"""The handheld's view of the server's API, with the contract's Structs (schema/): no Kivy, no
server code. Reads go straight to the server; every action goes through the offline queue first
(offline.py), so that a dead spot in the Wi-Fi loses nothing."""

from urllib.parse import quote

import httpx
import msgspec

from handheld.offline import OfflineQueue
from schema.catalog import BarcodeMatch, Sku
from schema.common import Page, Problem
from schema.counts import CountAssignment, CountSubmit, NextCount
from schema.locations import Location
from schema.picking import PickConfirm, ShortPick, Trip, TripRequest
from schema.printing import PrintJob
from schema.receiving import Lpn, LpnClose, PutawayConfirm, PutawayPlan, ReceiptReport, ReceiveScan, ReceivingSession, ReceivingStart
from schema.returns import Return, ReturnCreate, ReturnItemIn
from schema.shipping import Carton, CartonClose, CartonClosed, CartonOpen, CartonPrint, CartonType, PackOrder, PackScan, ShipmentOut
from schema.stock import OnHand
from schema.users import Session


class Refused(Exception):
    """The server said no: `reason` is what to show the picker."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def reason_of(status: int, answer: bytes) -> str:
    """The server's reason, from its problem+json answer."""
    try:
        problem = msgspec.json.decode(answer, type=Problem)
    except msgspec.DecodeError:
        return f"the server answered {status}"
    return problem.errors[0].reason if problem.errors else problem.detail or problem.title


def refusal(response: httpx.Response) -> Refused:
    return Refused(response.status_code, reason_of(response.status_code, response.content))


class ApiClient:
    def __init__(self, base_url: str, token: str | None = None, timeout: float = 5.0, device: str = "") -> None:
        # the device's name goes with every call, so the server's log says which handheld it was
        self.http = httpx.Client(base_url=base_url, timeout=timeout, headers={"X-Device": device} if device else None)
        if token:
            self.use(token)

    def use(self, token: str) -> None:
        self.http.headers["Authorization"] = f"Bearer {token}"

    def close(self) -> None:
        self.http.close()

    def login_badge(self, badge: str, pin: str) -> Session:
        response = self.http.post("/api/v1/auth/badge", json={"badge": badge, "pin": pin})
        if response.status_code != 201:
            raise refusal(response)
        session = msgspec.json.decode(response.content, type=Session)
        self.use(session.token)
        return session

    def next_trip(self, request: TripRequest) -> Trip | None:
        """The picker's trip (the one they hold, or the next they can reach); None: no work."""
        return self._ask("/api/v1/picking/next", request, Trip)

    def _ask(self, path: str, body: msgspec.Struct | dict, answer: type):
        """A question asked by POST (it finds, it changes nothing): its answer, or None for a 404."""
        response = self.http.post(path, content=msgspec.json.encode(body), headers={"Content-Type": "application/json"})
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise refusal(response)
        return msgspec.json.decode(response.content, type=answer)

    def sku(self, code: str) -> Sku:
        response = self.http.get(f"/api/v1/skus/{code}")
        if response.status_code != 200:
            raise refusal(response)
        return msgspec.json.decode(response.content, type=Sku)

    def barcodes(self, sku: str) -> dict[str, int]:
        """Each barcode of the SKU (GTINs as 14 digits, as the scan parser gives them) and how many
        units a scan of it is."""
        return {b.barcode: b.quantity for b in self.sku(sku).barcodes}

    def _get(self, path: str, params: dict | None = None) -> httpx.Response | None:
        """A read; None when the server says there is no such thing."""
        response = self.http.get(path, params=params)
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise refusal(response)
        return response

    def location(self, barcode: str) -> Location | None:
        found = self._get(f"/api/v1/locations/by-barcode/{barcode}")
        return msgspec.json.decode(found.content, type=Location) if found else None

    def barcode(self, scan: str) -> BarcodeMatch | None:
        found = self._get(f"/api/v1/barcodes/{scan}")
        return msgspec.json.decode(found.content, type=BarcodeMatch) if found else None

    def on_hand(self, sku: str | None = None, location: str | None = None) -> list[OnHand]:
        params = {k: v for k, v in (("sku", sku), ("location", location)) if v}
        found = self._get("/api/v1/stock", params)
        return msgspec.json.decode(found.content, type=Page[OnHand]).items if found else []

    def _post(self, path: str, body: msgspec.Struct | None = None, key: str | None = None) -> httpx.Response:
        """An action the station waits for (it needs its answer: an SSCC, a tracking number); the
        key makes a resend after a lost answer do nothing twice."""
        headers = {"Content-Type": "application/json"} | ({"Idempotency-Key": key} if key else {})
        response = self.http.post(path, content=msgspec.json.encode(body) if body is not None else b"", headers=headers)
        if not response.is_success:
            raise refusal(response)
        return response

    def pack_find(self, scan: str) -> PackOrder | None:
        return self._ask("/api/v1/packing/find", {"scan": scan}, PackOrder)

    def pack_order(self, order_id: int) -> PackOrder:
        return msgspec.json.decode(self._get(f"/api/v1/packing/orders/{order_id}").content, type=PackOrder)

    def carton_types(self) -> list[CartonType]:
        return msgspec.json.decode(self._get("/api/v1/shipping/carton-types").content, type=list[CartonType])

    def open_carton(self, order_id: int, data: CartonOpen, key: str) -> Carton:
        return msgspec.json.decode(self._post(f"/api/v1/packing/orders/{order_id}/cartons", data, key).content, type=Carton)

    def close_carton(self, carton_id: int, data: CartonClose, key: str) -> CartonClosed:
        return msgspec.json.decode(self._post(f"/api/v1/packing/cartons/{carton_id}/close", data, key).content, type=CartonClosed)

    def ship_order(self, order_id: int, key: str) -> list[ShipmentOut]:
        return msgspec.json.decode(self._post(f"/api/v1/shipping/orders/{order_id}/ship", None, key).content,
                                   type=list[ShipmentOut])

    def print_carton(self, carton_id: int, data: CartonPrint) -> list[PrintJob]:
        return msgspec.json.decode(self._post(f"/api/v1/packing/cartons/{carton_id}/labels", data).content, type=list[PrintJob])

    def start_receiving(self, data: ReceivingStart, key: str) -> ReceivingSession:
        return msgspec.json.decode(self._post("/api/v1/receiving/sessions", data, key).content, type=ReceivingSession)

    def receiving_session(self, receipt_id: int) -> ReceivingSession | None:
        """The caller's session on the receipt; None when it is closed or was never theirs."""
        found = self._get(f"/api/v1/receiving/sessions/{receipt_id}")
        return msgspec.json.decode(found.content, type=ReceivingSession) if found else None

    def close_lpn(self, receipt_id: int, data: LpnClose, key: str) -> Lpn:
        return msgspec.json.decode(self._post(f"/api/v1/receipts/{receipt_id}/lpns", data, key).content, type=Lpn)

    def close_receipt(self, receipt_id: int, key: str) -> ReceiptReport:
        return msgspec.json.decode(self._post(f"/api/v1/receipts/{receipt_id}/close", None, key).content, type=ReceiptReport)

    def putaway_plan(self, lpn: str) -> PutawayPlan:
        return msgspec.json.decode(self._get(f"/api/v1/putaway/lpns/{quote(lpn, safe='')}").content, type=PutawayPlan)

    def next_count(self, request: NextCount) -> CountAssignment:
        return self._ask("/api/v1/counts/next", request, CountAssignment)

    def find_returns(self, label: str) -> list[Return]:
        """The returns an RMA label (or RET-<id>) names: one, none, or several channels' alike."""
        return msgspec.json.decode(self._get("/api/v1/returns", {"reference": label}).content, type=Page[Return]).items

    def open_return(self, key: str) -> Return:
        """A blind return: nothing announced, what comes back is what it holds."""
        return msgspec.json.decode(self._post("/api/v1/returns", ReturnCreate(), key).content, type=Return)

    def close_return(self, return_id: int, key: str) -> Return:
        return msgspec.json.decode(self._post(f"/api/v1/returns/{return_id}/close", None, key).content, type=Return)

    @staticmethod
    def queue_receive(queue: OfflineQueue, receipt_id: int, scan: ReceiveScan) -> int:
        return queue.add(scan.scan_id, "POST", f"/api/v1/receipts/{receipt_id}/scans", msgspec.json.encode(scan))

    @staticmethod
    def queue_putaway(queue: OfflineQueue, put: PutawayConfirm) -> int:
        return queue.add(put.scan_id, "POST", "/api/v1/putaway/confirm", msgspec.json.encode(put))

    @staticmethod
    def queue_count(queue: OfflineQueue, task_id: int, count: CountSubmit) -> int:
        return queue.add(count.scan_id, "POST", f"/api/v1/counts/{task_id}/count", msgspec.json.encode(count))

    @staticmethod
    def queue_return_item(queue: OfflineQueue, return_id: int, item: ReturnItemIn) -> int:
        return queue.add(item.scan_id, "POST", f"/api/v1/returns/{return_id}/items", msgspec.json.encode(item))

    @staticmethod
    def queue_pack(queue: OfflineQueue, carton_id: int, scan: PackScan) -> int:
        return queue.add(scan.scan_id, "POST", f"/api/v1/packing/cartons/{carton_id}/items", msgspec.json.encode(scan))

    @staticmethod
    def queue_confirm(queue: OfflineQueue, task_id: int, scan: PickConfirm) -> int:
        return queue.add(scan.scan_id, "POST", f"/api/v1/picking/tasks/{task_id}/confirm", msgspec.json.encode(scan))

    @staticmethod
    def queue_short(queue: OfflineQueue, task_id: int, short: ShortPick) -> int:
        return queue.add(short.scan_id, "POST", f"/api/v1/picking/tasks/{task_id}/short", msgspec.json.encode(short))
