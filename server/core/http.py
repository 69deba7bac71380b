"""What every controller shares: the connection, the caller, role guards, pages, strict bodies and
idempotent writes."""

from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Annotated, Any

import asyncpg
import msgspec
from litestar import Request, Response
from litestar.connection import ASGIConnection
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.handlers import BaseRouteHandler
from litestar.params import HeaderParameter, QueryParameter

from schema.channels import Channel
from schema.common import FieldError, Page, decode_cursor, encode_cursor
from server.core import nul
from server.core.idempotency import Stored, run_once
from server.core.problems import Forbidden, Invalid, Malformed
from server.core.outages import connection

Conn = NamedDependency[asyncpg.Connection]
IdempotencyKey = Annotated[
    str | None,
    HeaderParameter(
        name="Idempotency-Key",
        min_length=1,
        max_length=255,
        pattern=r"\S",  # not blank
        required=False,
        description="Optional. A key the client makes for this call (1 to 255 characters); a replay with the same key"
        " returns the first answer and changes nothing.",
    ),
]
Cursor = Annotated[str | None, QueryParameter(description="next_cursor from the previous page")]
PageSize = Annotated[int, QueryParameter(ge=1, le=1000, description="items per page")]


async def provide_conn(state: State) -> AsyncGenerator[asyncpg.Connection, None]:
    """A pool connection for the request, only for handlers that take one: a handler that queues
    its work (order intake) must not sit on a connection while it waits, or enough waiting
    requests would hold every connection the queue needs to drain."""
    async with connection(state.pool) as conn:
        yield conn


def allow(*roles: str, channels: bool = False) -> Callable[[ASGIConnection, BaseRouteHandler], Awaitable[None]]:
    """A guard that lets these roles (and admins) through, and sales channels if `channels`.

    Guards are coroutines: Litestar runs a plain function guard in a worker thread, a thread hop
    on every request for a check that takes microseconds."""

    async def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        if _describing(connection):
            return
        if isinstance(connection.user, Channel):
            if not channels:
                raise Forbidden("a channel's API key cannot do this; it is for order intake, status and events")
            return
        role = connection.user.role
        if role != "admin" and role not in roles:
            who = " or ".join(roles) + (" (or a channel API key)" if channels else "")
            raise Forbidden(f"this needs the role {who}; you are {role}")

    return guard


def _describing(connection: ASGIConnection) -> bool:
    """An OPTIONS request (a CORS preflight) only lists the allowed methods; like Litestar's
    authentication it is answered for anyone, so there is no caller to check."""
    return connection.scope["method"] == "OPTIONS"


async def channel_only(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    if _describing(connection):
        return
    if not isinstance(connection.user, Channel):
        raise Forbidden("this is done with a channel's API key (wms channel create NAME)")


def channel_scope(request: Request) -> int | None:
    """The channel whose data the caller may see; None for warehouse staff, who see every channel."""
    return request.user.id if isinstance(request.user, Channel) else None


def after_cursor(cursor: str | None) -> int:
    try:
        return decode_cursor(cursor)
    except ValueError:
        raise Invalid.field("cursor", "not a cursor this server gave out; start again without it") from None


def page(items: list[Any], limit: int) -> Page:
    return Page(items=items, next_cursor=encode_cursor(items[-1].id) if len(items) == limit else None)


def _validation_problem(error: msgspec.ValidationError) -> Malformed:
    reason, _, path = str(error).partition(" - at `")
    field = path.rstrip("`").removeprefix("$").removeprefix(".") or "body"
    return Malformed(f"{field}: {reason}", errors=[FieldError(field, reason)])


def _refuse_nul(field: str) -> None:
    raise Malformed(f"{field}: {nul.REASON}", errors=[FieldError(field, nul.REASON)])


async def strict_body(request: Request) -> None:
    """Decode the body strictly (no "5" for 5) before Litestar's lenient conversion sees it, and
    refuse a NUL in any text the caller sent (parameters and body)."""
    for name, value in (*request.query_params.multi_items(), *request.path_params.items()):
        if isinstance(value, str) and "\x00" in value:
            _refuse_nul(name)
    field = request.route_handler.parsed_data_field
    if field is None:
        return None
    body = await request.body()
    try:
        msgspec.json.decode(body, type=field.annotation, strict=True)
    except msgspec.ValidationError as error:
        raise _validation_problem(error) from None
    except msgspec.DecodeError as error:
        raise Malformed(f"the body is not valid JSON: {error}") from None
    if (where := nul.nul_in_json(body)) is not None:
        _refuse_nul(where)
    return None


async def once(
    request: Request,
    conn: asyncpg.Connection,
    key: str | None,
    data: msgspec.Struct | None,
    action: Callable[[], Awaitable[msgspec.Struct]],
    status_code: int = 201,
) -> Response:
    """Run a mutating service call at most once per (caller, Idempotency-Key)."""

    async def run() -> tuple[int, bytes]:
        return status_code, msgspec.json.encode(await action())

    return answer(await run_once(conn, caller_scope(request), key, canonical(request, key, data), run))


def canonical(request: Request, key: str | None, data: msgspec.Struct | None) -> bytes:
    """What a repeated Idempotency-Key is compared by; without a key there is nothing to compare."""
    if key is None:
        return b""
    return b"%s %s\n%s" % (request.method.encode(), request.url.path.encode(), msgspec.json.encode(data))


def answer(stored: Stored) -> Response:
    headers = {"Idempotent-Replayed": "true"} if stored.replayed else {}
    return Response(stored.body, status_code=stored.status_code, media_type="application/json", headers=headers)


def caller_scope(request: Request) -> str:
    kind = "channel" if isinstance(request.user, Channel) else "user"
    return f"{kind}:{request.user.id}"


def caller(request: Request) -> tuple[int, str]:
    return request.user.id, request.user.username
