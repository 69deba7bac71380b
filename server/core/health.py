"""Liveness and database status, for load balancers and people."""

import time

import msgspec
from litestar import Response, get
from litestar.datastructures import State
from litestar.openapi.datastructures import ResponseSpec

from server.core.outages import RETRY_AFTER_SECONDS, connection


class Health(msgspec.Struct):
    status: str
    database: str
    database_latency_ms: float | None = None
    schema_version: str | None = None


@get(
    "/health",
    operation_id="health",
    summary="Server and database status",
    opt={"exclude_from_auth": True},
    tags=["health"],
    responses={503: ResponseSpec(Health, description="The database cannot be reached; `database` says why")},
)
async def health(state: State) -> Response[Health]:
    started = time.perf_counter()
    try:
        async with connection(state.pool, timeout=2) as conn:
            version = await conn.fetchval("select max(name) from schema_migrations")
    except Exception as error:  # the point of /health is to report this, not raise it
        return Response(Health("unavailable", f"error: {error}"), status_code=503,
                        headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
    latency = round((time.perf_counter() - started) * 1000, 2)
    return Response(Health("ok", "ok", latency, version))
