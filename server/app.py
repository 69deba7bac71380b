"""create_app(settings): the Litestar application, wired in one place."""

import asyncio
import functools
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin, SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme

from server.api.auth import AuthController, UserController
from server.api.catalog import BarcodeController, SkuController
from server.api.channels import ChannelController, WebhookController, poll_events
from server.api.common import provide_conn, strict_body
from server.api.errors import exception_handlers
from server.api.health import health
from server.api.locations import LocationController, WarehouseController
from server.api.orders import OrderController, allocate_order, availability
from server.api.picking import PickingController, WaveController, exceptions, replenishment_rule
from server.api.printing import LabelController, PrinterController, PrintJobController
from server.api.security import authentication, principals
from server.api.stock import StockController
from server.api.store_webhooks import receive_store_order
from server.api.transfer import TransferController
from server import intake, pick_confirmation
from server.coalescing import Coalescer
from server.database import open_pool
from server.picking import waveless
from server.printing import print_worker
from server.settings import SHUTDOWN_SECONDS, Settings
from server.webhooks import webhook_worker

ROUTES = [
    health,
    AuthController,
    UserController,
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
]


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def database(app: Litestar):
        app.state.pool = await open_pool(settings)
        app.state.intake = Coalescer(functools.partial(intake.place, app.state.pool))
        app.state.principals = Coalescer(functools.partial(principals, app.state.pool))
        app.state.picks = Coalescer(
            functools.partial(pick_confirmation.confirm_group, app.state.pool), concurrency=pick_confirmation.GROUPS_AT_ONCE
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

    return Litestar(
        route_handlers=ROUTES,
        lifespan=[database, print_worker, webhook_worker, waveless],
        state=State({"settings": settings}),
        dependencies={"conn": Provide(provide_conn)},
        middleware=[authentication],
        before_request=strict_body,
        exception_handlers=exception_handlers,
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
