"""Orders placed: each line resolved to a SKU and checked, the orders, their lines and their
order.accepted events written a few statements for any number of orders, allocated at once for
channels that allocate on arrival; and the batch endpoint, each order checked on its own."""

import asyncpg
import msgspec

from schema.common import FieldError
from schema.gtin import normalize_gtin
from schema.orders import BatchResponse, BatchResult, Order, OrderCreate, OrderLine
from server.core import outbox
from server.core.problems import Conflict, Invalid
from server.core.metrics import ORDERS
from server.inventory import availability
from server.orders import allocation
from server.orders.reads import event_payload, line_state, status_event

# The SKU of every line of every order in a call, by code or by barcode, in line order.
RESOLVE_SKUS = """
select s.id, s.code, s.tracks_lot
  from unnest($1::text[], $2::text[]) with ordinality as wanted(code, barcode, i)
  left join sku_barcodes b on b.barcode = wanted.barcode
  left join skus s on s.id = coalesce(b.sku_id, (select id from skus where code = wanted.code))
 order by wanted.i
"""

# Orders of one channel with their lines, in the given order (so ids follow arrival); an external
# id the channel has used already inserts nothing and is missing from the answer.
INSERT_ORDERS = """
with placed as (
    insert into orders (channel_id, external_id, source_id, ship_to, service_level, carrier, priority, ship_by,
                        notes, allow_partial)
    select $1, o.external_id, o.source_id, o.ship_to::jsonb, o.service_level, o.carrier, o.priority, o.ship_by,
           o.notes, o.allow_partial
      from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::date[], $9::text[],
                  $10::bool[]) with ordinality
           as o(external_id, source_id, ship_to, service_level, carrier, priority, ship_by, notes, allow_partial, n)
     order by o.n
        on conflict (channel_id, external_id) do nothing
    returning id, external_id, created_at, updated_at
), lines as (
    insert into order_lines (order_id, line_no, sku_id, lot, reference, quantity)
    select placed.id, line.no, line.sku_id, line.lot, line.reference, line.quantity
      from unnest($11::text[], $12::int[], $13::bigint[], $14::text[], $15::text[], $16::bigint[])
           as line(external_id, no, sku_id, lot, reference, quantity)
      join placed on placed.external_id = line.external_id
)
select placed.id, placed.external_id, placed.created_at, placed.updated_at,
       (select allocate_on from channels where id = $1) as allocate_on
  from placed
"""


def _barcodes(data: OrderCreate) -> tuple[list[str | None], list[FieldError]]:
    """Each line's GTIN as 14 digits (None for lines given by SKU code), and what is wrong."""
    errors: list[FieldError] = []
    barcodes: list[str | None] = []
    for i, line in enumerate(data.lines):
        if (line.sku is None) == (line.gtin is None):
            errors.append(FieldError(f"lines[{i}].sku", "give either sku or gtin"))
        barcode = None
        if line.gtin is not None:
            try:
                barcode = normalize_gtin(line.gtin)
            except ValueError as error:
                errors.append(FieldError(f"lines[{i}].gtin", str(error)))
        barcodes.append(barcode)
    return barcodes, errors


def _check_lines(data: OrderCreate, skus: list[asyncpg.Record]) -> list[FieldError]:
    errors: list[FieldError] = []
    seen: dict[tuple[int, str | None], int] = {}
    for i, (line, sku) in enumerate(zip(data.lines, skus)):
        field = f"lines[{i}].sku" if line.sku is not None else f"lines[{i}].gtin"
        if sku["id"] is None:
            errors.append(FieldError(field, f"no SKU {line.sku or line.gtin!r} in the warehouse catalog"))
            continue
        if line.lot is not None and not sku["tracks_lot"]:
            errors.append(FieldError(f"lines[{i}].lot", f"SKU {sku['code']} is not lot-tracked; leave lot out"))
        key = (sku["id"], line.lot)
        if key in seen:
            errors.append(FieldError(f"lines[{i}]", f"SKU {sku['code']} is already on line {seen[key]}; put the quantity on one line"))
        seen.setdefault(key, i)
    return errors


async def resolve_lines(conn: asyncpg.Connection, batch: list[OrderCreate]) -> list[list[asyncpg.Record] | Invalid]:
    """Per order: the SKU of each line, or an Invalid naming each line and field that is wrong.

    One query for the whole call, however many orders it holds."""
    checked = [_barcodes(data) for data in batch]
    codes = [line.sku for data in batch for line in data.lines]
    barcodes = [b for found, _ in checked for b in found]
    rows = await conn.fetch(RESOLVE_SKUS, codes, barcodes)
    results: list[list[asyncpg.Record] | Invalid] = []
    start = 0
    for data, (_, errors) in zip(batch, checked):
        skus = rows[start : start + len(data.lines)]
        start += len(data.lines)
        errors = errors or _check_lines(data, skus)
        results.append(Invalid(_summary(errors), errors=errors) if errors else skus)
    return results


def _summary(errors: list[FieldError]) -> str:
    return f"{len(errors)} problem(s) with the order; nothing was created: " + "; ".join(
        f"{e.field}: {e.reason}" for e in errors[:5]
    )


class Placed(msgspec.Struct):
    """One order of a call: created, or the id of the order its external id already names."""

    order: Order | None = None
    duplicate_of: int | None = None


async def create_order(
    conn: asyncpg.Connection,
    channel: tuple[int, str],
    data: OrderCreate,
    source_id: str | None = None,
    note: str = "",
    allocate: bool = True,
) -> Order:
    """Create the order and its order.accepted event; unless told not to (an order about to be
    held), allocate it at once for a channel that allocates on arrival. Call inside a transaction."""
    resolved = (await resolve_lines(conn, [data]))[0]
    if isinstance(resolved, Invalid):
        raise resolved
    placed = (await place_orders(conn, channel, [(data, resolved)], source_id, note, allocate))[0]
    if placed.order is None:
        raise duplicate(data, placed.duplicate_of)
    return placed.order


def duplicate(data: OrderCreate, order_id: int | None) -> Conflict:
    """409 for an external id the channel has used already, naming the order it made."""
    return Conflict(f"order {data.external_id} already exists as order {order_id}", extensions={"order_id": order_id})


async def place_orders(
    conn: asyncpg.Connection,
    channel: tuple[int, str],
    items: list[tuple[OrderCreate, list[asyncpg.Record]]],
    source_id: str | None = None,
    note: str = "",
    allocate: bool = True,
) -> list[Placed]:
    """Insert checked orders with their lines and order.accepted events, a few round trips in all."""
    first: dict[str, int] = {}
    fresh = [(data, skus) for i, (data, skus) in enumerate(items) if first.setdefault(data.external_id, i) == i]
    lines = [(data, n, sku, line) for data, skus in fresh for n, (line, sku) in enumerate(zip(data.lines, skus), start=1)]
    rows = {
        r["external_id"]: r
        for r in await conn.fetch(
            INSERT_ORDERS, channel[0],
            *_columns([
                (data.external_id, source_id, msgspec.json.encode(data.ship_to).decode(), data.service_level,
                 data.carrier, data.priority, data.ship_by, data.notes, data.allow_partial)
                for data, _ in fresh
            ], 9),
            *_columns([
                (data.external_id, n, sku["id"], line.lot, line.reference, line.quantity) for data, n, sku, line in lines
            ], 6),
        )
    }
    taken = [data.external_id for data, _ in items if data.external_id not in rows]
    existing = dict(
        await conn.fetch(
            "select external_id, id from orders where channel_id = $1 and external_id = any($2::text[])", channel[0], taken
        )
    ) if taken else {}
    results: list[Placed] = []
    for i, (data, skus) in enumerate(items):
        row = rows.get(data.external_id)
        if row is None:
            results.append(Placed(duplicate_of=existing.get(data.external_id)))
            continue
        if first[data.external_id] != i:  # the same external id earlier in this call made the order
            results.append(Placed(duplicate_of=row["id"]))
            continue
        results.append(Placed(order=Order(
            id=row["id"], channel=channel[1], external_id=data.external_id, status="received", ship_to=data.ship_to,
            service_level=data.service_level, carrier=data.carrier, priority=data.priority, ship_by=data.ship_by,
            notes=data.notes, allow_partial=data.allow_partial, created_at=row["created_at"],
            updated_at=row["updated_at"], shipments=[], timeline=[],
            lines=[
                OrderLine(line=i, sku=s["code"], lot=l.lot, reference=l.reference, ordered=l.quantity, allocated=0,
                          picked=0, packed=0, shipped=0, state="open")
                for i, (l, s) in enumerate(zip(data.lines, skus), start=1)
            ],
        )))
    created = [p.order for p in results if p.order is not None]
    if not created:
        return results
    ORDERS.inc(len(created))
    outgoing = [("order.accepted", f"order:{o.id}", event_payload(o, note), channel[0], o.id) for o in created]
    if allocate and next(iter(rows.values()))["allocate_on"] == "arrival":
        statuses = await allocation.allocate_orders(conn, [o.id for o in created], announce=False, note_availability=False)
        changed = [o for o in created if statuses[o.id] != o.status]
        await _note_allocation(conn, changed, statuses)
        outgoing += [status_event(o, channel[0]) for o in changed]
    await outbox.emit_many(conn, outgoing)
    await availability.announce(conn, sorted({line.sku for o in created for line in o.lines}))
    return results


async def _note_allocation(conn: asyncpg.Connection, placed: list[Order], statuses: dict[int, str]) -> None:
    """Bring just-placed orders up to date with what allocation did to them: their status and
    each line's allocated quantity (nothing else can have changed in this transaction)."""
    if not placed:
        return
    allocated = {
        (r["order_id"], r["line_no"]): r["allocated"]
        for r in await conn.fetch(
            "select order_id, line_no, allocated from order_lines where order_id = any($1::bigint[])", [o.id for o in placed]
        )
    }
    for order in placed:
        order.status = statuses[order.id]
        for line in order.lines:
            line.allocated = allocated[order.id, line.line]
            line.state = line_state(order.status, line)


def _columns(rows: list[tuple], width: int) -> list[list]:
    """Rows as the column arrays an unnest() statement takes."""
    return [list(column) for column in zip(*rows)] if rows else [[] for _ in range(width)]


async def create_batch(conn: asyncpg.Connection, channel: tuple[int, str], raw_orders: list[dict]) -> BatchResponse:
    """Each order checked on its own, so one bad order blocks no other; the good ones go in together."""
    results: dict[int, BatchResult] = {}
    valid: list[tuple[int, OrderCreate]] = []
    for index, raw in enumerate(raw_orders):
        external_id = raw.get("external_id") if isinstance(raw.get("external_id"), str) else None
        try:
            valid.append((index, msgspec.convert(raw, OrderCreate, strict=True)))
        except msgspec.ValidationError as error:
            reason, _, path = str(error).partition(" - at `")
            field = path.rstrip("`").removeprefix("$").removeprefix(".") or "order"
            results[index] = BatchResult(index=index, external_id=external_id, outcome="invalid", errors=[{"field": field, "reason": reason}])
    checked = []
    for (index, data), resolved in zip(valid, await resolve_lines(conn, [data for _, data in valid])):
        if isinstance(resolved, Invalid):
            errors = [msgspec.structs.asdict(e) for e in resolved.errors]
            results[index] = BatchResult(index=index, external_id=data.external_id, outcome="invalid", errors=errors)
        else:
            checked.append((index, data, resolved))
    placed = await place_orders(conn, channel, [(data, skus) for _, data, skus in checked])
    for (index, data, _), outcome in zip(checked, placed):
        if outcome.order is None:
            results[index] = BatchResult(index=index, external_id=data.external_id, outcome="duplicate", order_id=outcome.duplicate_of)
        else:
            results[index] = BatchResult(
                index=index, external_id=data.external_id, outcome="created", order_id=outcome.order.id,
                status=outcome.order.status,
            )
    ordered = [results[i] for i in sorted(results)]
    outcomes = [r.outcome for r in ordered]
    return BatchResponse(
        created=outcomes.count("created"), duplicate=outcomes.count("duplicate"), invalid=outcomes.count("invalid"), results=ordered
    )
