"""The warehouse as a shipper: GS1 company prefix and extension digit for SSCCs, the address on
labels, the weight tolerance at the pack station, the default carrier. One row."""

import asyncpg
import msgspec

from labels.symbols import gs1
from schema.orders import Address
from schema.shipping import ShippingSettings
from server.core.problems import Conflict, Invalid

SELECT = """
select gs1_company_prefix, sscc_extension, ship_from, weight_tolerance_pct::float8 as weight_tolerance_pct,
       weight_tolerance_g, default_carrier
  from shipping_settings
"""


async def get_settings(conn: asyncpg.Connection) -> ShippingSettings:
    row = dict(await conn.fetchrow(SELECT))
    row["ship_from"] = msgspec.json.decode(row["ship_from"], type=Address)
    return ShippingSettings(**row)


async def set_settings(conn: asyncpg.Connection, data: ShippingSettings) -> ShippingSettings:
    if not await conn.fetchval("select true from carriers where code = $1 and active", data.default_carrier):
        raise Invalid.field("default_carrier", f"no active carrier {data.default_carrier}")
    await conn.execute(
        "update shipping_settings set gs1_company_prefix = $1, sscc_extension = $2, ship_from = $3,"
        " weight_tolerance_pct = $4, weight_tolerance_g = $5, default_carrier = $6",
        data.gs1_company_prefix, data.sscc_extension, msgspec.json.encode(data.ship_from).decode(),
        data.weight_tolerance_pct, data.weight_tolerance_g, data.default_carrier,
    )
    return await get_settings(conn)


async def next_sscc(conn: asyncpg.Connection, settings: ShippingSettings) -> str:
    """A new SSCC from the database sequence: never the same twice, whatever rolls back."""
    serial = await conn.fetchval("select nextval('sscc_serials')")
    try:
        return gs1.sscc(settings.sscc_extension, settings.gs1_company_prefix, serial)
    except ValueError as error:
        raise Conflict(f"no SSCC left to give: {error}; a longer serial needs a shorter company prefix") from None


def expected_weight_range(expected_g: int, settings: ShippingSettings) -> tuple[int, int]:
    """What the scale may read for a carton whose contents and box weigh expected_g."""
    slack = max(round(expected_g * settings.weight_tolerance_pct / 100), settings.weight_tolerance_g)
    return max(expected_g - slack, 0), expected_g + slack
