"""Orders for customer service: search, one order with its live timeline, hold, release, cancel."""

import datetime
from typing import get_args

from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from schema.orders import OrderSearch, OrderStatus
from server.console.pages import PAGE_SIZE, page
from server.console.session import form
from server.core.http import Conn, allow
from server.core.problems import Conflict, NotFound
from server.floor import trips
from server.orders import allocation, channels, reads, state
from server.orders.routes import STAFF
from server.shipping import packing

STATUSES = get_args(OrderStatus)
ACTIONS = {"hold": state.hold, "release": state.release, "cancel": state.cancel}


def _date(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


@get("/orders", guards=[allow(*STAFF)], include_in_schema=False)
async def search(
    request: Request, conn: Conn, q: FromQuery[str] = "", sku: FromQuery[str] = "", channel: FromQuery[str] = "",
    status: FromQuery[str] = "", created_from: FromQuery[str] = "", created_to: FromQuery[str] = "",
    before: FromQuery[int | None] = None,
) -> Template:
    wanted = OrderSearch(
        text=q.strip() or None, sku=sku.strip() or None, channel=channel or None,
        status=status if status in STATUSES else None, created_from=_date(created_from), created_to=_date(created_to),
    )
    found = await reads.search_orders(conn, wanted, before, PAGE_SIZE)
    return page(
        request, "orders/search.html", orders=found, search=wanted, statuses=STATUSES,
        channels=await channels.list_channels(conn), more=found[-1].id if len(found) == PAGE_SIZE else None,
    )


async def _order(conn, order_id: FromPath[int]) -> dict:
    return {
        "order": await reads.get_order(conn, order_id, None),
        "reservations": await allocation.reservations_of(conn, order_id),
        "tasks": await trips.order_tasks(conn, order_id),
        "cartons": await packing.order_cartons(conn, order_id),
    }


@get("/orders/{order_id:int}", guards=[allow(*STAFF)], include_in_schema=False)
async def order_page(request: Request, conn: Conn, order_id: FromPath[int]) -> Template:
    return page(request, "orders/order.html", **await _order(conn, order_id))


@get("/orders/{order_id:int}/live", guards=[allow(*STAFF)], include_in_schema=False)
async def order_live(request: Request, conn: Conn, order_id: FromPath[int]) -> Template:
    return page(request, "orders/_live.html", **await _order(conn, order_id))


@post("/orders/{order_id:int}/{action:str}", guards=[allow(*STAFF)], include_in_schema=False)
async def change(request: Request, conn: Conn, order_id: FromPath[int], action: FromPath[str]) -> Response:
    """Hold, release or cancel as the API does; where it refuses, the order again with the reason."""
    if action not in ACTIONS:
        raise NotFound(f"an order cannot be {action}ed here")
    reason = _reason(await form(request), request.user.username)
    try:
        async with conn.transaction():
            await ACTIONS[action](conn, order_id, None, reason)
    except Conflict as refused:
        return page(request, "orders/order.html", 409, refusal=refused.detail, **await _order(conn, order_id))
    return Redirect(f"/orders/{order_id}", status_code=303)


def _reason(fields: dict[str, str], username: str) -> str:
    """The reason for the timeline, with who gave it from the console."""
    reason = fields.get("reason", "").strip()[:450]
    return f"{reason} (by {username})" if reason else f"by {username}"
