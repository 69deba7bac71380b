"""Which SKU a store line is: the channel's mapping of the line's product (its variant's own
first, then the product's), else the SKU text the store sent, if the catalog has it. A line found
by neither is unmapped: its order waits on hold, and is released by itself once every line of
it is mapped (a new mapping, or `apply` after the SKUs were added to the catalog)."""

import asyncpg
import msgspec

from schema.channels import MappingApplied, SkuMapping, SkuMappingCreate
from server.core.problems import Invalid, NotFound
from server.orders import state
from server.orders.stores.mapping import StoreLine

NOT_SHIPPED = "mapped as not shipped by the warehouse"

# For each line ($2 product ids, $3 variant ids, $4 SKU texts, in order): whether a mapping was
# found, the SKU it names (null: not shipped) or else the catalog's SKU of that code.
RESOLVE = """
select coalesce(v.channel_id, p.channel_id) is not null as mapped,
       coalesce(sv.code, sp.code, case when coalesce(v.channel_id, p.channel_id) is null then s.code end) as sku
  from unnest($2::text[], $3::text[], $4::text[]) with ordinality as line(product_id, variant_id, sku, n)
  left join sku_mappings v on v.channel_id = $1 and line.product_id <> '' and v.product_id = line.product_id
                          and line.variant_id <> '' and v.variant_id = line.variant_id
  left join skus sv on sv.id = v.sku_id
  left join sku_mappings p on v.channel_id is null and p.channel_id = $1 and line.product_id <> ''
                          and p.product_id = line.product_id and p.variant_id = ''
  left join skus sp on sp.id = p.sku_id
  left join skus s on s.code = line.sku
 order by line.n
"""

SELECT_MAPPING = """
select m.product_id, m.variant_id, s.code as sku, m.created_at
  from sku_mappings m left join skus s on s.id = m.sku_id
"""


class Found(msgspec.Struct, frozen=True):
    """A store line's SKU code, or why it has none: `reason` set means unmapped, `sku` None
    with no reason means the line is not shipped by the warehouse."""

    sku: str | None = None
    reason: str = ""


def _why_unmapped(line: StoreLine, channel: str) -> str:
    product = f"product {line.product_id}" + (f" variant {line.variant_id}" if line.variant_id else "")
    what = f"the warehouse has no SKU {line.sku}" if line.sku else "no SKU on the line"
    if not line.product_id:
        return f"{what}; add the SKU to the catalog, then apply the channel's mappings"
    return f"{what} and no mapping for {product}; map it: POST /api/v1/channels/{channel}/sku-mappings"


async def resolve(conn: asyncpg.Connection, channel: tuple[int, str], lines: list[StoreLine]) -> list[Found]:
    """Each line's SKU by the channel's mappings, then by its SKU text; one query for all."""
    rows = await conn.fetch(
        RESOLVE, channel[0], [l.product_id for l in lines], [l.variant_id for l in lines], [l.sku for l in lines]
    )
    return [
        Found(sku=row["sku"]) if row["sku"] or row["mapped"] else Found(reason=_why_unmapped(line, channel[1]))
        for line, row in zip(lines, rows)
    ]


async def record_unmapped(conn: asyncpg.Connection, order_id: int, unmapped: list[tuple[StoreLine, str]]) -> None:
    await conn.executemany(
        "insert into unmapped_lines (order_id, source, store_line_id, sku, product_id, variant_id, title, quantity, reason)"
        " values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        [(order_id, l.source, l.line_id, l.sku, l.product_id, l.variant_id, l.title, l.quantity, why) for l, why in unmapped],
    )
    await conn.execute("update orders set held_for_mapping = true where id = $1", order_id)


async def _channel(conn: asyncpg.Connection, name: str) -> tuple[int, str]:
    row = await conn.fetchrow("select id, name from channels where name = $1", name)
    if row is None:
        raise NotFound(f"no channel {name}")
    return row["id"], row["name"]


async def list_mappings(conn: asyncpg.Connection, channel_name: str) -> list[SkuMapping]:
    channel = await _channel(conn, channel_name)
    rows = await conn.fetch(SELECT_MAPPING + " where m.channel_id = $1 order by m.product_id, m.variant_id", channel[0])
    return [SkuMapping(**dict(r)) for r in rows]


async def map_sku(conn: asyncpg.Connection, channel_name: str, data: SkuMappingCreate) -> MappingApplied:
    """Set (or change) a mapping, then apply the channel's mappings to its held orders."""
    channel = await _channel(conn, channel_name)
    sku_id = None
    if data.sku is not None:
        sku_id = await conn.fetchval("select id from skus where code = $1", data.sku)
        if sku_id is None:
            raise Invalid.field("sku", f"no SKU {data.sku} in the warehouse catalog")
    await conn.execute(
        """
        insert into sku_mappings (channel_id, product_id, variant_id, sku_id) values ($1, $2, $3, $4)
            on conflict (channel_id, product_id, variant_id) do update set sku_id = $4, created_at = now()
        """,
        channel[0], data.product_id, data.variant_id, sku_id,
    )
    applied = await apply(conn, channel_name)
    row = await conn.fetchrow(
        SELECT_MAPPING + " where m.channel_id = $1 and m.product_id = $2 and m.variant_id = $3",
        channel[0], data.product_id, data.variant_id,
    )
    return msgspec.structs.replace(applied, mapping=SkuMapping(**dict(row)))


async def unmap(conn: asyncpg.Connection, channel_name: str, product_id: str, variant_id: str) -> None:
    channel = await _channel(conn, channel_name)
    deleted = await conn.fetchval(
        "delete from sku_mappings where channel_id = $1 and product_id = $2 and variant_id = $3 returning 1",
        channel[0], product_id, variant_id,
    )
    if deleted is None:
        raise NotFound(f"channel {channel_name} maps no product {product_id}" + (f" variant {variant_id}" if variant_id else ""))


async def apply(conn: asyncpg.Connection, channel_name: str) -> MappingApplied:
    """Look the unmapped lines of the channel's held orders up again; lines found join their order
    (as lines of their own, or onto the order's line of the same SKU), lines mapped as not shipped
    are dropped, and an order left with none unmapped is released (or cancelled when the warehouse
    has nothing of it to ship). Orders are locked first, in id order."""
    channel = await _channel(conn, channel_name)
    held = [
        r["id"] for r in await conn.fetch(
            "select id from orders where channel_id = $1 and held_for_mapping and status = 'on_hold' order by id for update", channel[0]
        )
    ]
    rows = await conn.fetch("select * from unmapped_lines where order_id = any($1::bigint[]) order by id", held)
    lines = [
        StoreLine(source=r["source"], line_id=r["store_line_id"], sku=r["sku"], product_id=r["product_id"],
                  variant_id=r["variant_id"], title=r["title"], quantity=r["quantity"])
        for r in rows
    ]
    found = await resolve(conn, channel, lines)
    resolved = 0
    for row, line, result in zip(rows, lines, found):
        if result.reason:
            continue
        resolved += 1
        await conn.execute("delete from unmapped_lines where id = $1", row["id"])
        if result.sku is not None:
            await _add_line(conn, row["order_id"], result.sku, line)
    outcomes: dict[str, list[int]] = {"released": [], "cancelled": []}
    for order_id in held:
        if await conn.fetchval("select 1 from unmapped_lines where order_id = $1 limit 1", order_id):
            continue
        await conn.execute("update orders set held_for_mapping = false where id = $1", order_id)
        if outcome := await state.release_when_clear(conn, order_id, "every store line is mapped"):
            outcomes[outcome].append(order_id)
    return MappingApplied(resolved_lines=resolved, released_orders=outcomes["released"], cancelled_orders=outcomes["cancelled"])


async def _add_line(conn: asyncpg.Connection, order_id: int, sku: str, line: StoreLine) -> None:
    """The store line onto the order's line of this SKU (no lot), or as a new last line."""
    merged = await conn.fetchval(
        """
        update order_lines l set quantity = l.quantity + $3, reference = left(l.reference || ',' || $4, 100)
          from skus s where s.id = l.sku_id and s.code = $2 and l.order_id = $1 and l.lot is null
        returning l.id
        """,
        order_id, sku, line.quantity, line.line_id,
    )
    if merged is None:
        await conn.execute(
            """
            insert into order_lines (order_id, line_no, sku_id, reference, quantity)
            select $1, coalesce((select max(line_no) from order_lines where order_id = $1), 0) + 1, s.id, $4, $3
              from skus s where s.code = $2
            """,
            order_id, sku, line.quantity, line.line_id,
        )
