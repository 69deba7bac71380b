"""Printers with their live status, print jobs (reprint, void) and label previews."""

from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from server.console.pages import PAGE_SIZE, page
from server.console.session import form
from server.core.http import Conn, allow, caller
from server.printing import jobs, printers
from server.printing.routes import PRINTING_ROLES


@get("/printing", include_in_schema=False)
async def printing(request: Request, conn: Conn, printer: FromQuery[str] = "", before: FromQuery[int] = 0) -> Template:
    found = await jobs.list_jobs(conn, before, PAGE_SIZE, printer or None, None)
    return page(
        request, "printing/printing.html", printers=await printers.list_printers(conn), jobs=found, printer=printer,
        more=found[-1].id if len(found) == PAGE_SIZE else None,
    )


@get("/printing/jobs/{job_id:int}/label.png", include_in_schema=False, media_type="image/png")
async def label(conn: Conn, job_id: FromPath[int]) -> Response[bytes]:
    return Response(await jobs.label_preview(conn, job_id), media_type="image/png")


@post("/printing/jobs/{job_id:int}/reprint", guards=[allow(*PRINTING_ROLES)], include_in_schema=False)
async def reprint(request: Request, conn: Conn, job_id: FromPath[int]) -> Response:
    await form(request)
    async with conn.transaction():
        job = await jobs.record_reprint(conn, job_id, caller(request))
    await jobs.deliver(conn, job.id)  # after the commit, as the API sends it
    return Redirect("/printing", status_code=303)


@post("/printing/jobs/{job_id:int}/void", guards=[allow(*PRINTING_ROLES)], include_in_schema=False)
async def void(request: Request, conn: Conn, job_id: FromPath[int]) -> Response:
    await form(request)
    async with conn.transaction():
        await jobs.void(conn, job_id)
    return Redirect("/printing", status_code=303)
