"""Bulk CSV import and export of locations, SKUs and opening stock.

An import is all or nothing: every row is checked first and the errors reported by line and
column; then the rows go in inside one transaction, and a row the database refuses rolls back
the whole file.
"""

import csv
import datetime
import io
from collections.abc import Callable

import asyncpg
import msgspec

from schema.catalog import Pack, SkuBarcode, SkuCreate
from schema.common import FieldError
from schema.locations import LocationCreate
from schema.stock import Adjustment
from server.core.problems import Invalid, Problem
from server.inventory import catalog, locations, stock

LOCATION_COLUMNS = ["warehouse", "code", "kind", "type", "parent", "barcode", "pick_sequence", "x", "y", "z", "capacity", "equipment"]
SKU_COLUMNS = [
    "code", "description", "base_uom", "length_mm", "width_mm", "height_mm", "weight_g",
    "tracks_lot", "tracks_expiry", "tracks_serial",
    "gtin", "inner_qty", "inner_gtin", "case_qty", "case_gtin", "pallet_qty", "pallet_gtin", "internal_codes",
]
STOCK_COLUMNS = ["location", "sku", "lot", "expiry", "lpn", "quantity"]
COLUMNS = {"locations": LOCATION_COLUMNS, "skus": SKU_COLUMNS, "stock": STOCK_COLUMNS}
MAX_REPORTED_ERRORS = 100


class RowError(Exception):
    def __init__(self, column: str, reason: str):
        self.column, self.reason = column, reason


def _convert(kind: type, values: dict) -> msgspec.Struct:
    """Typed struct from CSV strings; a bad value raises RowError naming its column."""
    try:
        return msgspec.convert(values, kind, strict=False)
    except msgspec.ValidationError as error:
        reason, _, path = str(error).partition(" - at `")
        column = path.rstrip("`").removeprefix("$.").split("[")[0].split(".")[0] or "row"
        raise RowError(column, reason) from None


def _present(row: dict, columns: list[str]) -> dict:
    return {c: row[c] for c in columns if row.get(c) not in (None, "")}


def location_from_row(row: dict) -> LocationCreate:
    return _convert(LocationCreate, _present(row, LOCATION_COLUMNS))


def _flag(row: dict, column: str) -> bool:
    value = (row.get(column) or "").strip().lower()
    if value in ("", "0", "false", "no", "n"):
        return False
    if value in ("1", "true", "yes", "y"):
        return True
    raise RowError(column, f"expected yes/no, true/false or 1/0, got {value!r}")


def sku_from_row(row: dict) -> SkuCreate:
    packs = [{"level": "each", "quantity": 1}]
    barcodes = []
    if row.get("gtin"):
        barcodes.append({"barcode": row["gtin"], "pack": "each"})
    for level in ("inner", "case", "pallet"):
        if row.get(f"{level}_qty"):
            packs.append({"level": level, "quantity": row[f"{level}_qty"]})
        if row.get(f"{level}_gtin"):
            barcodes.append({"barcode": row[f"{level}_gtin"], "pack": level})
    for code in filter(None, (c.strip() for c in (row.get("internal_codes") or "").split("|"))):
        barcodes.append({"barcode": code, "kind": "internal"})
    values = _present(row, SKU_COLUMNS[:7]) | {
        "tracks_lot": _flag(row, "tracks_lot"),
        "tracks_expiry": _flag(row, "tracks_expiry"),
        "tracks_serial": _flag(row, "tracks_serial"),
    }
    try:
        packs_typed = msgspec.convert(packs, list[Pack], strict=False)
    except msgspec.ValidationError as error:
        raise RowError("case_qty", str(error).split(" - ")[0]) from None
    sku = _convert(SkuCreate, values)
    sku = msgspec.structs.replace(sku, packs=packs_typed, barcodes=msgspec.convert(barcodes, list[SkuBarcode]))
    try:
        catalog.checked_barcodes(sku)
    except Invalid as problem:
        raise RowError(_sku_column(problem.errors[0].field, sku), problem.errors[0].reason) from None
    return sku


def _sku_column(field: str, sku: SkuCreate) -> str:
    if field.startswith("barcodes["):
        barcode = sku.barcodes[int(field[9 : field.index("]")])]
        return "internal_codes" if barcode.kind == "internal" else ("gtin" if barcode.pack == "each" else f"{barcode.pack}_gtin")
    return "case_qty"


def stock_from_row(row: dict) -> Adjustment:
    values = _present(row, STOCK_COLUMNS) | {"direction": "in", "reason": "opening", "reference": "csv import"}
    return _convert(Adjustment, values)


PARSERS: dict[str, Callable[[dict], msgspec.Struct]] = {
    "locations": location_from_row,
    "skus": sku_from_row,
    "stock": stock_from_row,
}


def _delimiter(text: str) -> str:
    """Comma, or the semicolon (or tab) a spreadsheet in a comma-decimal locale writes; told
    apart by the header row, which has no quoted cells."""
    header = text.split("\n", 1)[0]
    return max((",", ";", "\t"), key=header.count)


def parse_csv(kind: str, content: bytes) -> list[tuple[int, msgspec.Struct]]:
    """(line number, struct) per data row; Invalid listing every bad row's line and column."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Invalid.field("file", f"not UTF-8 text (byte {error.start})") from None
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    header = reader.fieldnames or []
    unknown = [c for c in header if c not in COLUMNS[kind]]
    if unknown or not header:
        raise Invalid.field(
            "line 1", f"unknown columns {unknown}; {kind} files take: {', '.join(COLUMNS[kind])}" if unknown else "the file is empty"
        )
    parsed, errors = [], []
    for row in reader:
        line = reader.line_num
        if None in row:
            errors.append(FieldError(f"line {line}", "more values than columns"))
            continue
        try:
            parsed.append((line, PARSERS[kind]({k: (v or "").strip() for k, v in row.items()})))
        except RowError as error:
            errors.append(FieldError(f"line {line}, column {error.column}", error.reason))
        if len(errors) >= MAX_REPORTED_ERRORS:
            break
    if errors:
        raise Invalid(f"{len(errors)} bad row(s); nothing was imported", errors=errors)
    return parsed


async def import_csv(conn: asyncpg.Connection, kind: str, content: bytes, user_id: int | None, arrived: stock.Arrived) -> int:
    rows = parse_csv(kind, content)
    async with conn.transaction():
        for line, item in rows:
            try:
                await _import_one(conn, kind, item, user_id, arrived)
            except Problem as problem:
                reason = problem.errors[0].reason if problem.errors else problem.detail
                column = problem.errors[0].field.split(".")[0] if problem.errors else "row"
                raise Invalid(
                    f"line {line}: {reason}; nothing was imported", errors=[FieldError(f"line {line}, column {column}", reason)]
                ) from None
    return len(rows)


async def _import_one(
    conn: asyncpg.Connection, kind: str, item: msgspec.Struct, user_id: int | None, arrived: stock.Arrived
) -> None:
    if kind == "locations":
        await locations.create_location(conn, item)
    elif kind == "skus":
        await catalog.create_sku(conn, item)
    else:
        await stock.adjust(conn, item, (user_id, ""), arrived)


EXPORTS = {
    "locations": """
        select w.code as warehouse, l.code, l.kind, l.type, p.code as parent, l.barcode, l.pick_sequence,
               l.x, l.y, l.z, l.capacity, l.equipment
          from locations l join warehouses w on w.id = l.warehouse_id left join locations p on p.id = l.parent_id
         order by l.id""",
    "skus": """
        select s.code, s.description, s.base_uom, s.length_mm, s.width_mm, s.height_mm, s.weight_g,
               s.tracks_lot, s.tracks_expiry, s.tracks_serial,
               (select min(barcode) from sku_barcodes b where b.sku_id = s.id and kind = 'gtin' and pack = 'each') as gtin,
               (select quantity from sku_packs p where p.sku_id = s.id and level = 'inner') as inner_qty,
               (select min(barcode) from sku_barcodes b where b.sku_id = s.id and kind = 'gtin' and pack = 'inner') as inner_gtin,
               (select quantity from sku_packs p where p.sku_id = s.id and level = 'case') as case_qty,
               (select min(barcode) from sku_barcodes b where b.sku_id = s.id and kind = 'gtin' and pack = 'case') as case_gtin,
               (select quantity from sku_packs p where p.sku_id = s.id and level = 'pallet') as pallet_qty,
               (select min(barcode) from sku_barcodes b where b.sku_id = s.id and kind = 'gtin' and pack = 'pallet') as pallet_gtin,
               (select string_agg(barcode, '|' order by barcode) from sku_barcodes b
                 where b.sku_id = s.id and kind = 'internal') as internal_codes
          from skus s order by s.id""",
    "stock": """
        select l.barcode as location, s.code as sku, st.lot, st.expiry, st.lpn, st.quantity
          from stock st join locations l on l.id = st.location_id join skus s on s.id = st.sku_id
         where st.quantity > 0 order by st.id""",
}


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


async def export_csv(conn: asyncpg.Connection, kind: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS[kind])
    for record in await conn.fetch(EXPORTS[kind]):
        writer.writerow([_cell(record[c]) for c in COLUMNS[kind]])
    return out.getvalue()
