"""Waves for supervisors; trips, confirmations and short picks for handhelds."""

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from schema.picking import (
    ExceptionOut,
    PickConfirm,
    PickResult,
    ReplenishmentRule,
    ShortPick,
    Trip,
    TripRequest,
    Wave,
    WaveRelease,
)
from server.core.metrics import SCANS
from server.core.http import Conn, IdempotencyKey, allow, answer, caller, caller_scope, canonical, once
from server.floor import replenishment, shorts, trips, waves
from server.floor.fast_confirmation import Confirmation

FLOOR = ("picker", "supervisor")


class WaveController(Controller):
    path = "/api/v1/waves"
    tags = ["picking"]
    guards = [allow("supervisor")]

    @post(operation_id="releaseWave", summary="Release orders to the floor as pick tasks (discrete, batch or zone)")
    async def release(self, request: Request, data: JSONBody[WaveRelease], conn: Conn, idempotency_key: IdempotencyKey) -> Response[Wave]:
        return await once(request, conn, idempotency_key, data, lambda: waves.release_wave(conn, data, request.user.id))


class PickingController(Controller):
    path = "/api/v1/picking"
    tags = ["picking"]

    @post(
        "/next",
        operation_id="nextTrip",
        summary="The picker's trip: held by them until done or the lease runs out (200: nothing is created)",
        guards=[allow(*FLOOR)],
        status_code=200,
    )
    async def next(self, request: Request, data: JSONBody[TripRequest], conn: Conn) -> Trip:
        return await trips.next_trip(conn, data, caller(request))

    @get("/trips/{trip:int}", operation_id="getTrip", summary="A trip's tasks in walking order", guards=[allow(*FLOOR)])
    async def trip(self, request: Request, conn: Conn, trip: FromPath[int]) -> Trip:
        return await trips.get_trip(conn, trip, request.user.username)

    @post("/trips/{trip:int}/assign", operation_id="assignTrip", summary="Give a trip to another picker", guards=[allow("supervisor")])
    async def assign(self, conn: Conn, trip: FromPath[int], username: FromQuery[str]) -> Trip:
        async with conn.transaction():
            return await trips.reassign(conn, trip, username)

    @post("/tasks/{task_id:int}/confirm", operation_id="confirmPick", summary="Confirm a pick by its scans; a replayed scan_id moves nothing", guards=[allow(*FLOOR)])
    async def confirm(self, request: Request, task_id: FromPath[int], data: JSONBody[PickConfirm]) -> Response[PickResult]:
        # the scan id is bound to the request as `once` binds an Idempotency-Key: method, path, body
        scan = Confirmation(caller_scope(request), canonical(request, data.scan_id, data), task_id, data, caller(request))
        stored = await request.app.state.picks.submit(scan)
        if stored.status_code == 200 and not stored.replayed:
            SCANS.labels("pick").inc()
        return answer(stored)

    @post("/tasks/{task_id:int}/short", operation_id="reportShortPick", summary="The bin holds less than the task asks", guards=[allow(*FLOOR)])
    async def short(self, request: Request, task_id: FromPath[int], data: JSONBody[ShortPick], conn: Conn) -> Response[PickResult]:
        return await once(request, conn, data.scan_id, data, lambda: shorts.short(conn, task_id, data, caller(request)), 200)


@get("/api/v1/exceptions", operation_id="listExceptions", summary="Open exceptions from the floor (short picks)", tags=["picking"], guards=[allow("supervisor")])
async def exceptions(conn: Conn) -> list[ExceptionOut]:
    return await shorts.open_exceptions(conn)


@post("/api/v1/replenishment-rules", operation_id="setReplenishmentRule", summary="Min and max for a pick face", tags=["picking"], guards=[allow("supervisor")])
async def replenishment_rule(request: Request, data: JSONBody[ReplenishmentRule], conn: Conn, idempotency_key: IdempotencyKey) -> Response[dict]:
    return await once(request, conn, idempotency_key, data, lambda: replenishment.set_replenishment_rule(conn, data))
