"""Warehouses and locations."""

from litestar.params import JSONBody, FromQuery, FromPath
from litestar import Controller, Request, Response, get, post

from schema.common import Page
from schema.locations import Location, LocationCreate, LocationType, Warehouse, WarehouseCreate
from server import locations
from server.api.common import Conn, Cursor, IdempotencyKey, PageSize, after_cursor, allow, once, page


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
