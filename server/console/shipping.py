"""Administration of shipping: carriers and carton types, as the API sets them."""

import msgspec
from litestar import Request, Response, get, post
from litestar.response import Redirect, Template

from schema.shipping import CarrierIn, CartonTypeIn
from server.console.pages import ADMINS, SUPERVISORS, page
from server.console.session import form
from server.core.http import Conn, allow
from server.core.problems import Invalid
from server.shipping import carriers, cartons

GUARD = [allow(*SUPERVISORS)]  # the API's putCartonType
CARRIER_GUARD = [allow(*ADMINS)]  # the API's putCarrier
CARTON_FIELDS = ("code", "description", "length_mm", "width_mm", "height_mm", "tare_g", "max_weight_g")


async def _setup(request: Request, conn, status: int = 200, **context) -> Template:
    return page(request, "admin/shipping.html", status, carriers=await carriers.list_carriers(conn),
                cartons=await cartons.list_carton_types(conn), fields=CARTON_FIELDS, **context)


@get("/admin/shipping", guards=GUARD, include_in_schema=False)
async def setup(request: Request, conn: Conn) -> Template:
    return await _setup(request, conn)


@post("/admin/shipping/carriers", guards=CARRIER_GUARD, include_in_schema=False)
async def put_carrier(request: Request, conn: Conn) -> Response:
    fields = await form(request)
    given = {k: fields[k].strip() for k in ("code", "name", "tracking_format", "tracking_url") if fields.get(k, "").strip()}
    given["services"] = [s.strip() for s in fields.get("services", "").split(",") if s.strip()]
    try:
        data = msgspec.convert(given, CarrierIn)
        async with conn.transaction():
            await carriers.put_carrier(conn, data)
    except msgspec.ValidationError as error:
        return await _setup(request, conn, 422, carrier_refusal=Invalid(str(error).replace("$.", "")))
    except Invalid as refused:
        return await _setup(request, conn, 422, carrier_refusal=refused)
    return Redirect("/admin/shipping", status_code=303)


@post("/admin/shipping/cartons", guards=GUARD, include_in_schema=False)
async def put_carton(request: Request, conn: Conn) -> Response:
    fields = await form(request)
    given = {k: fields[k].strip() for k in CARTON_FIELDS if fields.get(k, "").strip()}
    try:
        data = msgspec.convert(given, CartonTypeIn, strict=False)
    except msgspec.ValidationError as error:
        return await _setup(request, conn, 422, refusal=Invalid(str(error).replace("$.", "")), given=given)
    async with conn.transaction():
        await cartons.put_carton_type(conn, data)
    return Redirect("/admin/shipping", status_code=303)
