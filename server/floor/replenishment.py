"""Replenishment of pick faces: a rule per pick face (minimum, maximum), and a replenishment task
from reserve storage when a pick takes the face below its minimum."""

import asyncpg

from schema.picking import ReplenishmentRule
from server.core.problems import Invalid
from server.inventory.catalog import sku_id
from server.inventory.locations import stock_location


async def replenish_if_low(conn: asyncpg.Connection, location_id: int, sku_id: int) -> None:
    """Below the pick face's minimum: one replenishment task from reserve storage, unless one is open."""
    rule = await conn.fetchrow(
        """
        select r.min_quantity, r.max_quantity,
               (select coalesce(sum(quantity), 0) from stock where location_id = r.location_id and sku_id = r.sku_id) as here
          from replenishment_rules r where r.location_id = $1 and r.sku_id = $2
        """,
        location_id, sku_id,
    )
    if rule is None or rule["here"] >= rule["min_quantity"]:
        return
    if await conn.fetchval(
        "select 1 from pick_tasks where kind = 'replenish' and to_location_id = $1 and sku_id = $2 and status in ('open', 'assigned')",
        location_id, sku_id,
    ):
        return
    source = await conn.fetchrow(
        """
        select st.location_id, st.lot, least(st.quantity - st.reserved, $3) as quantity
          from stock st join locations l on l.id = st.location_id
         where st.sku_id = $1 and l.type = 'storage' and st.quantity > st.reserved and st.location_id <> $2 and st.lpn = ''
         order by st.expiry nulls last, st.id
         limit 1
        """,
        sku_id, location_id, rule["max_quantity"] - rule["here"],
    )
    if source is None:
        return
    trip = await conn.fetchval("insert into trips (kind, priority) values ('replenish', 0) returning id")
    await conn.execute(
        "insert into pick_tasks (kind, trip, sequence, location_id, to_location_id, sku_id, lot, quantity)"
        " values ('replenish', $1, 1, $2, $3, $4, $5, $6)",
        trip, source["location_id"], location_id, sku_id, source["lot"], source["quantity"],
    )


async def set_replenishment_rule(conn: asyncpg.Connection, data: ReplenishmentRule) -> dict:
    if data.max_quantity < data.min_quantity:
        raise Invalid.field("max_quantity", "must be at least min_quantity")
    location = await stock_location(conn, data.location, "location")
    sku = await sku_id(conn, data.sku, "sku")
    await conn.execute(
        """
        insert into replenishment_rules (location_id, sku_id, min_quantity, max_quantity) values ($1, $2, $3, $4)
            on conflict (location_id, sku_id) do update set min_quantity = $3, max_quantity = $4
        """,
        location["id"], sku["id"], data.min_quantity, data.max_quantity,
    )
    return {"location": data.location, "sku": data.sku, "min_quantity": data.min_quantity, "max_quantity": data.max_quantity}
