"""Orders pushed by stores' own webhooks (Shopify, WooCommerce): verified, deduplicated, mapped.

A delivery is answered once: its answer is stored under the store's delivery id, so the store's
retries of the same delivery get the same answer and create nothing. Lines we cannot ship are
never dropped silently: lines that need no shipping are reported in the answer; lines whose SKU
the warehouse does not know are left off, reported, and the order is put on hold for a person.
"""

import hashlib
from collections.abc import Mapping

import asyncpg
import msgspec

from schema.orders import Order
from server.core.problems import Conflict, Invalid, NotFound, Unauthorized
from server.orders import channels, placing, reads, state
from server.orders.stores import STORES
from server.orders.stores.mapping import MappingError, SkippedLine

UNKNOWN_SKU = "the warehouse has no SKU with this code"


class StoreOrderResult(msgspec.Struct, kw_only=True, omit_defaults=True):
    outcome: str  # created, duplicate, ignored, ping
    order: Order | None = None
    skipped: list[SkippedLine] = []


def _lock_id(channel_id: int, store: str, delivery: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{channel_id}:{store}:{delivery}".encode()).digest()[:8], "big", signed=True)


async def receive(
    conn: asyncpg.Connection, channel_name: str, store_name: str, raw: bytes, headers: Mapping[str, str]
) -> tuple[int, bytes]:
    store = STORES[store_name]
    channel = await channels.by_name(conn, channel_name)
    if channel["kind"] != store_name:
        raise NotFound(f"channel {channel_name} is a {channel['kind']} channel, not {store_name}")
    if store.is_ping(raw, headers):
        return 200, msgspec.json.encode(StoreOrderResult(outcome="ping"))
    if not store.verify(raw, headers, channel["store_secret"]):
        raise Unauthorized(f"the {store_name} signature does not match this body and the channel's store secret")
    delivery = store.delivery_id(headers) or "sha256:" + hashlib.sha256(raw).hexdigest()
    async with conn.transaction():
        # a retry racing the first delivery waits for it, then reads its answer
        await conn.execute("select pg_advisory_xact_lock($1)", _lock_id(channel["id"], store_name, delivery))
        stored = await conn.fetchrow(
            "select status_code, response from webhook_receipts where channel_id = $1 and store = $2 and delivery_id = $3",
            channel["id"], store_name, delivery,
        )
        if stored:
            return stored["status_code"], stored["response"]
        status, result = await _create(conn, (channel["id"], channel["name"]), store, raw)
        answer = msgspec.json.encode(result)
        await conn.execute(
            "insert into webhook_receipts (channel_id, store, delivery_id, status_code, response) values ($1, $2, $3, $4, $5)",
            channel["id"], store_name, delivery, status, answer,
        )
        return status, answer


async def _create(conn: asyncpg.Connection, channel: tuple[int, str], store, raw: bytes) -> tuple[int, StoreOrderResult]:
    try:
        mapped = store.to_order(raw)
    except MappingError as error:
        raise Invalid(f"the {store.NAME} order cannot be read: {error}", errors=[error.as_field_error()]) from None
    if mapped.order is None:
        return 200, StoreOrderResult(outcome="ignored", skipped=mapped.skipped)
    known = {r["code"] for r in await conn.fetch("select code from skus where code = any($1::text[])", [l.sku for l in mapped.order.lines])}
    unknown = [l for l in mapped.order.lines if l.sku not in known]
    skipped = mapped.skipped + [
        SkippedLine(line_id=l.reference, sku=l.sku or "", title="", quantity=l.quantity, reason=UNKNOWN_SKU) for l in unknown
    ]
    lines = [l for l in mapped.order.lines if l.sku in known]
    if not lines:
        raise Invalid(
            "no line of this order has a SKU the warehouse knows; add the SKUs and let the store retry",
            errors=[Invalid.field(f"line_items[{l.line_id}].sku", l.reason).errors[0] for l in skipped],
        )
    note = "; ".join(f"line {l.line_id} ({l.sku or 'no sku'} x{l.quantity}) left out: {l.reason}" for l in skipped)
    try:
        order = await placing.create_order(
            conn, channel, msgspec.structs.replace(mapped.order, lines=lines), source_id=mapped.source_id, note=note
        )
    except Conflict as duplicate:
        existing = await reads.get_order(conn, duplicate.extensions["order_id"], channel[0])
        return 200, StoreOrderResult(outcome="duplicate", order=existing, skipped=skipped)
    if unknown:
        order = await state.hold(conn, order.id, channel[0], "held: " + note)
    return 201, StoreOrderResult(outcome="created", order=order, skipped=skipped)
