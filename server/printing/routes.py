"""Printers, label previews and print jobs."""

from typing import Annotated

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from schema.common import Page
from schema.printing import JobStatus, Printer, PrinterCreate, PrinterStatus, PrintJob, PrintRequest
from server.core.http import Conn, Cursor, IdempotencyKey, PageSize, after_cursor, allow, caller, once, page
from server.core.problems import NotFound
from server.printing import jobs, printers, rendering

PRINTING_ROLES = ("supervisor", "receiver", "picker", "packer", "shipper")
Dpi = Annotated[int, QueryParameter(description="203 or 300")]


def _job_id(job_id: str) -> int:
    # A str path parameter, so an unauthenticated caller gets 401 whatever the path says.
    if not job_id.isdigit() or len(job_id) > 18:
        raise NotFound(f"no print job {job_id}")
    return int(job_id)


async def _print(request: Request, conn: Conn, key: str | None, data, record) -> Response[PrintJob]:
    """Record the job once per Idempotency-Key, then (after the commit) send it.

    201: printed; 202: queued, the retry worker sends it; 409: the printer reports a fault.
    A replay sends nothing and answers with the job as it stands now.
    """
    recorded = await once(request, conn, key, data, record)
    replayed = "Idempotent-Replayed" in recorded.headers
    job = await jobs.deliver(conn, msgspec.json.decode(recorded.content, type=PrintJob).id, attempt=not replayed)
    headers = {"Idempotent-Replayed": "true"} if replayed else {}
    status = 201 if job.status == "printed" else 202
    return Response(msgspec.json.encode(job), status_code=status, media_type="application/json", headers=headers)


class PrinterController(Controller):
    path = "/api/v1/printers"
    tags = ["printing"]

    @get(operation_id="listPrinters", summary="Printers with their live status (~HS; unknown for CUPS queues)")
    async def list_printers(self, conn: Conn) -> list[Printer]:
        return await printers.list_printers(conn)

    @post(operation_id="createPrinter", summary="Add a label printer", guards=[allow("supervisor")])
    async def create(
        self, request: Request, data: JSONBody[PrinterCreate], conn: Conn, idempotency_key: IdempotencyKey
    ) -> Response[Printer]:
        return await once(request, conn, idempotency_key, data, lambda: printers.create_printer(conn, data))

    @get("/{name:str}/status", operation_id="getPrinterStatus", summary="Ask one printer its status now (~HS)")
    async def status(self, conn: Conn, name: FromPath[str]) -> PrinterStatus:
        return await printers.printer_status(conn, name)

    @post(
        "/{name:str}/jobs",
        operation_id="printLabel",
        summary="Print a label: 201 printed, 202 queued for retry, 409 printer fault",
        guards=[allow(*PRINTING_ROLES)],
    )
    async def print_label(
        self, request: Request, name: FromPath[str], data: JSONBody[PrintRequest], conn: Conn, idempotency_key: IdempotencyKey
    ) -> Response[PrintJob]:
        return await _print(
            request, conn, idempotency_key, data, lambda: jobs.record_job(conn, name, data, caller(request))
        )


class LabelController(Controller):
    path = "/api/v1/labels"
    tags = ["printing"]

    @post("/preview", operation_id="previewLabel", summary="Draw a label as PNG", status_code=200, media_type="image/png")
    async def preview(self, data: JSONBody[PrintRequest], dpi: Dpi = 203) -> Response[bytes]:
        return Response(await rendering.preview(data, dpi), media_type="image/png")


class PrintJobController(Controller):
    path = "/api/v1/print-jobs"
    tags = ["printing"]

    @get(operation_id="listPrintJobs", summary="Print jobs, newest first")
    async def list_jobs(
        self,
        conn: Conn,
        printer: FromQuery[str | None] = None,
        status: FromQuery[JobStatus | None] = None,
        cursor: Cursor = None,
        limit: PageSize = 100,
    ) -> Page[PrintJob]:
        return page(await jobs.list_jobs(conn, after_cursor(cursor), limit, printer, status), limit)

    @get("/{job_id:str}", operation_id="getPrintJob", summary="One print job")
    async def get_one(self, conn: Conn, job_id: FromPath[str]) -> PrintJob:
        return await jobs.get_job(conn, _job_id(job_id))

    @post(
        "/{job_id:str}/reprint",
        operation_id="reprintJob",
        summary="Print a job's label again, as a new job",
        guards=[allow(*PRINTING_ROLES)],
    )
    async def reprint(
        self, request: Request, conn: Conn, job_id: FromPath[str], idempotency_key: IdempotencyKey
    ) -> Response[PrintJob]:
        number = _job_id(job_id)
        return await _print(
            request, conn, idempotency_key, None, lambda: jobs.record_reprint(conn, number, caller(request))
        )

    @post(
        "/{job_id:str}/void",
        operation_id="voidJob",
        summary="Void a queued job: it is never sent",
        guards=[allow(*PRINTING_ROLES)],
    )
    async def void(self, request: Request, conn: Conn, job_id: FromPath[str], idempotency_key: IdempotencyKey) -> Response[PrintJob]:
        number = _job_id(job_id)
        return await once(request, conn, idempotency_key, None, lambda: jobs.void(conn, number), status_code=200)
