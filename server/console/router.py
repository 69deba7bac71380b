"""The console as one Router at `/`: its pages, the session cookie instead of the API's bearer
token, a CSRF check on every form, its headers (CSP), refusals as pages; its templates and its
static files (our style sheet and our one script)."""

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from litestar import Router
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template import TemplateConfig

from server.console import (
    channels,
    dashboards,
    floor,
    imports,
    live,
    login,
    orders,
    printing,
    shipping,
    stock,
    users,
)
from server.console.pages import on_problem
from server.console.session import HEADERS, PUBLIC, forms_checked, session
from server.core.problems import Problem

HERE = Path(__file__).parent
API_AUTH_OFF = {"exclude_from_auth": True}  # the console authenticates by its own cookie instead

PAGES = [
    login.login_page, login.login, login.logout, login.home,
    orders.search, orders.order_page, orders.order_live, orders.change,
    stock.by_sku, stock.by_location, stock.ledger,
    floor.floor, floor.floor_live, floor.preview, floor.release, floor.resolve,
    printing.printing, printing.label, printing.reprint, printing.void,
    channels.channel_list, channels.create, channels.rotate, channels.revoke, channels.channel, channels.add_webhook, channels.replay,
    users.user_list, users.create, users.change, users.unlock,
    shipping.setup, shipping.put_carrier, shipping.put_carton,
    imports.import_page, imports.import_file,
    dashboards.dashboards, dashboards.chart,
    live.order_changes, live.floor_changes,
]

console = Router(
    path="/",
    route_handlers=PAGES,
    middleware=[session],
    guards=[forms_checked],
    exception_handlers={Problem: on_problem},
    response_headers=HEADERS,
    opt=API_AUTH_OFF,
    include_in_schema=False,
)

static = create_static_files_router(path="/static", directories=[HERE / "static"], opt=API_AUTH_OFF | PUBLIC)

templates = TemplateConfig(
    engine=JinjaTemplateEngine.from_environment(
        Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True), trim_blocks=True, lstrip_blocks=True)
    )
)
