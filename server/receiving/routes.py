"""Routes of receiving, putaway, cycle counts and returns: expected receipts from the purchasing
side, the dock's scans, LPNs and their labels, putaway suggestions and confirmations, count tasks
and counts, returns and their inspection; the settings and storage profiles they follow."""

import datetime
from typing import Annotated, Literal

import msgspec
from litestar import Controller, Request, Response, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from schema.common import Page
from schema.counts import (
    Accuracy,
    CountAssignment,
    CountDecision,
    CountList,
    CountResult,
    CountReview,
    CountSchedule,
    CountStatus,
    CountSubmit,
    CountTask,
    NextCount,
)
from schema.receiving import (
    LocationStorage,
    Lpn,
    LpnClose,
    PutawayConfirm,
    PutawayPlan,
    PutawayResult,
    Receipt,
    ReceiptCreate,
    ReceiptReport,
    ReceiveResult,
    ReceiveScan,
    ReceivingSession,
    ReceivingSettings,
    ReceivingStart,
    SkuStorage,
)
from schema.returns import Return, ReturnCreate, ReturnInspected, ReturnItemIn
from server.core.http import (
    Conn,
    Cursor,
    IdempotencyKey,
    PageSize,
    after_cursor,
    allow,
    caller,
    channel_scope,
    once,
    page,
)
from server.inventory import stock
from server.printing import jobs
from server.printing.jobs import PrinterRefused
from server.receiving import (
    accuracy,
    closing,
    counts,
    dock,
    putaway,
    receipts,
    returns,
    sessions,
    settings,
)

# Provided by the app (server.app): what follows stock that becomes pickable.
Arrived = NamedDependency[stock.Arrived]
RECEIVING = ("receiver", "supervisor")
COUNTING = ("receiver", "picker", "supervisor")
Since = Annotated[datetime.date | None, QueryParameter(description="from this day (default: 30 days ago)")]


def _staff(request: Request) -> int | None:
    """The user making the call; None for a channel's API key."""
    return None if channel_scope(request) is not None else request.user.id


class ReceiptController(Controller):
    path = "/api/v1/receipts"
    tags = ["receiving"]

    @post(operation_id="createReceipt", summary="Announce an expected receipt (ASN or purchase order), its lines and SSCCs",
          guards=[allow("supervisor", channels=True)])
    async def create(self, request: Request, data: JSONBody[ReceiptCreate], conn: Conn, idempotency_key: IdempotencyKey) -> Response[Receipt]:
        return await once(request, conn, idempotency_key, data,
                          lambda: receipts.create_receipt(conn, data, channel_scope(request), _staff(request)))

    @get(operation_id="listReceipts", summary="Receipts, by reference or status", guards=[allow(*RECEIVING, channels=True)])
    async def list(self, request: Request, conn: Conn, reference: Annotated[str | None, QueryParameter(max_length=64)] = None,
                   status: FromQuery[Literal["expected", "receiving", "closed"] | None] = None, cursor: Cursor = None,
                   limit: PageSize = 100) -> Page[Receipt]:
        found = await receipts.find_receipts(conn, channel_scope(request), after_cursor(cursor), limit, reference, status)
        return page(found, limit)

    @get("/{receipt_id:int}", operation_id="getReceipt", summary="A receipt: expected and received per line, its report once closed",
         guards=[allow(*RECEIVING, channels=True)])
    async def read(self, request: Request, conn: Conn, receipt_id: FromPath[int]) -> Receipt:
        return await receipts.get_receipt(conn, receipt_id, channel_scope(request))

    @post("/{receipt_id:int}/scans", operation_id="receiveScan", guards=[allow(*RECEIVING)],
          summary="A dock scan: an item, an announced SSCC, or a lot/expiry barcode; a replayed scan_id receives nothing")
    async def scan(self, request: Request, conn: Conn, receipt_id: FromPath[int], data: JSONBody[ReceiveScan]) -> Response[ReceiveResult]:
        return await once(request, conn, data.scan_id, data, lambda: dock.receive(conn, receipt_id, data, caller(request)), 200)

    @post("/{receipt_id:int}/lpns", operation_id="closeLpn", guards=[allow(*RECEIVING)],
          summary="The LPN being filled is done: its label prints, the next scans fill a new LPN")
    async def close_lpn(self, request: Request, conn: Conn, receipt_id: FromPath[int], data: JSONBody[LpnClose],
                        idempotency_key: IdempotencyKey) -> Response[Lpn]:
        answered = await once(request, conn, idempotency_key, data, lambda: closing.close_lpn(conn, receipt_id, data, caller(request)), 200)
        done = msgspec.json.decode(answered.content, type=Lpn)
        if done.print_job is not None:
            try:
                done.print_job = await jobs.deliver(conn, done.print_job.id, "Idempotent-Replayed" not in answered.headers)
            except PrinterRefused:
                done.print_job = await jobs.get_job(conn, done.print_job.id)
        return Response(done, status_code=200, headers=answered.headers)

    @post("/{receipt_id:int}/close", operation_id="closeReceipt", guards=[allow(*RECEIVING)], status_code=200,
          summary="Close the receipt: expected against received per line (over, short, unexpected), sent as receipt.closed")
    async def close(self, request: Request, conn: Conn, receipt_id: FromPath[int], idempotency_key: IdempotencyKey) -> Response[ReceiptReport]:
        return await once(request, conn, idempotency_key, None, lambda: closing.close_receipt(conn, receipt_id, caller(request)), 200)


class ReceivingController(Controller):
    path = "/api/v1/receiving"
    tags = ["receiving"]
    guards = [allow(*RECEIVING)]

    @post("/sessions", operation_id="startReceiving", summary="Start receiving a scanned receipt (or a blind one) at a dock")
    async def start(self, request: Request, conn: Conn, data: JSONBody[ReceivingStart], idempotency_key: IdempotencyKey) -> Response[ReceivingSession]:
        return await once(request, conn, idempotency_key, data, lambda: sessions.start(conn, data, caller(request)))

    @get("/sessions/{receipt_id:int}", operation_id="getReceivingSession", summary="The caller's session on a receipt")
    async def session(self, request: Request, conn: Conn, receipt_id: FromPath[int]) -> ReceivingSession:
        return await sessions.session_view(conn, receipt_id, caller(request))

    @get("/lpns/{lpn:str}", operation_id="getLpn", summary="What an LPN holds and where", guards=[allow(*COUNTING)])
    async def lpn(self, conn: Conn, lpn: FromPath[str]) -> Lpn:
        return await closing.lpn_content(conn, sessions.scanned(lpn))

    @get("/settings", operation_id="getReceivingSettings", summary="Over-receipt and count tolerances, approval value, count schedule")
    async def get_settings(self, conn: Conn) -> ReceivingSettings:
        return await settings.get_settings(conn)

    @put("/settings", operation_id="setReceivingSettings", summary="Set the tolerances and the count schedule", guards=[allow("supervisor")])
    async def set_settings(self, conn: Conn, data: JSONBody[ReceivingSettings]) -> ReceivingSettings:
        async with conn.transaction():
            return await settings.set_settings(conn, data)


class StorageController(Controller):
    path = "/api/v1/storage"
    tags = ["putaway"]
    guards = [allow("supervisor")]

    @put("/skus/{sku:str}", operation_id="setSkuStorage", summary="A SKU's velocity class and unit value")
    async def sku(self, conn: Conn, sku: FromPath[str], data: JSONBody[SkuStorage]) -> SkuStorage:
        async with conn.transaction():
            return await settings.set_sku_storage(conn, sku, data)

    @put("/locations/{location:str}", operation_id="setLocationStorage", summary="A location's capacity (units, volume, weight) and velocity class")
    async def location(self, conn: Conn, location: FromPath[str], data: JSONBody[LocationStorage]) -> LocationStorage:
        async with conn.transaction():
            return await settings.set_location_storage(conn, location, data)


class PutawayController(Controller):
    path = "/api/v1/putaway"
    tags = ["putaway"]
    guards = [allow(*RECEIVING)]

    @get("/lpns/{lpn:str}", operation_id="suggestPutaway", summary="Where each line of a scanned LPN goes, by the putaway rules")
    async def suggest(self, conn: Conn, lpn: FromPath[str]) -> PutawayPlan:
        return await putaway.plan(conn, lpn)

    @post("/confirm", operation_id="confirmPutaway", status_code=200,
          summary="Units of an LPN put at the scanned destination (another than suggested needs a reason); a replayed scan_id moves nothing")
    async def confirm(self, request: Request, conn: Conn, data: JSONBody[PutawayConfirm], arrived: Arrived) -> Response[PutawayResult]:
        return await once(request, conn, data.scan_id, data, lambda: putaway.confirm(conn, data, caller(request), arrived), 200)


class CountController(Controller):
    path = "/api/v1/counts"
    tags = ["counts"]

    @post(operation_id="createCounts", summary="Count these locations (a supervisor's list)", guards=[allow("supervisor")])
    async def create(self, request: Request, conn: Conn, data: JSONBody[CountList], idempotency_key: IdempotencyKey) -> Response[list[CountTask]]:
        return await once(request, conn, idempotency_key, data, lambda: counts.from_list(conn, data, caller(request)))

    @post("/schedule", operation_id="scheduleCounts", summary="Make the count tasks the ABC schedule says are due", guards=[allow("supervisor")])
    async def schedule(self, request: Request, conn: Conn, data: JSONBody[CountSchedule], idempotency_key: IdempotencyKey) -> Response[list[CountTask]]:
        return await once(request, conn, idempotency_key, data, lambda: counts.schedule(conn, data, caller(request)))

    @get(operation_id="listCounts", summary="Count tasks, by status", guards=[allow("supervisor")])
    async def list(self, conn: Conn, status: FromQuery[CountStatus | None] = None, cursor: Cursor = None, limit: PageSize = 100) -> Page[CountTask]:
        return page(await counts.list_tasks(conn, status, after_cursor(cursor), limit), limit)

    @post("/next", operation_id="nextCount", status_code=200, guards=[allow(*COUNTING)],
          summary="The counter's next count (blind: where and what, never how many); its bin is under count until counted")
    async def next(self, request: Request, conn: Conn, data: JSONBody[NextCount]) -> CountAssignment:
        async with conn.transaction():
            return await counts.next_task(conn, data, caller(request))

    @post("/{task_id:int}/count", operation_id="submitCount", guards=[allow(*COUNTING)],
          summary="What the counter found at the location; a replayed scan_id counts nothing")
    async def count(self, request: Request, conn: Conn, task_id: FromPath[int], data: JSONBody[CountSubmit], arrived: Arrived) -> Response[CountResult]:
        return await once(request, conn, data.scan_id, data, lambda: counts.submit(conn, task_id, data, caller(request), arrived), 200)

    @post("/{task_id:int}/approve", operation_id="decideCount", guards=[allow("supervisor")],
          summary="Approve (adjust the stock) or reject a counted difference above the approval value")
    async def approve(self, request: Request, conn: Conn, task_id: FromPath[int], data: JSONBody[CountDecision],
                      idempotency_key: IdempotencyKey, arrived: Arrived) -> Response[CountReview]:
        return await once(request, conn, idempotency_key, data, lambda: counts.decide(conn, task_id, data, caller(request), arrived), 200)

    @get("/{task_id:int}", operation_id="reviewCount", summary="A count with every round and what was expected", guards=[allow("supervisor")])
    async def review(self, conn: Conn, task_id: FromPath[int]) -> CountReview:
        return await counts.review(conn, task_id)

    @get("/accuracy", operation_id="inventoryAccuracy", summary="Counted locations, variances and accuracy per day, week or month",
         guards=[allow("supervisor")])
    async def accuracy(self, conn: Conn, since: Since = None, period: FromQuery[Literal["day", "week", "month"]] = "day") -> Accuracy:
        return await accuracy.accuracy(conn, since or datetime.date.today() - datetime.timedelta(days=30), period)


class ReturnController(Controller):
    path = "/api/v1/returns"
    tags = ["returns"]

    @post(operation_id="createReturn", summary="Announce a return (channel: its RMA, the order and lines) or open one blind",
          guards=[allow(*RECEIVING, channels=True)])
    async def create(self, request: Request, conn: Conn, data: JSONBody[ReturnCreate], idempotency_key: IdempotencyKey) -> Response[Return]:
        return await once(request, conn, idempotency_key, data,
                          lambda: returns.create_return(conn, data, channel_scope(request), _staff(request)))

    @get(operation_id="listReturns", summary="Returns by the label the returns desk scans: the RMA reference, or RET-<id>",
         guards=[allow(*RECEIVING, channels=True)])
    async def list(self, request: Request, conn: Conn, reference: Annotated[str | None, QueryParameter(max_length=64)] = None,
                   cursor: Cursor = None, limit: PageSize = 100) -> Page[Return]:
        return page(await returns.find_returns(conn, channel_scope(request), after_cursor(cursor), limit, reference), limit)

    @get("/{return_id:int}", operation_id="getReturn", summary="A return: lines, items inspected, where they went",
         guards=[allow(*RECEIVING, channels=True)])
    async def read(self, request: Request, conn: Conn, return_id: FromPath[int]) -> Return:
        return await returns.get_return(conn, return_id, channel_scope(request))

    @post("/{return_id:int}/items", operation_id="inspectReturnItem", guards=[allow(*RECEIVING)],
          summary="An item inspected: back to stock (for putaway), quarantine or scrap; a replayed scan_id does nothing")
    async def item(self, request: Request, conn: Conn, return_id: FromPath[int], data: JSONBody[ReturnItemIn]) -> Response[ReturnInspected]:
        return await once(request, conn, data.scan_id, data, lambda: returns.inspect(conn, return_id, data, caller(request)), 200)

    @post("/{return_id:int}/close", operation_id="closeReturn", guards=[allow(*RECEIVING)], status_code=200,
          summary="Close the return: the channel hears what came back and its condition (return.received)")
    async def close(self, request: Request, conn: Conn, return_id: FromPath[int], idempotency_key: IdempotencyKey) -> Response[Return]:
        return await once(request, conn, idempotency_key, None, lambda: returns.close(conn, return_id), 200)

