"""Stock by SKU (on hand per location, lots and expiry, reserved, available to promise), by
location (its content and recent movements), and the ledger, filtered."""

from litestar import Request, get
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from server.console.pages import PAGE_SIZE, page
from server.core.http import Conn
from server.core.problems import NotFound
from server.inventory import availability, catalog, stock


@get("/stock", include_in_schema=False)
async def by_sku(request: Request, conn: Conn, sku: FromQuery[str] = "", after: FromQuery[int] = 0) -> Template:
    sku = sku.strip()
    if not sku:
        skus = await catalog.list_skus(conn, after, PAGE_SIZE)
        return page(request, "stock/skus.html", skus=skus, more=skus[-1].id if len(skus) == PAGE_SIZE else None)
    try:
        item = await catalog.get_sku(conn, sku)
    except NotFound as missing:
        return page(request, "stock/skus.html", 404, skus=[], more=None, missing=missing.detail, sku=sku)
    held = await stock.on_hand(conn, after, PAGE_SIZE, sku=sku)
    return page(
        request, "stock/sku.html", sku=item, held=held, available=(await availability.of(conn, [sku]))[0],
        more=held[-1].id if len(held) == PAGE_SIZE else None,
    )


@get("/stock/locations/{code:str}", include_in_schema=False)
async def by_location(request: Request, conn: Conn, code: FromPath[str]) -> Template:
    return page(
        request, "stock/location.html", code=code, held=await stock.on_hand(conn, 0, 500, location=code),
        movements=await stock.recent_movements(conn, None, 20, location=code),
    )


@get("/stock/ledger", include_in_schema=False)
async def ledger(
    request: Request, conn: Conn, sku: FromQuery[str] = "", location: FromQuery[str] = "", reference: FromQuery[str] = "",
    before: FromQuery[int | None] = None,
) -> Template:
    wanted = {"sku": sku.strip(), "location": location.strip(), "reference": reference.strip()}
    found = await stock.recent_movements(conn, before, PAGE_SIZE, **{k: v or None for k, v in wanted.items()})
    return page(request, "stock/ledger.html", movements=found, wanted=wanted,
                more=found[-1].id if len(found) == PAGE_SIZE else None)
