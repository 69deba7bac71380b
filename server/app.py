"""create_app(settings): the Litestar application, wired in one place."""

import asyncio
import functools
import logging
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin, SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme

from server.auth.routes import AuthController, UserController, security_events
from server.auth.security import authentication, principals
from server.console.live import live_feed
from server.console.router import console, static, templates
from server.core import logs
from server.core.coalescing import Coalescer
from server.core.database import open_pool
from server.core.errors import document_problems, exception_handlers
from server.core.health import health
from server.core.http import provide_conn, strict_body
from server.core.metrics import metrics, pool_sampler
from server.core.requests import Observed
from server.core.settings import SHUTDOWN_SECONDS, Settings
from server.floor import fast_confirmation
from server.floor.routes import PickingController, WaveController, exceptions, replenishment_rule
from server.floor.waves import waveless
from server.inventory.routes import (
    BarcodeController,
    LocationController,
    SkuController,
    StockController,
    TransferController,
    WarehouseController,
)
from server.inventory.stock import Arrived
from server.orders import allocation, intake
from server.orders.routes import (
    ChannelController,
    SkuMappingController,
    OrderController,
    WebhookController,
    allocate_order,
    availability,
    poll_events,
    receive_store_order,
)
from server.orders.webhook_delivery import webhook_worker
from server.printing.routes import LabelController, PrinterController, PrintJobController
from server.printing.worker import print_worker
from server.receiving.routes import (
    CountController, PutawayController, ReceiptController, ReceivingController, ReturnController, StorageController,
)
from server.shipping.routes import ManifestController, PackingController, ShippingController

ROUTES = [
    health,
    metrics,
    AuthController,
    UserController,
    security_events,
    WarehouseController,
    LocationController,
    SkuController,
    BarcodeController,
    StockController,
    TransferController,
    PrinterController,
    LabelController,
    PrintJobController,
    ChannelController,
    SkuMappingController,
    OrderController,
    availability,
    allocate_order,
    WebhookController,
    poll_events,
    receive_store_order,
    WaveController,
    PickingController,
    exceptions,
    replenishment_rule,
    PackingController,
    ShippingController,
    ManifestController,
    ReceiptController,
    ReceivingController,
    StorageController,
    PutawayController,
    CountController,
    ReturnController,
    console,
    static,
]


def arrivals() -> Arrived:
    """Stock that becomes pickable serves the orders waiting for it (inventory's routes take this,
    since inventory stands below orders)."""
    return allocation.allocate_waiting


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or Settings.from_env()
    if not logging.getLogger().handlers:  # a worker process `wms serve --workers` spawned: log as its parent does
        logs.configure()

    @asynccontextmanager
    async def database(app: Litestar):
        app.state.pool = await open_pool(settings)
        app.state.intake = Coalescer(functools.partial(intake.place, app.state.pool))
        app.state.principals = Coalescer(functools.partial(principals, app.state.pool))
        app.state.picks = Coalescer(
            functools.partial(fast_confirmation.confirm_group, app.state.pool), concurrency=fast_confirmation.GROUPS_AT_ONCE
        )
        try:
            yield
        finally:
            # A connection someone still holds (a request cut off by the shutdown) must not keep
            # the process from stopping: a supervisor waits only so long before killing it.
            try:
                await asyncio.wait_for(app.state.pool.close(), timeout=SHUTDOWN_SECONDS)
            except TimeoutError:
                app.state.pool.terminate()

    app = Litestar(
        route_handlers=ROUTES,
        lifespan=[database, pool_sampler, print_worker, webhook_worker, waveless, live_feed],
        state=State({"settings": settings}),
        dependencies={"conn": Provide(provide_conn), "arrived": Provide(arrivals, sync_to_thread=False, use_cache=True)},
        middleware=[Observed(settings.access_log), authentication],
        template_config=templates,
        before_request=strict_body,
        exception_handlers=exception_handlers,
        logging_config=None,  # the process's logging is set up once, as JSON lines (core/logs.py)
        openapi_config=OpenAPIConfig(
            title="WMS API",
            version="1",
            path="/schema",
            render_plugins=[SwaggerRenderPlugin(path="/"), ScalarRenderPlugin(path="/scalar")],
            components=Components(
                security_schemes={"bearer": SecurityScheme(type="http", scheme="bearer", description="a session token or a channel API key")}
            ),
            security=[{"bearer": []}],
        ),
    )
    document_problems(app)
    return app
