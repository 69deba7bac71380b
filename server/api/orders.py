"""Order intake and status for sales channels (and customer service)."""

import datetime
from typing import Annotated

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from schema.common import Page
from schema.orders import BatchRequest, BatchResponse, Order, OrderCreate, OrderStatus, SkuAvailability
from server import availability as available
from server import orders
from server.api.common import (
    Conn, Cursor, IdempotencyKey, PageSize, after_cursor, allow, answer, caller_scope, canonical, channel_only,
    channel_scope, once, page,
)
from server.intake import Submission

STAFF = ("supervisor",)
Reason = Annotated[str, QueryParameter(max_length=500, description="why, for the order's timeline")]


def channel_of(request: Request) -> tuple[int, str]:
    return request.user.id, request.user.name


class OrderController(Controller):
    path = "/api/v1/orders"
    tags = ["orders"]

    @post(operation_id="createOrder", summary="Create an order (channel API key)", guards=[channel_only])
    async def create(self, request: Request, data: JSONBody[OrderCreate], idempotency_key: IdempotencyKey) -> Response[Order]:
        submission = Submission(
            channel_of(request), data, caller_scope(request), idempotency_key, canonical(request, idempotency_key, data)
        )
        return answer(await request.app.state.intake.submit(submission))

    @post("/batch", operation_id="createOrderBatch", summary="Create up to 1,000 orders; an answer per order", guards=[channel_only])
    async def batch(
        self, request: Request, data: JSONBody[BatchRequest], conn: Conn, idempotency_key: IdempotencyKey
    ) -> Response[BatchResponse]:
        return await once(
            request, conn, idempotency_key, data, lambda: orders.create_batch(conn, channel_of(request), data.orders), 200
        )

    @get("/{order_id:int}", operation_id="getOrder", summary="An order: status, lines, shipments, timeline", guards=[allow(*STAFF, channels=True)])
    async def read(self, request: Request, conn: Conn, order_id: FromPath[int]) -> Order:
        return await orders.get_order(conn, order_id, channel_scope(request))

    @get(operation_id="listOrders", summary="Find orders by reference, status or last change", guards=[allow(*STAFF, channels=True)])
    async def find(
        self,
        request: Request,
        conn: Conn,
        external_id: FromQuery[str | None] = None,
        status: FromQuery[OrderStatus | None] = None,
        updated_since: FromQuery[datetime.datetime | None] = None,
        cursor: Cursor = None,
        limit: PageSize = 100,
    ) -> Page[Order]:
        found = await orders.list_orders(
            conn, channel_scope(request), after_cursor(cursor), limit, external_id, status, updated_since
        )
        return page(found, limit)

    @post("/{order_id:int}/cancel", operation_id="cancelOrder", summary="Cancel before picking starts", guards=[allow(*STAFF, channels=True)])
    async def cancel(
        self, request: Request, conn: Conn, order_id: FromPath[int], idempotency_key: IdempotencyKey, reason: Reason = ""
    ) -> Response[Order]:
        return await once(
            request, conn, idempotency_key, reason, lambda: orders.cancel(conn, order_id, channel_scope(request), reason), 200
        )

    @post("/{order_id:int}/hold", operation_id="holdOrder", summary="Hold before picking starts", guards=[allow(*STAFF, channels=True)])
    async def hold(
        self, request: Request, conn: Conn, order_id: FromPath[int], idempotency_key: IdempotencyKey, reason: Reason = ""
    ) -> Response[Order]:
        return await once(
            request, conn, idempotency_key, reason, lambda: orders.hold(conn, order_id, channel_scope(request), reason), 200
        )

    @post("/{order_id:int}/release", operation_id="releaseOrder", summary="Release a held order", guards=[allow(*STAFF, channels=True)])
    async def release(
        self, request: Request, conn: Conn, order_id: FromPath[int], idempotency_key: IdempotencyKey
    ) -> Response[Order]:
        return await once(
            request, conn, idempotency_key, None, lambda: orders.release(conn, order_id, channel_scope(request)), 200
        )


@post(
    "/api/v1/orders/{order_id:int}/allocate",
    operation_id="allocateOrder",
    summary="Reserve stock for an order now (for channels that allocate on release)",
    tags=["orders"],
    guards=[allow(*STAFF)],
)
async def allocate_order(request: Request, conn: Conn, order_id: FromPath[int], idempotency_key: IdempotencyKey) -> Response[Order]:
    return await once(request, conn, idempotency_key, order_id, lambda: orders.allocate(conn, order_id), 200)


@get(
    "/api/v1/availability",
    operation_id="getAvailability",
    summary="On hand, reserved and available to promise, per SKU",
    tags=["orders"],
    guards=[allow("supervisor", "receiver", "picker", "packer", "shipper", channels=True)],
)
async def availability(
    conn: Conn, sku: Annotated[list[str], QueryParameter(min_items=1, max_items=500, description="repeat for several")]
) -> list[SkuAvailability]:
    return await available.of(conn, sku)
