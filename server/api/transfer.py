"""CSV import and export of locations, SKUs and opening stock."""

from typing import Literal

import msgspec
from litestar.params import FromPath
from litestar import Controller, Request, Response, get, post

from server import transfer
from server.api.common import Conn, IdempotencyKey, allow, once

Kind = Literal["locations", "skus", "stock"]


class ImportResult(msgspec.Struct):
    kind: str
    imported: int


class TransferController(Controller):
    path = "/api/v1"
    tags = ["import and export"]
    guards = [allow("supervisor")]

    @post(
        "/import/{kind:str}",
        operation_id="importCsv",
        summary="Import a CSV file (text/csv body): every row or none; bad rows named by line and column",
    )
    async def import_csv(
        self, request: Request, kind: FromPath[Kind], conn: Conn, idempotency_key: IdempotencyKey
    ) -> Response[ImportResult]:
        content = await request.body()

        async def run() -> ImportResult:
            return ImportResult(kind, await transfer.import_csv(conn, kind, content, request.user.id))

        return await once(request, conn, idempotency_key, content.decode("utf-8", "replace"), run)

    @get("/export/{kind:str}", operation_id="exportCsv", summary="Export as CSV, in the columns the import takes")
    async def export_csv(self, kind: FromPath[Kind], conn: Conn) -> Response[str]:
        body = await transfer.export_csv(conn, kind)
        return Response(body, media_type="text/csv; charset=utf-8", headers={"Content-Disposition": f'attachment; filename="{kind}.csv"'})
