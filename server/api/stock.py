"""Stock on hand, adjustments, moves and the ledger."""

from litestar.params import JSONBody, FromQuery
from litestar import Controller, Request, Response, get, post

from schema.common import Page
from schema.stock import Adjustment, LedgerCheck, Move, Movement, OnHand, ReasonCodeOut
from server import stock
from server.api.common import Conn, Cursor, IdempotencyKey, PageSize, after_cursor, allow, caller, once, page


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
        self, request: Request, data: JSONBody[Adjustment], conn: Conn, idempotency_key: IdempotencyKey
    ) -> Response[Movement]:
        return await once(request, conn, idempotency_key, data, lambda: stock.adjust(conn, data, caller(request)))

    @post(
        "/moves",
        operation_id="moveStock",
        summary="Move stock between locations or LPNs",
        guards=[allow("supervisor", "receiver", "picker", "packer")],
    )
    async def move(
        self, request: Request, data: JSONBody[Move], conn: Conn, idempotency_key: IdempotencyKey
    ) -> Response[Movement]:
        return await once(request, conn, idempotency_key, data, lambda: stock.move(conn, data, caller(request)))

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
