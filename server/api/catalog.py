"""SKUs and item barcodes."""

from litestar.params import JSONBody, FromPath
from litestar import Controller, Request, Response, get, post

from schema.catalog import BarcodeMatch, Sku, SkuCreate
from schema.common import Page
from server import catalog
from server.api.common import Conn, Cursor, IdempotencyKey, PageSize, after_cursor, allow, once, page


class SkuController(Controller):
    path = "/api/v1/skus"
    tags = ["catalog"]

    @post(operation_id="createSku", summary="Create a SKU with its pack levels and barcodes", guards=[allow("supervisor")])
    async def create(
        self, request: Request, data: JSONBody[SkuCreate], conn: Conn, idempotency_key: IdempotencyKey
    ) -> Response[Sku]:
        return await once(request, conn, idempotency_key, data, lambda: catalog.create_sku(conn, data))

    @get(operation_id="listSkus", summary="List SKUs")
    async def list(self, conn: Conn, cursor: Cursor = None, limit: PageSize = 100) -> Page[Sku]:
        return page(await catalog.list_skus(conn, after_cursor(cursor), limit), limit)

    @get("/{code:str}", operation_id="getSku", summary="One SKU by code")
    async def get(self, conn: Conn, code: FromPath[str]) -> Sku:
        return await catalog.get_sku(conn, code)


class BarcodeController(Controller):
    path = "/api/v1/barcodes"
    tags = ["catalog"]

    @get("/{barcode:str}", operation_id="matchBarcode", summary="What a scanned item barcode is: SKU and units per scan")
    async def match(self, conn: Conn, barcode: FromPath[str]) -> BarcodeMatch:
        return await catalog.match_barcode(conn, barcode)
