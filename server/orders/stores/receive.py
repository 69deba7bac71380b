"""Orders pushed by stores' own webhooks (Shopify, WooCommerce): verified, deduplicated, mapped.

A delivery is answered once: its answer is stored under the store's delivery id, so the store's
retries of the same delivery get the same answer and create nothing. Nothing a store sends to be
shipped vanishes: lines that need no shipping are reported in the answer; a line to ship whose SKU
no mapping and no catalog entry gives is kept with the order as an unmapped line, and the order
waits on hold (the reason in its notes, its timeline and an order.on_hold event) until it is
mapped (sku_mappings.py). Store lines of the same SKU become one order line.
"""

import hashlib
from collections.abc import Mapping
from typing import Literal

import asyncpg
import msgspec

from schema.orders import Order, OrderLineIn
from server.core.problems import Conflict, Invalid, Malformed, NotFound, Unauthorized
from server.orders import channels, placing, reads, state
from server.orders.reads import BEFORE_PICKING
from server.orders.stores import STORES
from server.orders.stores import sku_mappings
from server.orders.stores.mapping import (
    NOTES_MAX, REFERENCE_MAX, Mapped, MappingError, SkippedLine, StoreLine, Unreadable, clip,
)

class StoreOrderResult(msgspec.Struct, kw_only=True, omit_defaults=True):
    outcome: Literal["created", "duplicate", "ignored", "ping", "cancelled", "cancel_requested", "paid", "unchanged"]
    order: Order | None = None
    skipped: list[SkippedLine] = []
    note: str = ""


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
    try:
        mapped = store.to_order(raw, ship_fulfilled=channel["fulfilled_elsewhere"] == "ship")
    except Unreadable as error:
        raise Malformed(f"the body is not a {store.NAME} order: {error}", errors=[error.as_field_error()]) from None
    except MappingError as error:
        raise Invalid(f"the {store.NAME} order cannot be taken: {error}", errors=[error.as_field_error()]) from None
    delivery = store.delivery_id(headers) or "sha256:" + hashlib.sha256(raw).hexdigest()
    ids = (channel["id"], channel["name"])
    async with conn.transaction():
        # a retry racing the first delivery waits for it, then reads its answer
        await conn.execute("select pg_advisory_xact_lock($1)", _lock_id(channel["id"], store_name, delivery))
        stored = await conn.fetchrow(
            "select status_code, response from webhook_receipts where channel_id = $1 and store = $2 and delivery_id = $3",
            channel["id"], store_name, delivery,
        )
        if stored:
            return stored["status_code"], stored["response"]
        # one store order at a time: its creation and its updates (paid, cancelled) see each other
        await conn.execute("select pg_advisory_xact_lock($1)", _lock_id(channel["id"], store_name, "order:" + mapped.source_id))
        existing = await conn.fetchrow(
            "select id, status, awaiting_payment from orders where channel_id = $1 and source_id = $2", channel["id"], mapped.source_id
        )
        if existing is None:
            status, result = await _create(conn, ids, mapped, hold_unpaid=channel["unpaid_orders"] == "hold")
        else:
            status, result = await _update(conn, ids, existing, mapped, store.topic(headers))
        answer = msgspec.json.encode(result)
        await conn.execute(
            "insert into webhook_receipts (channel_id, store, delivery_id, status_code, response) values ($1, $2, $3, $4, $5)",
            channel["id"], store_name, delivery, status, answer,
        )
        return status, answer


async def _update(
    conn: asyncpg.Connection, channel: tuple[int, str], existing: asyncpg.Record, mapped: Mapped, topic: str
) -> tuple[int, StoreOrderResult]:
    """What a later webhook of an order we have says: cancelled (before picking: cancelled here;
    after: a supervisor is asked), or paid (an order held for payment is released when nothing else
    holds it). Edits to lines and addresses after the order arrived are not applied: customer
    service changes the order here."""
    order_id = existing["id"]
    if mapped.cancelled and existing["status"] != "cancelled":
        if existing["status"] in BEFORE_PICKING:
            order = await state.cancel(conn, order_id, channel[0], mapped.cancelled)
            return 200, StoreOrderResult(outcome="cancelled", order=order)
        order = await state.request_cancel(conn, order_id, mapped.cancelled)
        return 200, StoreOrderResult(outcome="cancel_requested", order=order)
    if mapped.paid and existing["awaiting_payment"]:
        await conn.execute("update orders set awaiting_payment = false where id = $1", order_id)
        await state.release_when_clear(conn, order_id, "paid at the store")
        return 200, StoreOrderResult(outcome="paid", order=await reads.get_order(conn, order_id, channel[0]))
    outcome = "duplicate" if topic == "create" else "unchanged"
    return 200, StoreOrderResult(outcome=outcome, order=await reads.get_order(conn, order_id, channel[0]))


async def _create(
    conn: asyncpg.Connection, channel: tuple[int, str], mapped: Mapped, hold_unpaid: bool
) -> tuple[int, StoreOrderResult]:
    if mapped.order is None:
        return 200, StoreOrderResult(outcome="ignored", skipped=mapped.skipped)
    found = await sku_mappings.resolve(conn, channel, mapped.lines)
    skipped = mapped.skipped + [
        SkippedLine(line_id=l.line_id, sku=l.sku, title=l.title, quantity=l.quantity, reason=sku_mappings.NOT_SHIPPED)
        for l, f in zip(mapped.lines, found) if f.sku is None and not f.reason
    ]
    unmapped = [(l, f.reason) for l, f in zip(mapped.lines, found) if f.reason]
    shipped = [(l, f.sku) for l, f in zip(mapped.lines, found) if f.sku is not None]
    if not shipped and not unmapped:
        return 200, StoreOrderResult(outcome="ignored", skipped=skipped)
    awaiting_payment = hold_unpaid and not mapped.paid
    reasons = [f"{l.source} ({l.title or l.sku or 'no title'} x{l.quantity}) waits: {why}" for l, why in unmapped]
    reasons += [f"ship-to: {mapped.review}"] if mapped.review else []
    reasons += ["awaiting payment at the store; released when the store says it is paid"] if awaiting_payment else []
    note = "; ".join(reasons)
    data = mapped.order
    if note:
        data = msgspec.structs.replace(data, notes=clip(f"{data.notes}\n[warehouse] held: {note}".strip(), NOTES_MAX))
    try:
        order = await placing.create_order(
            conn, channel, msgspec.structs.replace(data, lines=_merged(shipped)), source_id=mapped.source_id,
            allocate=not note and not mapped.cancelled,
        )
    except Conflict as duplicate:  # the store's order number is taken by another store order
        existing = await reads.get_order(conn, duplicate.extensions["order_id"], channel[0])
        return 200, StoreOrderResult(outcome="duplicate", order=existing, skipped=skipped)
    if unmapped:
        await sku_mappings.record_unmapped(conn, order.id, unmapped)
    if mapped.review or awaiting_payment:
        await conn.execute(
            "update orders set held_for_review = $2, awaiting_payment = $3 where id = $1", order.id, bool(mapped.review), awaiting_payment
        )
    if mapped.cancelled:
        # kept, cancelled, so that the order's creation arriving after its cancellation finds it
        order = await state.cancel(conn, order.id, channel[0], f"{mapped.cancelled} before the warehouse had it")
        return 200, StoreOrderResult(outcome="cancelled", order=order, skipped=skipped)
    if note:
        order = await state.hold(conn, order.id, channel[0], "held: " + note.replace("{id}", str(order.id)))
    return 201, StoreOrderResult(outcome="created", order=order, skipped=skipped)


def _merged(shipped: list[tuple[StoreLine, str]]) -> list[OrderLineIn]:
    """One order line per SKU: store lines of the same SKU (a variant split by line properties,
    say) are added together, their store line ids kept in the reference."""
    merged: dict[str, OrderLineIn] = {}
    for line, sku in shipped:
        if sku in merged:
            before = merged[sku]
            reference = clip(f"{before.reference},{line.line_id}", REFERENCE_MAX)
            merged[sku] = msgspec.structs.replace(before, quantity=before.quantity + line.quantity, reference=reference)
        else:
            merged[sku] = OrderLineIn(sku=sku, quantity=line.quantity, reference=line.line_id)
    return list(merged.values())
