"""Warehouses and their location hierarchy."""

import asyncpg

from schema.locations import Location, LocationCreate, Warehouse, WarehouseCreate
from server.core.problems import Conflict, Invalid, NotFound

SELECT_LOCATION = """
select l.id, w.code as warehouse, l.code, l.barcode, l.kind, l.type, p.code as parent,
       l.pick_sequence, l.x, l.y, l.z, l.capacity, l.equipment, l.active
  from locations l
  join warehouses w on w.id = l.warehouse_id
  left join locations p on p.id = l.parent_id
"""

# Stock lives in bins and in areas (docks, packing, staging), never in a zone or aisle node.
STOCK_HOLDING_KINDS = ("bin", "area")
# Where orders are allocated from and picked.
PICKABLE_TYPES = ("pick_face", "storage")


async def create_warehouse(conn: asyncpg.Connection, data: WarehouseCreate) -> Warehouse:
    try:
        row = await conn.fetchrow(
            "insert into warehouses (code, name) values ($1, $2) returning id, code, name", data.code, data.name
        )
    except asyncpg.UniqueViolationError:
        raise Conflict(f"warehouse {data.code} already exists") from None
    return Warehouse(**dict(row))


async def list_warehouses(conn: asyncpg.Connection) -> list[Warehouse]:
    return [Warehouse(**dict(r)) for r in await conn.fetch("select id, code, name from warehouses order by code")]


async def warehouse_id(conn: asyncpg.Connection, code: str, field: str = "warehouse") -> int:
    found = await conn.fetchval("select id from warehouses where code = $1", code)
    if found is None:
        raise Invalid.field(field, f"no warehouse with code {code!r}")
    return found


async def create_location(conn: asyncpg.Connection, data: LocationCreate, field_prefix: str = "") -> Location:
    """Insert one location. field_prefix names the place in a bulk request (`[3].`) in errors."""
    wid = await warehouse_id(conn, data.warehouse, field_prefix + "warehouse")
    parent_id = None
    if data.parent is not None:
        parent_id = await conn.fetchval(
            "select id from locations where warehouse_id = $1 and code = $2", wid, data.parent
        )
        if parent_id is None:
            raise Invalid.field(field_prefix + "parent", f"no location {data.parent!r} in warehouse {data.warehouse}")
    try:
        new_id = await conn.fetchval(
            """
            insert into locations (warehouse_id, parent_id, code, barcode, kind, type, pick_sequence, x, y, z, capacity,
                                   equipment)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
            returning id
            """,
            wid,
            parent_id,
            data.code,
            data.barcode or data.code,
            data.kind,
            data.type,
            data.pick_sequence,
            data.x,
            data.y,
            data.z,
            data.capacity,
            data.equipment,
        )
    except asyncpg.UniqueViolationError as error:
        if error.constraint_name == "locations_barcode_key":
            raise Conflict(f"barcode {data.barcode or data.code!r} already belongs to another location") from None
        raise Conflict(f"location {data.code} already exists in warehouse {data.warehouse}") from None
    return await get_location(conn, new_id)


async def get_location(conn: asyncpg.Connection, location_id: int) -> Location:
    row = await conn.fetchrow(SELECT_LOCATION + " where l.id = $1", location_id)
    if row is None:
        raise NotFound(f"no location with id {location_id}")
    return Location(**dict(row))


async def location_by_barcode(conn: asyncpg.Connection, barcode: str) -> Location:
    row = await conn.fetchrow(SELECT_LOCATION + " where l.barcode = $1", barcode)
    if row is None:
        raise NotFound(f"no location has barcode {barcode!r}")
    return Location(**dict(row))


async def list_locations(
    conn: asyncpg.Connection, after: int, limit: int, warehouse: str | None = None, type_: str | None = None
) -> list[Location]:
    rows = await conn.fetch(
        SELECT_LOCATION
        + """
         where l.id > $1 and ($3::text is null or w.code = $3) and ($4::text is null or l.type = $4)
         order by l.id limit $2
        """,
        after,
        limit,
        warehouse,
        type_,
    )
    return [Location(**dict(r)) for r in rows]


async def stock_location(conn: asyncpg.Connection, code: str, field: str) -> asyncpg.Record:
    """id and type of the stock-holding location with this code or barcode; an Invalid naming `field` if none."""
    rows = await conn.fetch(
        "select id, type, kind, active, barcode = $1 as by_barcode from locations where barcode = $1 or code = $1"
        " order by by_barcode desc limit 2",
        code,
    )
    if not rows:
        raise Invalid.field(field, f"no location {code!r}")
    row = rows[0]
    if len(rows) > 1 and not row["by_barcode"]:
        raise Invalid.field(field, f"{code!r} names locations in several warehouses; use the location's barcode")
    if row["kind"] not in STOCK_HOLDING_KINDS:
        raise Invalid.field(field, f"{code!r} is a {row['kind']}, not a bin or area that can hold stock")
    if not row["active"]:
        raise Invalid.field(field, f"location {code!r} is inactive")
    return row
