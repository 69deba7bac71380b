"""Shopify `orders/create` webhooks: the body is the REST Admin API order object.

Signature: `X-Shopify-Hmac-Sha256` = base64(HMAC-SHA256(raw body, the app's shared secret)).
Delivery id: `X-Shopify-Webhook-Id`, the same on each of Shopify's retries.
"""

from collections.abc import Mapping

import msgspec

from server.orders.stores.mapping import (
    FULFILLED_ELSEWHERE,
    NO_SHIPPING,
    NOTHING_TO_SHIP,
    Mapped,
    Sourced,
    Topic,
    build_order,
    decode,
    header,
    signed_with,
    ship_to_or_why,
    split_lines,
    store_id,
    text,
)

NAME = "shopify"
SIGNATURE_HEADER = "X-Shopify-Hmac-Sha256"
DELIVERY_HEADER = "X-Shopify-Webhook-Id"
TOPIC_HEADER = "X-Shopify-Topic"
# Not paid yet: the customer's payment is pending (an authorised payment counts as paid: it is
# captured when the order ships).
UNPAID = ("pending",)


# Only the fields we read. No forbid_unknown_fields: Shopify adds fields to every API version.
class _Address(msgspec.Struct):
    first_name: str | None = None
    last_name: str | None = None
    name: str | None = None
    company: str | None = None
    address1: str | None = None
    address2: str | None = None
    city: str | None = None
    zip: str | None = None
    province: str | None = None
    province_code: str | None = None
    country_code: str | None = None
    phone: str | None = None


class _LineItem(msgspec.Struct):
    id: int
    quantity: int
    sku: str | None = None
    title: str | None = None
    name: str | None = None
    requires_shipping: bool = True
    fulfillable_quantity: int | None = None
    product_id: int | None = None
    variant_id: int | None = None


class _ShippingLine(msgspec.Struct):
    title: str | None = None
    code: str | None = None


class _Order(msgspec.Struct):
    id: int
    name: str | None = None
    order_number: int | None = None
    email: str | None = None
    contact_email: str | None = None
    phone: str | None = None
    note: str | None = None
    shipping_address: _Address | None = None
    billing_address: _Address | None = None
    line_items: list[_LineItem] = []
    shipping_lines: list[_ShippingLine] = []
    financial_status: str | None = None
    cancelled_at: str | None = None
    cancel_reason: str | None = None


_decoder = msgspec.json.Decoder(_Order)


def is_ping(raw: bytes, headers: Mapping[str, str]) -> bool:
    """Shopify sends no ping: a subscription starts with real deliveries."""
    return False


def verify(raw: bytes, headers: Mapping[str, str], secret: str) -> bool:
    return signed_with(raw, header(headers, SIGNATURE_HEADER), secret)


def delivery_id(headers: Mapping[str, str]) -> str | None:
    return text(header(headers, DELIVERY_HEADER)) or None


def topic(headers: Mapping[str, str]) -> Topic:
    """orders/create creates; orders/updated, orders/paid, orders/cancelled ... say what changed."""
    return "update" if text(header(headers, TOPIC_HEADER)) not in ("", "orders/create") else "create"


def to_order(raw: bytes, ship_fulfilled: bool = False) -> Mapped:
    order = decode(_decoder, raw)
    source_id = str(order.id)

    def left(item: _LineItem) -> int:
        if ship_fulfilled or item.fulfillable_quantity is None:
            return item.quantity
        return min(item.quantity, item.fulfillable_quantity)

    lines, skipped = split_lines(
        order.line_items,
        lambda item: (
            NO_SHIPPING if not item.requires_shipping
            else NOTHING_TO_SHIP if item.quantity <= 0
            else FULFILLED_ELSEWHERE if left(item) <= 0
            else None
        ),
        lambda item: text(item.name) or text(item.title),
        lambda item: (store_id(item.product_id), store_id(item.variant_id)),
        left,
    )
    state = {
        "paid": text(order.financial_status) not in UNPAID,
        "cancelled": f"cancelled in Shopify ({text(order.cancel_reason) or 'no reason given'})" if order.cancelled_at else "",
    }
    if not lines:
        return Mapped(source_id=source_id, order=None, skipped=skipped, **state)

    # An order to collect in a shop has no shipping address: it ships to the billing address, held.
    ship_to, review = ship_to_or_why(
        _fields("shipping_address", order.shipping_address, order), _fields("billing_address", order.billing_address, order)
    )
    ship = order.shipping_lines[0] if order.shipping_lines else _ShippingLine()
    external_id = text(order.name) or (str(order.order_number) if order.order_number else source_id)
    created = build_order(
        external_id=("name", external_id),
        ship_to=ship_to,
        lines=lines,
        service_level=text(ship.title) or text(ship.code),
        notes=text(order.note),
    )
    return Mapped(source_id=source_id, order=created, lines=lines, skipped=skipped, review=review, **state)


def _fields(path: str, a: _Address | None, order: _Order) -> dict[str, Sourced] | None:
    """An address of the order as our fields, each with the store path it came from."""
    if a is None:
        return None
    full_name = " ".join(p for p in (text(a.first_name), text(a.last_name)) if p)
    name_path = f"{path}.first_name" if full_name else f"{path}.name"
    full_name = full_name or text(a.name)
    return {
        "name": (name_path, full_name or text(a.company)),
        "line1": (f"{path}.address1", text(a.address1)),
        "line2": (f"{path}.address2", text(a.address2)),
        "city": (f"{path}.city", text(a.city)),
        "postal_code": (f"{path}.zip", text(a.zip)),
        "country": (f"{path}.country_code", text(a.country_code).upper()),
        "region": (f"{path}.province_code", text(a.province_code) or text(a.province)),
        "company": (f"{path}.company", text(a.company)),
        "phone": (f"{path}.phone", text(a.phone) or text(order.phone)),
        "email": ("email", text(order.email) or text(order.contact_email)),
    }
