"""Prometheus metrics at /metrics (prometheus-client): request latency by route, scans confirmed,
orders received, webhook events waiting and failing, print jobs failing, the database pool in
use. Safe with `wms serve --workers N`: the parent makes a directory the workers write their
samples to (PROMETHEUS_MULTIPROC_DIR), and a scrape of any worker adds them all up. Open like
/health unless WMS_METRICS_TOKEN is set; then it takes `Authorization: Bearer <that token>`."""

import asyncio
import contextlib
import hmac
import os
from collections.abc import AsyncIterator

import asyncpg
from litestar import Request, Response, get
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily

from server.core.outages import BROKEN, connection
from server.core.background import running

REQUEST_SECONDS = Histogram(
    "wms_http_request_duration_seconds", "Time to answer a request, by route and status class",
    ["method", "route", "status"], buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
SCANS = Counter("wms_scans_confirmed_total", "Scans confirmed (picks and pack scans), replays not counted", ["kind"])
ORDERS = Counter("wms_orders_received_total", "Orders created from channels (not replays, not duplicates)")
POOL = Gauge("wms_db_pool_connections", "Database connections of the server processes, by state", ["state"],
             multiprocess_mode="livesum")

# From the database at scrape time: the same for every process, so asked once per scrape.
BACKLOG = """
select (select count(*) from deliveries where status = 'pending') as events_waiting,
       (select count(*) from deliveries where status = 'pending' and attempts > 0) as events_retrying,
       (select count(*) from deliveries where status = 'failed') as events_failed,
       (select count(*) from print_jobs where status = 'failed') as print_jobs_failed,
       (select count(*) from print_jobs where status = 'queued' and attempts > 0) as print_jobs_retrying
"""


class Backlog:
    def __init__(self, values: dict[str, int]) -> None:
        self.values = values

    def collect(self):
        for name, value in self.values.items():
            family = GaugeMetricFamily(f"wms_{name}", name.replace("_", " "))
            family.add_metric([], value)
            yield family


def _registry() -> CollectorRegistry:
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    from prometheus_client import REGISTRY

    return REGISTRY


@get("/metrics", include_in_schema=False, opt={"exclude_from_auth": True}, media_type="text/plain; version=0.0.4")
async def metrics(request: Request) -> Response:
    token = os.environ.get("WMS_METRICS_TOKEN")
    sent = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    if token and not hmac.compare_digest(sent.encode(), token.encode()):
        return Response("metrics need the metrics token\n", status_code=401, media_type="text/plain",
                        headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
    registry = _registry()
    output = generate_latest(registry)
    try:
        async with connection(request.app.state.pool, timeout=2) as conn:
            backlog = dict(await conn.fetchrow(BACKLOG))
        extra = CollectorRegistry()
        extra.register(Backlog(backlog))
        output += generate_latest(extra)
    except (*BROKEN, asyncpg.PostgresError, TimeoutError):
        pass  # the request and scan figures are still worth having while the database is away
    return Response(output, media_type="text/plain; version=0.0.4")


@contextlib.asynccontextmanager
async def pool_sampler(app) -> AsyncIterator[None]:
    """The pool's connections in use and idle, every few seconds, for the gauges."""
    async def sample() -> None:
        while True:
            pool = app.state.pool
            POOL.labels("open").set(pool.get_size())
            POOL.labels("idle").set(pool.get_idle_size())
            POOL.labels("in_use").set(pool.get_size() - pool.get_idle_size())
            await asyncio.sleep(5)

    async with running(sample()):
        yield
