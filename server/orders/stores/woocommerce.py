"""WooCommerce `order.created` webhooks: the body is the REST API v3 order object.

Signature: `X-WC-Webhook-Signature` = base64(HMAC-SHA256(raw body, the webhook's secret)).
Delivery id: `X-WC-Webhook-Delivery-ID`. WooCommerce makes a new one for every delivery
(a hash of webhook id and time), so it does not identify a redelivery of the same order: dedup
on `Mapped.source_id` as well.

When a webhook is saved, WooCommerce posts an unsigned ping, form-encoded: `webhook_id=12`.
"""

import html
import re
from collections.abc import Mapping

import msgspec

from server.orders.stores.mapping import (
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

NAME = "woocommerce"
SIGNATURE_HEADER = "X-WC-Webhook-Signature"
DELIVERY_HEADER = "X-WC-Webhook-Delivery-ID"
TOPIC_HEADER = "X-WC-Webhook-Topic"
# Waiting for the customer's payment (a bank transfer is on-hold until it arrives).
UNPAID = ("pending", "on-hold", "failed", "checkout-draft")
CANCELLED = ("cancelled", "refunded")
_PING = re.compile(rb"^webhook_id=\d+$")
DOWNLOAD = "no SKU, in an order with no shipping method: a download or other virtual product"


# Only the fields we read. No forbid_unknown_fields: WooCommerce and its plugins add fields.
class _Address(msgspec.Struct):
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    address_1: str | None = None
    address_2: str | None = None
    city: str | None = None
    state: str | None = None
    postcode: str | None = None
    country: str | None = None
    phone: str | None = None  # on shipping since WooCommerce 5.6
    email: str | None = None  # on billing only


class _LineItem(msgspec.Struct):
    id: int
    quantity: int
    name: str | None = None
    product_id: int | None = None
    variation_id: int | None = None
    sku: str | None = None


class _ShippingLine(msgspec.Struct):
    method_title: str | None = None
    method_id: str | None = None


class _Order(msgspec.Struct):
    id: int
    status: str | None = None
    number: str | int | None = None  # a string in v3; order-number plugins may send a number
    customer_note: str | None = None
    billing: _Address | None = None
    shipping: _Address | None = None
    line_items: list[_LineItem] = []
    shipping_lines: list[_ShippingLine] = []


_decoder = msgspec.json.Decoder(_Order)


def is_ping(raw: bytes, headers: Mapping[str, str]) -> bool:
    """The unsigned `webhook_id=N` WooCommerce posts when a webhook is created: answer 200."""
    return _PING.match(raw.strip()) is not None


def verify(raw: bytes, headers: Mapping[str, str], secret: str) -> bool:
    return signed_with(raw, header(headers, SIGNATURE_HEADER), secret)


def delivery_id(headers: Mapping[str, str]) -> str | None:
    return text(header(headers, DELIVERY_HEADER)) or None


def topic(headers: Mapping[str, str]) -> Topic:
    """order.created creates; order.updated says what changed (paid, cancelled ...)."""
    return "update" if text(header(headers, TOPIC_HEADER)) not in ("", "order.created") else "create"


def to_order(raw: bytes, ship_fulfilled: bool = False) -> Mapped:
    """`ship_fulfilled` changes nothing: a WooCommerce line does not say what was fulfilled."""
    order = decode(_decoder, raw)
    source_id = str(order.id)
    status = text(order.status)
    state = {"paid": status not in UNPAID, "cancelled": f"{status} in WooCommerce" if status in CANCELLED else ""}
    # A Woo line does not say whether its product is virtual or downloadable. A cart of only such
    # products has no shipping method, so there a line without a SKU is taken for a download; in
    # an order that ships, it is held for a person to map (a mapping can say "not shipped").
    ships = bool(order.shipping_lines)
    lines, skipped = split_lines(
        order.line_items,
        lambda item: (
            NOTHING_TO_SHIP if item.quantity <= 0
            else DOWNLOAD if not ships and not text(item.sku)
            else None
        ),
        lambda item: html.unescape(text(item.name)),
        lambda item: (store_id(item.product_id), store_id(item.variation_id)),
    )
    if not lines:
        return Mapped(source_id=source_id, order=None, skipped=skipped, **state)

    billing = order.billing or _Address()
    # WooCommerce always sends `shipping`, all empty strings when the store asks for a billing
    # address only: the order then ships to the billing address, held for review.
    shipping = order.shipping if order.shipping and any(text(v) for v in msgspec.structs.astuple(order.shipping)) else None
    ship_to, review = ship_to_or_why(_fields("shipping", shipping, billing), _fields("billing", order.billing, billing))
    ship = order.shipping_lines[0] if order.shipping_lines else _ShippingLine()
    number = text(str(order.number)) if order.number is not None else ""
    created = build_order(
        external_id=("number", number or source_id),
        ship_to=ship_to,
        lines=lines,
        service_level=html.unescape(text(ship.method_title)) or text(ship.method_id),
        notes=text(order.customer_note),
    )
    return Mapped(source_id=source_id, order=created, lines=lines, skipped=skipped, review=review, **state)


def _fields(path: str, a: _Address | None, billing: _Address) -> dict[str, Sourced] | None:
    """An address of the order as our fields, each with the store path it came from."""
    if a is None:
        return None
    full_name = " ".join(p for p in (text(a.first_name), text(a.last_name)) if p)
    return {
        "name": (f"{path}.first_name", full_name or text(a.company)),
        "line1": (f"{path}.address_1", text(a.address_1)),
        "line2": (f"{path}.address_2", text(a.address_2)),
        "city": (f"{path}.city", text(a.city)),
        "postal_code": (f"{path}.postcode", text(a.postcode)),
        "country": (f"{path}.country", text(a.country).upper()),
        "region": (f"{path}.state", text(a.state)),
        "company": (f"{path}.company", text(a.company)),
        "phone": (f"{path}.phone", text(a.phone) or text(billing.phone)),
        "email": ("billing.email", text(billing.email)),
    }
