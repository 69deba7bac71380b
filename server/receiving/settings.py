"""The tolerances of receiving and counting (one row), and the storage profiles putaway and the
count schedule read: a SKU's velocity class and unit value, a location's limits and velocity."""

import asyncpg

from schema.receiving import LocationStorage, ReceivingSettings, SkuStorage
from server.core.problems import Invalid

SELECT = """
select over_receipt_pct::float8 as over_receipt_pct, accept_unexpected, count_tolerance_units,
       count_tolerance_pct::float8 as count_tolerance_pct, approval_value::float8 as approval_value,
       count_days_a, count_days_b, count_days_c
  from receiving_settings
"""

UPDATE = """
update receiving_settings set over_receipt_pct = $1, accept_unexpected = $2, count_tolerance_units = $3,
       count_tolerance_pct = $4, approval_value = $5, count_days_a = $6, count_days_b = $7, count_days_c = $8
"""


async def get_settings(conn: asyncpg.Connection) -> ReceivingSettings:
    return ReceivingSettings(**dict(await conn.fetchrow(SELECT)))


async def set_settings(conn: asyncpg.Connection, data: ReceivingSettings) -> ReceivingSettings:
    await conn.execute(UPDATE, data.over_receipt_pct, data.accept_unexpected, data.count_tolerance_units,
                       data.count_tolerance_pct, data.approval_value, data.count_days_a, data.count_days_b, data.count_days_c)
    return await get_settings(conn)


async def set_sku_storage(conn: asyncpg.Connection, code: str, data: SkuStorage) -> SkuStorage:
    row = await conn.fetchrow(
        "update skus set velocity = $2, unit_value = $3 where code = $1 returning velocity, unit_value::float8 as unit_value",
        code, data.velocity, data.unit_value,
    )
    if row is None:
        raise Invalid.field("sku", f"no SKU {code!r}")
    return SkuStorage(**dict(row))


async def set_location_storage(conn: asyncpg.Connection, code: str, data: LocationStorage) -> LocationStorage:
    rows = await conn.fetch(
        """
        update locations set capacity = $2, max_volume_ml = $3, max_weight_g = $4, velocity = $5
         where id = (select id from locations where barcode = $1 or code = $1 order by barcode = $1 desc limit 1)
        returning capacity, max_volume_ml, max_weight_g, velocity
        """,
        code, data.capacity, data.max_volume_ml, data.max_weight_g, data.velocity,
    )
    if not rows:
        raise Invalid.field("location", f"no location {code!r}")
    return LocationStorage(**dict(rows[0]))
