"""Sales channels, their credentials and webhook subscriptions, and the events they receive."""

import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from schema.common import Code

ChannelKind = Literal["api", "shopify", "woocommerce"]
EventType = Literal[
    "order.accepted", "order.allocated", "order.backordered", "order.picked", "order.packed",
    "order.shipped", "order.cancelled", "order.on_hold", "order.released", "order.ship_to_changed", "order.cancel_requested",
    "order.shipment_voided", "stock.available_changed", "receipt.closed", "return.received",
]


class ChannelCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    name: Code
    kind: ChannelKind = "api"
    # The secret the store signs its webhooks with (Shopify shows it in the app settings).
    # Default: the channel's own webhook secret, which you then paste into WooCommerce.
    store_secret: Annotated[str, Meta(min_length=8, max_length=200)] | None = None
    # Reserve stock as orders arrive, or when a supervisor releases them (a wave, or /allocate).
    allocate_on: Literal["arrival", "release"] = "arrival"
    # FEFO never reserves a lot with fewer days left than this.
    min_shelf_life_days: Annotated[int, Meta(ge=0, le=3650)] = 0
    # Store orders not paid yet (Shopify financial_status pending; WooCommerce pending, on-hold,
    # failed): held until the store says paid, or accepted as if paid.
    unpaid_orders: Literal["hold", "accept"] = "hold"
    # Store lines fulfilled elsewhere already (Shopify fulfillable_quantity): left out, or shipped.
    fulfilled_elsewhere: Literal["skip", "ship"] = "skip"


class Channel(msgspec.Struct, kw_only=True):
    id: int
    name: str
    kind: ChannelKind
    active: bool
    allocate_on: str
    min_shelf_life_days: int
    unpaid_orders: str
    fulfilled_elsewhere: str
    api_key_prefix: str
    created_at: datetime.datetime


class ChannelCredentials(msgspec.Struct, kw_only=True):
    """Shown once: the API key is stored only as a hash."""

    channel: Channel
    api_key: str
    webhook_secret: str


class SubscriptionCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    url: Annotated[str, Meta(pattern=r"^https?://[^\s]+$", max_length=2000)]
    event_types: list[EventType] | None = None  # None: every event


class Subscription(msgspec.Struct, kw_only=True):
    id: int
    url: str
    event_types: list[str] | None
    active: bool
    disabled_reason: str | None
    created_at: datetime.datetime


class Event(msgspec.Struct, kw_only=True):
    id: str
    type: str
    created_at: datetime.datetime
    data: dict


class EventPage(msgspec.Struct, kw_only=True):
    events: list[Event]
    next_cursor: str


class Delivery(msgspec.Struct, kw_only=True):
    event_id: str
    event_type: str
    subscription_id: int
    url: str
    status: Literal["pending", "delivered", "failed"]
    attempts: int
    last_status_code: int | None
    last_error: str | None
    next_attempt_at: datetime.datetime | None
    delivered_at: datetime.datetime | None


StoreId = Annotated[str, Meta(min_length=1, max_length=64, pattern=r"^\S+$")]


class SkuMappingCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A store's product, or one variant of it, is this SKU of ours; `sku` null: the warehouse
    does not ship it (a download, a service). Shopify: product_id and variant_id of the line;
    WooCommerce: product_id and variation_id."""

    product_id: StoreId
    variant_id: Annotated[str, Meta(max_length=64, pattern=r"^\S*$")] = ""
    sku: Code | None


class SkuMapping(msgspec.Struct, kw_only=True):
    product_id: str
    variant_id: str
    sku: str | None
    created_at: datetime.datetime


class MappingApplied(msgspec.Struct, kw_only=True, omit_defaults=True):
    """What mapping did to the orders held for unmapped lines: lines now resolved, orders
    released (all their lines mapped), orders cancelled (nothing left for the warehouse to ship)."""

    mapping: SkuMapping | None = None
    resolved_lines: int
    released_orders: list[int]
    cancelled_orders: list[int]
