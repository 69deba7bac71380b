"""SKUs with pack levels and barcodes; scanned barcodes resolved to a SKU and a quantity."""

import asyncpg
import msgspec

from schema import scans
from schema.catalog import BarcodeMatch, Pack, Sku, SkuBarcodeOut, SkuCreate
from schema.gtin import normalize_gtin
from server.core.problems import Conflict, Invalid, NotFound

SELECT_SKU = """
select s.id, s.code, s.description, s.base_uom, s.length_mm, s.width_mm, s.height_mm, s.weight_g,
       s.tracks_lot, s.tracks_expiry, s.tracks_serial,
       coalesce((select jsonb_agg(jsonb_build_object(
                    'level', p.level, 'quantity', p.quantity, 'length_mm', p.length_mm,
                    'width_mm', p.width_mm, 'height_mm', p.height_mm, 'weight_g', p.weight_g)
                  order by p.quantity)
                   from sku_packs p where p.sku_id = s.id), '[]') as packs,
       coalesce((select jsonb_agg(jsonb_build_object(
                    'barcode', b.barcode, 'kind', b.kind, 'pack', b.pack, 'quantity', b.quantity)
                  order by b.quantity, b.barcode)
                   from sku_barcodes b where b.sku_id = s.id), '[]') as barcodes
  from skus s
"""


def to_sku(row: asyncpg.Record) -> Sku:
    fields = dict(row)
    fields["packs"] = msgspec.json.decode(fields["packs"], type=list[Pack])
    fields["barcodes"] = msgspec.json.decode(fields["barcodes"], type=list[SkuBarcodeOut])
    return Sku(**fields)


def checked_barcodes(data: SkuCreate, field_prefix: str = "") -> list[tuple[str, str, str, int]]:
    """(barcode, kind, pack, quantity) rows, GTINs normalised to 14 digits; Invalid names the bad one."""
    pack_quantity = {"each": 1} | {p.level: p.quantity for p in data.packs}
    levels = [p.level for p in data.packs]
    for level in set(levels):
        if levels.count(level) > 1:
            raise Invalid.field(f"{field_prefix}packs", f"pack level {level!r} is given twice")
    if pack_quantity["each"] != 1:
        raise Invalid.field(f"{field_prefix}packs", "the 'each' level is one base unit; its quantity must be 1")
    rows, seen = [], set()
    for i, b in enumerate(data.barcodes):
        where = f"{field_prefix}barcodes[{i}]"
        value = b.barcode
        if b.kind == "gtin":
            try:
                value = normalize_gtin(b.barcode)
            except ValueError as error:
                raise Invalid.field(f"{where}.barcode", str(error)) from None
        if b.pack not in pack_quantity:
            raise Invalid.field(f"{where}.pack", f"the SKU has no {b.pack!r} pack level; add it to packs")
        if value in seen:
            raise Invalid.field(f"{where}.barcode", f"barcode {value} is given twice")
        seen.add(value)
        rows.append((value, b.kind, b.pack, pack_quantity[b.pack]))
    return rows


async def create_sku(conn: asyncpg.Connection, data: SkuCreate, field_prefix: str = "") -> Sku:
    barcodes = checked_barcodes(data, field_prefix)
    taken = await conn.fetchrow(
        "select b.barcode, s.code from sku_barcodes b join skus s on s.id = b.sku_id where b.barcode = any($1::text[])",
        [b[0] for b in barcodes],
    )
    if taken:
        raise Conflict(f"barcode {taken['barcode']} already belongs to SKU {taken['code']}")
    async with conn.transaction():
        try:
            sku_id = await conn.fetchval(
                """
                insert into skus (code, description, base_uom, length_mm, width_mm, height_mm, weight_g,
                                  tracks_lot, tracks_expiry, tracks_serial)
                values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                returning id
                """,
                data.code,
                data.description,
                data.base_uom,
                data.length_mm,
                data.width_mm,
                data.height_mm,
                data.weight_g,
                data.tracks_lot,
                data.tracks_expiry,
                data.tracks_serial,
            )
        except asyncpg.UniqueViolationError:
            raise Conflict(f"SKU {data.code} already exists") from None
        await conn.executemany(
            """
            insert into sku_packs (sku_id, level, quantity, length_mm, width_mm, height_mm, weight_g)
            values ($1, $2, $3, $4, $5, $6, $7)
            """,
            [(sku_id, p.level, p.quantity, p.length_mm, p.width_mm, p.height_mm, p.weight_g) for p in data.packs],
        )
        try:
            await conn.executemany(
                "insert into sku_barcodes (barcode, sku_id, kind, pack, quantity) values ($1, $2, $3, $4, $5)",
                [(value, sku_id, kind, pack, qty) for value, kind, pack, qty in barcodes],
            )
        except asyncpg.UniqueViolationError:
            raise Conflict("one of the barcodes was just given to another SKU") from None
    return await get_sku(conn, data.code)


async def get_sku(conn: asyncpg.Connection, code: str) -> Sku:
    row = await conn.fetchrow(SELECT_SKU + " where s.code = $1", code)
    if row is None:
        raise NotFound(f"no SKU {code!r}")
    return to_sku(row)


async def list_skus(conn: asyncpg.Connection, after: int, limit: int) -> list[Sku]:
    rows = await conn.fetch(SELECT_SKU + " where s.id > $1 order by s.id limit $2", after, limit)
    return [to_sku(r) for r in rows]


async def sku_id(conn: asyncpg.Connection, code: str, field: str) -> asyncpg.Record:
    """id and tracking flags of the SKU with this code; an Invalid naming `field` if none."""
    row = await conn.fetchrow("select id, tracks_lot, tracks_expiry from skus where code = $1", code)
    if row is None:
        raise Invalid.field(field, f"no SKU {code!r}")
    return row


def forms_of(found: scans.Scan, data: str) -> list[str]:
    """What a parsed scan may be stored as: the data scanned (`data`, without a symbology
    identifier), and the 14-digit form of the GTIN it carries, if any (a GS1 barcode's too)."""
    if isinstance(found, scans.Item):
        return [data, found.gtin]
    return [found.value.strip()] if isinstance(found, scans.Text) else [found.sscc]


def barcode_forms(scanned: str) -> list[str]:
    """forms_of a raw scan; one that is not valid GS1 is looked up as scanned."""
    data = scans.split_symbology(scanned)[1]
    try:
        return forms_of(scans.parse(scanned), data)
    except scans.ScanError:
        return [data]


async def match_barcode(conn: asyncpg.Connection, scanned: str) -> BarcodeMatch:
    """Resolve a scanned item barcode. Any GTIN form (8, 12, 13, 14 digits) finds its 14-digit entry."""
    return await match_forms(conn, barcode_forms(scanned), scanned)


async def match_forms(conn: asyncpg.Connection, forms: list[str], scanned: str) -> BarcodeMatch:
    """The SKU and pack of the first of these barcode forms the catalog has (see forms_of)."""
    row = await conn.fetchrow(
        """
        select b.barcode, s.code as sku, b.pack, b.quantity
          from sku_barcodes b join skus s on s.id = b.sku_id
         where b.barcode = any($1::text[])
         limit 1
        """,
        forms,
    )
    if row is None:
        raise NotFound(f"barcode {scanned!r} belongs to no SKU")
    return BarcodeMatch(**dict(row))
