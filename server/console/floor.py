"""The floor, live: orders waiting for a wave, waves and their progress, trips in progress with
their picker and last scan, open exceptions to resolve; a wave previewed, then released."""

import msgspec
from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from schema.picking import WaveRelease
from server.console.pages import SUPERVISORS, page
from server.console.session import form
from server.core.http import Conn, allow
from server.core.problems import Conflict, Invalid
from server.floor import shorts, trips, waves

WAVE_FIELDS = ("mode", "carrier", "max_orders", "max_priority", "orders_per_trip")


async def _floor(conn) -> dict:
    return {
        "waiting": await waves.waiting_count(conn),
        "waves": await waves.recent_waves(conn, None, 10),
        "trips": await trips.in_progress(conn, 0, 50),
        "exceptions": await shorts.open_exceptions(conn),
    }


def _release(fields: dict[str, str]) -> WaveRelease:
    """The wave form as the API's WaveRelease, checked as strictly (its numbers from text)."""
    given = {name: fields[name].strip() for name in WAVE_FIELDS if fields.get(name, "").strip()}
    try:
        return msgspec.convert(given, WaveRelease, strict=False)
    except msgspec.ValidationError as error:
        raise Invalid(str(error).replace("$.", "")) from None


@get("/floor", guards=[allow(*SUPERVISORS)], include_in_schema=False)
async def floor(request: Request, conn: Conn) -> Template:
    return page(request, "floor/floor.html", wave={}, **await _floor(conn))


@get("/floor/live", guards=[allow(*SUPERVISORS)], include_in_schema=False)
async def floor_live(request: Request, conn: Conn) -> Template:
    return page(request, "floor/_live.html", **await _floor(conn))


@post("/floor/waves/preview", guards=[allow(*SUPERVISORS)], include_in_schema=False)
async def preview(request: Request, conn: Conn) -> Template:
    fields = await form(request)
    try:
        shown = await waves.preview(conn, _release(fields), request.user.id)
    except (Conflict, Invalid) as refused:
        return page(request, "floor/floor.html", refused.status, wave=fields, refusal=refused, **await _floor(conn))
    return page(request, "floor/floor.html", wave=fields, preview=shown, **await _floor(conn))


@post("/floor/waves", guards=[allow(*SUPERVISORS)], include_in_schema=False)
async def release(request: Request, conn: Conn) -> Template:
    fields = await form(request)
    try:
        async with conn.transaction():
            released = await waves.release_wave(conn, _release(fields), request.user.id)
    except (Conflict, Invalid) as refused:
        return page(request, "floor/floor.html", refused.status, wave=fields, refusal=refused, **await _floor(conn))
    return page(request, "floor/floor.html", 201, wave={}, released=released, **await _floor(conn))


@post("/floor/exceptions/{exception_id:int}/resolve", guards=[allow(*SUPERVISORS)], include_in_schema=False)
async def resolve(request: Request, conn: Conn, exception_id: FromPath[int]) -> Response:
    fields = await form(request)
    async with conn.transaction():
        await shorts.resolve(conn, exception_id, request.user.id, fields.get("resolution", "").strip()[:500])
    return Redirect("/floor", status_code=303)
