"""Routes of the inventory: warehouses and locations, SKUs and barcodes, stock and the ledger, CSV
import and export."""

from typing import Literal

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from schema.catalog import BarcodeMatch, Sku, SkuCreate
from schema.common import Page
from schema.locations import Location, LocationCreate, LocationType, Warehouse, WarehouseCreate
from schema.stock import Adjustment, LedgerCheck, Move, Movement, OnHand, ReasonCodeOut
from server.core.http import Conn, Cursor, IdempotencyKey, PageSize, after_cursor, allow, caller, once, page
from server.inventory import catalog, csv_files, locations, stock

# Provided by the app (server.app): what follows stock that becomes pickable.
Arrived = NamedDependency[stock.Arrived]


class WarehouseController(Controller):
    path = "/api/v1/warehouses"
    tags = ["locations"]

    @post(operation_id="createWarehouse", summary="Create a warehouse", guards=[allow("supervisor")])
    async def create(
        self, request: Request, data: JSONBody[WarehouseCreate], conn: Conn, idempotency_key: IdempotencyKey
    ) -> Response[Warehouse]:
        return await once(request, conn, idempotency_key, data, lambda: locations.create_warehouse(conn, data))

    @get(operation_id="listWarehouses", summary="List warehouses")
    async def list(self, conn: Conn) -> list[Warehouse]:
        return await locations.list_warehouses(conn)


class LocationController(Controller):
    path = "/api/v1/locations"
    tags = ["locations"]

    @post(operation_id="createLocation", summary="Create a location (zone, aisle, bay, level, bin or area)", guards=[allow("supervisor")])
    async def create(
        self, request: Request, data: JSONBody[LocationCreate], conn: Conn, idempotency_key: IdempotencyKey
    ) -> Response[Location]:
        return await once(request, conn, idempotency_key, data, lambda: locations.create_location(conn, data))

    @get(operation_id="listLocations", summary="List locations, optionally of one warehouse or type")
    async def list(
        self,
        conn: Conn,
        warehouse: FromQuery[str | None] = None,
        type: FromQuery[LocationType | None] = None,
        cursor: Cursor = None,
        limit: PageSize = 100,
    ) -> Page[Location]:
        found = await locations.list_locations(conn, after_cursor(cursor), limit, warehouse, type)
        return page(found, limit)

    @get("/by-barcode/{barcode:str}", operation_id="locationByBarcode", summary="Look up a scanned location barcode")
    async def by_barcode(self, conn: Conn, barcode: FromPath[str]) -> Location:
        return await locations.location_by_barcode(conn, barcode)

    @get("/{location_id:int}", operation_id="getLocation", summary="One location")
    async def get(self, conn: Conn, location_id: FromPath[int]) -> Location:
        return await locations.get_location(conn, location_id)


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


class StockController(Controller):
    path = "/api/v1/stock"
    tags = ["stock"]

    @get(operation_id="listOnHand", summary="Stock on hand per location, SKU, lot, expiry and LPN")
    async def on_hand(
        self,
        conn: Conn,
        sku: FromQuery[str | None] = None,
        location: FromQuery[str | None] = None,
        cursor: Cursor = None,
        limit: PageSize = 100,
    ) -> Page[OnHand]:
        return page(await stock.on_hand(conn, after_cursor(cursor), limit, sku, location), limit)

    @post(
        "/adjustments",
        operation_id="adjustStock",
        summary="Add found stock or write stock off, with a reason code",
        guards=[allow("supervisor", "receiver")],
    )
    async def adjust(
        self, request: Request, data: JSONBody[Adjustment], conn: Conn, idempotency_key: IdempotencyKey, arrived: Arrived
    ) -> Response[Movement]:
        return await once(request, conn, idempotency_key, data, lambda: stock.adjust(conn, data, caller(request), arrived))

    @post(
        "/moves",
        operation_id="moveStock",
        summary="Move stock between locations or LPNs",
        guards=[allow("supervisor", "receiver", "picker", "packer")],
    )
    async def move(
        self, request: Request, data: JSONBody[Move], conn: Conn, idempotency_key: IdempotencyKey, arrived: Arrived
    ) -> Response[Movement]:
        return await once(request, conn, idempotency_key, data, lambda: stock.move(conn, data, caller(request), arrived))

    @get("/movements", operation_id="listMovements", summary="The movement ledger, oldest first")
    async def movements(
        self,
        conn: Conn,
        sku: FromQuery[str | None] = None,
        location: FromQuery[str | None] = None,
        reference: FromQuery[str | None] = None,
        cursor: Cursor = None,
        limit: PageSize = 100,
    ) -> Page[Movement]:
        found = await stock.movements(conn, after_cursor(cursor), limit, sku, location, reference)
        return page(found, limit)

    @get("/reasons", operation_id="listReasonCodes", summary="Reason codes for adjustments and moves")
    async def reasons(self, conn: Conn) -> list[ReasonCodeOut]:
        return await stock.reason_codes(conn)

    @get(
        "/ledger-check",
        operation_id="checkLedger",
        summary="Recompute on hand from the ledger and compare",
        guards=[allow("supervisor")],
    )
    async def ledger_check(self, conn: Conn) -> LedgerCheck:
        return await stock.check_ledger(conn)


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
        self, request: Request, kind: FromPath[Kind], conn: Conn, idempotency_key: IdempotencyKey, arrived: Arrived
    ) -> Response[ImportResult]:
        content = await request.body()

        async def run() -> ImportResult:
            return ImportResult(kind, await csv_files.import_csv(conn, kind, content, request.user.id, arrived))

        return await once(request, conn, idempotency_key, content.decode("utf-8", "replace"), run)

    @get("/export/{kind:str}", operation_id="exportCsv", summary="Export as CSV, in the columns the import takes")
    async def export_csv(self, kind: FromPath[Kind], conn: Conn) -> Response[str]:
        body = await csv_files.export_csv(conn, kind)
        return Response(body, media_type="text/csv; charset=utf-8", headers={"Content-Disposition": f'attachment; filename="{kind}.csv"'})
