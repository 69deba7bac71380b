"""Dashboards: charts drawn on the server as SVG (pygal), shown as images, so no chart script runs
in the page."""

import pygal
from litestar import Request, Response, get
from litestar.params import FromPath
from litestar.response import Template
from pygal.style import CleanStyle

from schema.figures import Chart
from server.console.pages import SUPERVISORS, page
from server.core.http import Conn, allow
from server.core.problems import NotFound
from server.floor import figures as floor_figures
from server.orders import figures as order_figures

GUARD = [allow(*SUPERVISORS)]
# name: (the figures, the kind of chart)
CHARTS = {
    "orders-by-status": (order_figures.orders_by_status, pygal.StackedBar),
    "picks-per-hour": (floor_figures.picks_per_hour, pygal.Line),
    "backorders": (order_figures.backorders, pygal.HorizontalBar),
    "on-time": (order_figures.on_time, pygal.StackedBar),
}
# The SVG's own style sheet applies; nothing in it runs.
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'"


def draw(chart: Chart, kind: type) -> bytes:
    drawing = kind(style=CleanStyle, width=800, height=360, js=[], disable_xml_declaration=False,
                   x_label_rotation=30 if len(chart.labels) > 12 else 0, legend_at_bottom=True, no_data_text="nothing yet")
    drawing.title = chart.title
    drawing.x_labels = chart.labels
    for name, values in chart.series.items():
        drawing.add(name, values)
    return drawing.render()


@get("/dashboards", guards=GUARD, include_in_schema=False)
async def dashboards(request: Request) -> Template:
    return page(request, "dashboards.html", charts=list(CHARTS))


@get("/dashboards/charts/{name:str}", guards=GUARD, include_in_schema=False, media_type="image/svg+xml")
async def chart(conn: Conn, name: FromPath[str]) -> Response[bytes]:
    if name not in CHARTS:
        raise NotFound(f"no chart {name}")
    figures, kind = CHARTS[name]
    return Response(draw(await figures(conn), kind), media_type="image/svg+xml", headers={"Content-Security-Policy": SVG_POLICY})
