"""Administration of sales channels: create (the key shown once), rotate the key, revoke; their
webhook endpoints and failed deliveries, replayed."""

import msgspec
from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from schema.channels import ChannelCreate, SubscriptionCreate
from server.console.pages import ADMINS, page
from server.console.session import form
from server.core import outbox
from server.core.http import Conn, allow
from server.core.problems import Conflict, Invalid
from server.orders import channels

ADMIN = [allow(*ADMINS)]  # the API's ChannelController: admins only


@get("/admin/channels", guards=ADMIN, include_in_schema=False)
async def channel_list(request: Request, conn: Conn) -> Template:
    return page(request, "admin/channels.html", channels=await channels.list_channels(conn))


@post("/admin/channels", guards=ADMIN, include_in_schema=False)
async def create(request: Request, conn: Conn) -> Template:
    fields = await form(request)
    try:
        data = msgspec.convert({k: fields[k] for k in ("name", "kind", "allocate_on") if fields.get(k)}, ChannelCreate)
        async with conn.transaction():
            made = await channels.create_channel(conn, data)
    except msgspec.ValidationError as error:
        return await _refused(request, conn, Invalid(str(error).replace("$.", "")))
    except Conflict as refused:
        return await _refused(request, conn, refused)
    return page(request, "admin/credentials.html", 201, credentials=made, made=True)


async def _refused(request: Request, conn, refused) -> Template:
    return page(request, "admin/channels.html", refused.status, channels=await channels.list_channels(conn), refusal=refused)


@post("/admin/channels/{name:str}/rotate", guards=ADMIN, include_in_schema=False)
async def rotate(request: Request, conn: Conn, name: FromPath[str]) -> Template:
    await form(request)
    async with conn.transaction():
        rotated = await channels.rotate_key(conn, name)
    return page(request, "admin/credentials.html", credentials=rotated, made=False)


@post("/admin/channels/{name:str}/revoke", guards=ADMIN, include_in_schema=False)
async def revoke(request: Request, conn: Conn, name: FromPath[str]) -> Response:
    await form(request)
    async with conn.transaction():
        await channels.revoke(conn, name)
    return Redirect("/admin/channels", status_code=303)


@get("/admin/channels/{name:str}", guards=ADMIN, include_in_schema=False)
async def channel(request: Request, conn: Conn, name: FromPath[str]) -> Template:
    return await _channel_page(request, conn, name)


async def _channel_page(request: Request, conn, name: str, refusal=None) -> Template:
    found = await channels.get_channel(conn, name)
    return page(
        request, "admin/channel.html", refusal.status if refusal else 200, channel=found, refusal=refusal,
        subscriptions=await channels.subscriptions(conn, found.id),
        failed=await outbox.deliveries(conn, found.id, (0, 0), 100, "failed"),
    )


@post("/admin/channels/{name:str}/webhooks", guards=ADMIN, include_in_schema=False)
async def add_webhook(request: Request, conn: Conn, name: FromPath[str]) -> Response:
    """A webhook endpoint for the channel, as the channel itself adds one through the API."""
    fields = await form(request)
    found = await channels.get_channel(conn, name)
    wanted = [t.strip() for t in fields.get("event_types", "").split(",") if t.strip()]
    try:
        data = msgspec.convert({"url": fields.get("url", "").strip(), "event_types": wanted or None}, SubscriptionCreate)
    except msgspec.ValidationError as error:
        return await _channel_page(request, conn, name, Invalid(str(error).replace("$.", "")))
    async with conn.transaction():
        await channels.subscribe(conn, found.id, data)
    return Redirect(f"/admin/channels/{name}", status_code=303)


@post("/admin/channels/{name:str}/webhooks/{subscription_id:int}/replay", guards=ADMIN, include_in_schema=False)
async def replay(request: Request, conn: Conn, name: FromPath[str], subscription_id: FromPath[int]) -> Response:
    """The endpoint on again and its failed deliveries sent again, in order."""
    await form(request)
    found = await channels.get_channel(conn, name)
    async with conn.transaction():
        await channels.enable_subscription(conn, found.id, subscription_id, replay=True)
    return Redirect(f"/admin/channels/{name}", status_code=303)
