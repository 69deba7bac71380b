"""Routes of orders: intake, status and availability for sales channels (and customer service);
channels, their webhook subscriptions, deliveries and events; store webhooks in (authenticated by
the store's HMAC signature, not by a bearer token)."""

import datetime
from typing import Annotated, Literal

from litestar import Controller, Request, Response, delete, get, post, put
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from schema.channels import (
    Channel, ChannelCreate, ChannelCredentials, Delivery, EventPage, MappingApplied, SkuMapping, SkuMappingCreate,
    Subscription, SubscriptionCreate,
)
from schema.common import Page, encode_cursor
from schema.orders import Address, BatchRequest, BatchResponse, Order, OrderCreate, OrderStatus, SkuAvailability
from server.core import outbox
from server.core.http import (
    Conn,
    Cursor,
    IdempotencyKey,
    PageSize,
    after_cursor,
    allow,
    answer,
    caller_scope,
    canonical,
    channel_only,
    channel_scope,
    once,
    page,
)
from server.inventory import availability as available
from server.orders import channels, placing, reads, state
from server.orders.intake import Submission
from server.orders.stores import sku_mappings
from server.orders.stores.receive import StoreOrderResult, receive

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
            request, conn, idempotency_key, data, lambda: placing.create_batch(conn, channel_of(request), data.orders), 200
        )

    @get("/{order_id:int}", operation_id="getOrder", summary="An order: status, lines, shipments, timeline", guards=[allow(*STAFF, channels=True)])
    async def read(self, request: Request, conn: Conn, order_id: FromPath[int]) -> Order:
        return await reads.get_order(conn, order_id, channel_scope(request))

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
        found = await reads.list_orders(
            conn, channel_scope(request), after_cursor(cursor), limit, external_id, status, updated_since
        )
        return page(found, limit)

    @post("/{order_id:int}/cancel", operation_id="cancelOrder", summary="Cancel before picking starts", guards=[allow(*STAFF, channels=True)])
    async def cancel(
        self, request: Request, conn: Conn, order_id: FromPath[int], idempotency_key: IdempotencyKey, reason: Reason = ""
    ) -> Response[Order]:
        return await once(
            request, conn, idempotency_key, reason, lambda: state.cancel(conn, order_id, channel_scope(request), reason), 200
        )

    @post("/{order_id:int}/hold", operation_id="holdOrder", summary="Hold before picking starts", guards=[allow(*STAFF, channels=True)])
    async def hold(
        self, request: Request, conn: Conn, order_id: FromPath[int], idempotency_key: IdempotencyKey, reason: Reason = ""
    ) -> Response[Order]:
        return await once(
            request, conn, idempotency_key, reason, lambda: state.hold(conn, order_id, channel_scope(request), reason), 200
        )

    @put(
        "/{order_id:int}/ship-to",
        operation_id="setOrderShipTo",
        summary="Change where the order goes, until picking starts (an order held without an address needs this first)",
        guards=[allow(*STAFF, channels=True)],
    )
    async def set_ship_to(
        self, request: Request, conn: Conn, order_id: FromPath[int], data: JSONBody[Address], idempotency_key: IdempotencyKey
    ) -> Response[Order]:
        return await once(
            request, conn, idempotency_key, data, lambda: state.set_ship_to(conn, order_id, channel_scope(request), data), 200
        )

    @post("/{order_id:int}/release", operation_id="releaseOrder", summary="Release a held order", guards=[allow(*STAFF, channels=True)])
    async def release(
        self, request: Request, conn: Conn, order_id: FromPath[int], idempotency_key: IdempotencyKey
    ) -> Response[Order]:
        return await once(
            request, conn, idempotency_key, None, lambda: state.release(conn, order_id, channel_scope(request)), 200
        )


@post(
    "/api/v1/orders/{order_id:int}/allocate",
    operation_id="allocateOrder",
    summary="Reserve stock for an order now (for channels that allocate on release)",
    tags=["orders"],
    guards=[allow(*STAFF)],
)
async def allocate_order(request: Request, conn: Conn, order_id: FromPath[int], idempotency_key: IdempotencyKey) -> Response[Order]:
    return await once(request, conn, idempotency_key, order_id, lambda: state.allocate(conn, order_id), 200)


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


# A deliveries cursor packs (event id, subscription id) into one number.
SUBSCRIPTIONS_PER_CURSOR = 10**9


class ChannelController(Controller):
    path = "/api/v1/channels"
    tags = ["channels"]
    guards = [allow()]  # admins only

    @post(operation_id="createChannel", summary="Create a channel; its API key and webhook secret are shown once")
    async def create(
        self, request: Request, data: JSONBody[ChannelCreate], conn: Conn, idempotency_key: IdempotencyKey
    ) -> Response[ChannelCredentials]:
        return await once(request, conn, idempotency_key, data, lambda: channels.create_channel(conn, data))

    @get(operation_id="listChannels", summary="List channels")
    async def list(self, conn: Conn) -> list[Channel]:
        return await channels.list_channels(conn)

    @post("/{name:str}/rotate-key", operation_id="rotateChannelKey", summary="Issue a new API key; the old one stops working")
    async def rotate(self, request: Request, conn: Conn, name: FromPath[str], idempotency_key: IdempotencyKey) -> Response[ChannelCredentials]:
        return await once(request, conn, idempotency_key, name, lambda: channels.rotate_key(conn, name), 200)

    @post("/{name:str}/revoke", operation_id="revokeChannel", summary="Revoke the channel's API key")
    async def revoke(self, request: Request, conn: Conn, name: FromPath[str], idempotency_key: IdempotencyKey) -> Response[Channel]:
        return await once(request, conn, idempotency_key, name, lambda: channels.revoke(conn, name), 200)


class SkuMappingController(Controller):
    path = "/api/v1/channels/{name:str}/sku-mappings"
    tags = ["channels"]
    guards = [allow("supervisor")]

    @post(
        operation_id="mapStoreProduct",
        summary="Map a store product (or one variant) to a SKU, or to none (not shipped); held orders it completes are released",
    )
    async def map(
        self, request: Request, conn: Conn, name: FromPath[str], data: JSONBody[SkuMappingCreate], idempotency_key: IdempotencyKey
    ) -> Response[MappingApplied]:
        return await once(request, conn, idempotency_key, data, lambda: sku_mappings.map_sku(conn, name, data), 200)

    @get(operation_id="listStoreProductMappings", summary="The channel's product and variant mappings")
    async def list(self, conn: Conn, name: FromPath[str]) -> list[SkuMapping]:
        return await sku_mappings.list_mappings(conn, name)

    @delete(
        "/{product_id:str}",
        operation_id="unmapStoreProduct",
        summary="Remove a mapping (variant_id: the variant's own; none: the product's); orders placed already keep their SKU",
        status_code=204,
    )
    async def unmap(self, conn: Conn, name: FromPath[str], product_id: FromPath[str], variant_id: FromQuery[str] = "") -> None:
        await sku_mappings.unmap(conn, name, product_id, variant_id)

    @post(
        "/apply",
        operation_id="applyStoreProductMappings",
        summary="Look the channel's unmapped lines up again (after SKUs were added to the catalog); release what is complete",
    )
    async def apply(self, request: Request, conn: Conn, name: FromPath[str], idempotency_key: IdempotencyKey) -> Response[MappingApplied]:
        return await once(request, conn, idempotency_key, name, lambda: sku_mappings.apply(conn, name), 200)


class WebhookController(Controller):
    path = "/api/v1/webhooks"
    tags = ["events"]
    guards = [channel_only]

    @post(operation_id="subscribeWebhook", summary="Send this channel's events to a URL (signed, Standard Webhooks)")
    async def subscribe(
        self, request: Request, data: JSONBody[SubscriptionCreate], conn: Conn, idempotency_key: IdempotencyKey
    ) -> Response[Subscription]:
        return await once(request, conn, idempotency_key, data, lambda: channels.subscribe(conn, request.user.id, data))

    @get(operation_id="listWebhooks", summary="This channel's webhook subscriptions")
    async def list(self, request: Request, conn: Conn) -> list[Subscription]:
        return await channels.subscriptions(conn, request.user.id)

    @post("/{subscription_id:int}/enable", operation_id="enableWebhook", summary="Re-enable a disabled endpoint; replay=true resends what failed")
    async def enable(
        self,
        request: Request,
        conn: Conn,
        subscription_id: FromPath[int],
        idempotency_key: IdempotencyKey,
        replay: FromQuery[bool] = True,
    ) -> Response[Subscription]:
        return await once(
            request, conn, idempotency_key, [subscription_id, replay],
            lambda: channels.enable_subscription(conn, request.user.id, subscription_id, replay), 200,
        )

    @get("/deliveries", operation_id="listDeliveries", summary="Webhook deliveries and their outcomes")
    async def deliveries(
        self,
        request: Request,
        conn: Conn,
        status: FromQuery[Literal["pending", "delivered", "failed"] | None] = None,
        cursor: Cursor = None,
        limit: PageSize = 100,
    ) -> Page[Delivery]:
        event_id, subscription_id = divmod(after_cursor(cursor), SUBSCRIPTIONS_PER_CURSOR)
        found = await outbox.deliveries(conn, request.user.id, (event_id, subscription_id), limit, status)
        last = found[-1] if len(found) == limit else None
        next_cursor = (
            encode_cursor(int(last.event_id.removeprefix("evt_")) * SUBSCRIPTIONS_PER_CURSOR + last.subscription_id)
            if last else None
        )
        return Page(items=found, next_cursor=next_cursor)


@get("/api/v1/events", operation_id="pollEvents", summary="The channel's events after a cursor, for channels that poll", tags=["events"], guards=[channel_only])
async def poll_events(
    request: Request,
    conn: Conn,
    after: Annotated[int, QueryParameter(ge=0, description="next_cursor of the previous page; 0 from the start")] = 0,
    limit: PageSize = 100,
) -> EventPage:
    return await outbox.poll(conn, request.user.id, after, limit)


@post(
    "/api/v1/channels/{channel:str}/{store:str}/orders",
    operation_id="receiveStoreOrderWebhook",
    summary="A Shopify orders/create or WooCommerce order.created webhook, verified by its signature",
    tags=["orders"],
    opt={"exclude_from_auth": True},
    responses={200: ResponseSpec(StoreOrderResult, description="A ping, a delivery already answered, a duplicate, or nothing to ship")},
)
async def receive_store_order(
    request: Request, conn: Conn, channel: FromPath[str], store: FromPath[Literal["shopify", "woocommerce"]]
) -> Response[StoreOrderResult]:
    status, body = await receive(conn, channel, store, await request.body(), request.headers)
    return Response(body, status_code=status, media_type="application/json")
