"""Channels (for admins), and what a channel manages itself: webhook subscriptions, deliveries, events."""

from typing import Annotated, Literal

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from schema.channels import Channel, ChannelCreate, ChannelCredentials, Delivery, EventPage, Subscription, SubscriptionCreate
from schema.common import Page, encode_cursor
from server import channels, events
from server.api.common import Conn, Cursor, IdempotencyKey, PageSize, after_cursor, allow, channel_only, once

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
        found = await events.deliveries(conn, request.user.id, (event_id, subscription_id), limit, status)
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
    return await events.poll(conn, request.user.id, after, limit)
