"""Available to promise per SKU, computed from stock and order lines (never a cached number),
and the stock.available_changed event that tells every channel when it moves."""

import asyncio
import logging

import asyncpg
import msgspec

from schema.common import FieldError
from schema.orders import SkuAvailability, WarehouseStock
from server.core import outbox
from server.core.problems import Invalid
from server.core.outages import BROKEN, connection

log = logging.getLogger("wms.availability")

# Where stock counts as sellable; stock in packing, staging or shipping is already picked.
SELLABLE_TYPES = ("storage", "pick_face", "receiving")

AVAILABILITY = """
with wanted as (
    select id, code from skus where code = any($1::text[])
), sellable as (
    select st.sku_id, l.warehouse_id, sum(st.quantity) as on_hand, sum(st.reserved) as reserved
      from stock st join locations l on l.id = st.location_id
     where st.sku_id in (select id from wanted) and l.type = any($2::text[])
     group by st.sku_id, l.warehouse_id
), demand as (
    select l.sku_id, sum(greatest(l.quantity - l.allocated - l.shipped, 0)) as unallocated
      from order_lines l join orders o on o.id = l.order_id
     where l.sku_id in (select id from wanted) and o.status in ('received', 'backordered', 'on_hold', 'allocated')
     group by l.sku_id
)
select w.code as sku,
       coalesce(sum(s.on_hand), 0)::bigint as on_hand,
       coalesce(sum(s.reserved), 0)::bigint as reserved,
       coalesce(max(d.unallocated), 0)::bigint as unallocated_demand,
       coalesce(jsonb_agg(jsonb_build_object('warehouse', wh.code, 'on_hand', s.on_hand, 'reserved', s.reserved)
                          order by wh.code) filter (where wh.code is not null), '[]') as warehouses
  from wanted w
  left join sellable s on s.sku_id = w.id
  left join warehouses wh on wh.id = s.warehouse_id
  left join demand d on d.sku_id = w.id
 group by w.code
 order by w.code
"""


async def of(conn: asyncpg.Connection, skus: list[str]) -> list[SkuAvailability]:
    rows = await conn.fetch(AVAILABILITY, skus, list(SELLABLE_TYPES))
    unknown = sorted(set(skus) - {r["sku"] for r in rows})
    if unknown:
        raise Invalid(
            f"unknown SKU(s): {', '.join(unknown)}", errors=[FieldError("sku", f"no SKU {code!r}") for code in unknown]
        )
    return [
        SkuAvailability(
            sku=r["sku"], on_hand=r["on_hand"], reserved=r["reserved"], unallocated_demand=r["unallocated_demand"],
            available=max(r["on_hand"] - r["reserved"] - r["unallocated_demand"], 0),
            warehouses=msgspec.json.decode(r["warehouses"], type=list[WarehouseStock]),
        )
        for r in rows
    ]


async def announce(conn: asyncpg.Connection, skus: list[str]) -> None:
    """Note that these SKUs' availability changed. Call in the change's transaction: the note
    commits with it, and the publisher turns notes into stock.available_changed events."""
    await conn.execute(
        "insert into availability_changes (sku_id) select id from skus where code = any($1::text[])", skus
    )


# Take up to $1 notes (rows another publisher holds are skipped) and the SKUs they name.
TAKE_CHANGES = """
with taken as (
    delete from availability_changes
     where id in (select id from availability_changes order by id limit $1 for update skip locked)
    returning sku_id
)
select distinct s.code from taken join skus s on s.id = taken.sku_id order by s.code
"""


async def publish(conn: asyncpg.Connection, limit: int = 5000) -> int:
    """One stock.available_changed event per SKU noted since the last call, to every channel.

    Many changes to one SKU within a round become one event with the current numbers.
    """
    async with conn.transaction():
        codes = [r["code"] for r in await conn.fetch(TAKE_CHANGES, limit)]
        for sku in await of(conn, codes) if codes else []:
            await outbox.emit(conn, "stock.available_changed", f"sku:{sku.sku}", sku)
    return len(codes)


async def publisher(pool: asyncpg.Pool, interval: float) -> None:
    """Publish noted changes every `interval` seconds until cancelled."""
    while True:
        try:
            async with connection(pool) as conn:
                await publish(conn)
        except BROKEN:
            pass  # the database is away, said once in the log: publish when it is back
        except asyncpg.PostgresError:
            log.exception("publishing availability changes failed; retrying")
        await asyncio.sleep(interval)
