"""Administration of shipping: carriers and carton types, as the API sets them."""

import msgspec
from litestar import Request, Response, get, post
from litestar.response import Redirect, Template

from schema.shipping import CartonTypeIn
from server.console.pages import SUPERVISORS, page
from server.console.session import form
from server.core.http import Conn, allow
from server.core.problems import Invalid
from server.shipping import carriers, cartons

GUARD = [allow(*SUPERVISORS)]  # the API's putCartonType
CARTON_FIELDS = ("code", "description", "length_mm", "width_mm", "height_mm", "tare_g", "max_weight_g")


async def _setup(request: Request, conn, status: int = 200, **context) -> Template:
    return page(request, "admin/shipping.html", status, carriers=await carriers.list_carriers(conn),
                cartons=await cartons.list_carton_types(conn), fields=CARTON_FIELDS, **context)


@get("/admin/shipping", guards=GUARD, include_in_schema=False)
async def setup(request: Request, conn: Conn) -> Template:
    return await _setup(request, conn)


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
