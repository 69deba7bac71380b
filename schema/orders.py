"""Orders from sales channels: intake, status, and what customer service reads."""

import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from schema.common import Barcode, Code, OptionalText, Quantity

OrderStatus = Literal[
    "received", "allocated", "backordered", "picking", "packed", "partially_shipped", "shipped", "cancelled", "on_hold"
]
ExternalId = Annotated[str, Meta(min_length=1, max_length=100)]
Line = Annotated[str, Meta(min_length=1, max_length=200)]
Short = Annotated[str, Meta(min_length=1, max_length=100)]
CountryCode = Annotated[str, Meta(pattern=r"^[A-Z]{2}$")]
MAX_LINES = 500


class Address(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    name: Short
    line1: Line
    city: Short
    country: CountryCode
    # Empty only for the countries that have no postcodes (Hong Kong, Ireland's older addresses...).
    postal_code: Annotated[str, Meta(max_length=20)] = ""
    line2: Annotated[str, Meta(max_length=200)] = ""
    region: Annotated[str, Meta(max_length=100)] = ""
    company: Annotated[str, Meta(max_length=100)] = ""
    phone: Annotated[str, Meta(max_length=40)] = ""
    email: Annotated[str, Meta(max_length=200)] = ""


class OrderLineIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """One line: the SKU by our code or by any of its GTINs, and how many base units."""

    sku: Code | None = None
    gtin: Barcode | None = None
    quantity: Quantity
    lot: Annotated[str, Meta(min_length=1, max_length=64)] | None = None
    reference: Annotated[str, Meta(max_length=100)] = ""


class OrderCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    external_id: ExternalId
    ship_to: Address
    lines: Annotated[list[OrderLineIn], Meta(min_length=1, max_length=MAX_LINES)]
    service_level: Annotated[str, Meta(max_length=50)] = "standard"
    carrier: Annotated[str, Meta(max_length=50)] = ""
    priority: Annotated[int, Meta(ge=0, le=9)] = 5
    ship_by: datetime.date | None = None
    notes: OptionalText = ""
    allow_partial: bool = False


class OrderLine(msgspec.Struct, kw_only=True):
    line: int
    sku: str
    lot: str | None
    reference: str
    ordered: int
    allocated: int
    picked: int
    packed: int
    shipped: int
    state: str = "open"  # derived from the numbers and the order's status


class ShippedCarton(msgspec.Struct, kw_only=True):
    sscc: str
    tracking_number: str
    weight_g: int
    carton_type: str


class ShippedLine(msgspec.Struct, kw_only=True):
    line: int
    sku: str
    quantity: int
    lot: str
    serials: list[str]


class Shipment(msgspec.Struct, kw_only=True):
    carrier: str
    tracking_numbers: list[str]
    shipped_at: datetime.datetime
    id: int = 0
    service: str = ""
    status: Literal["shipped", "voided"] = "shipped"
    cartons: list[ShippedCarton] = []
    lines: list[ShippedLine] = []


class TimelineEntry(msgspec.Struct, kw_only=True):
    at: datetime.datetime
    event: str
    detail: dict


class UnmappedLine(msgspec.Struct, kw_only=True):
    """A store line to ship that no SKU was found for: the order waits on hold until it is mapped."""

    line: str  # as the store numbers it: line_items[2]
    store_line_id: str
    sku: str  # the SKU text the store sent, maybe empty
    product_id: str
    variant_id: str
    title: str
    quantity: int
    reason: str


class Order(msgspec.Struct, kw_only=True):
    id: int
    channel: str
    external_id: str
    status: OrderStatus
    ship_to: Address | None  # None: a store order held until a person sets it (PUT .../ship-to)
    service_level: str
    carrier: str
    priority: int
    ship_by: datetime.date | None
    notes: str
    allow_partial: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime
    lines: list[OrderLine]
    shipments: list[Shipment]
    timeline: list[TimelineEntry]
    unmapped_lines: list[UnmappedLine] = []
    # The store cancelled the order after picking started: why; a supervisor decides.
    cancel_requested: str = ""


class BatchResult(msgspec.Struct, kw_only=True, omit_defaults=True):
    index: int
    external_id: str | None = None
    outcome: Literal["created", "duplicate", "invalid"]
    order_id: int | None = None
    status: OrderStatus | None = None
    errors: list[dict] = []


class BatchResponse(msgspec.Struct, kw_only=True):
    created: int
    duplicate: int
    invalid: int
    results: list[BatchResult]


class WarehouseStock(msgspec.Struct, kw_only=True):
    warehouse: str
    on_hand: int
    reserved: int


class SkuAvailability(msgspec.Struct, kw_only=True):
    """Available to promise = sellable on hand - reserved - ordered but not yet allocated.

    Sellable on hand is stock in storage, pick faces and receiving: stock already picked (in
    packing, staging or at the shipping dock) belongs to an order.
    """

    sku: str
    on_hand: int
    reserved: int
    unallocated_demand: int
    available: int
    warehouses: list[WarehouseStock]


class BatchRequest(msgspec.Struct, forbid_unknown_fields=True):
    """Up to 1,000 orders, each checked and created on its own."""

    orders: Annotated[list[dict], Meta(min_length=1, max_length=1000)]


class OrderSummary(msgspec.Struct, kw_only=True):
    """An order in a list of search results: what tells one order from another at a glance."""

    id: int
    channel: str
    external_id: str
    status: OrderStatus
    customer: str
    lines: int
    units: int
    ship_by: datetime.date | None
    created_at: datetime.datetime


class OrderSearch(msgspec.Struct, kw_only=True):
    """What customer service searches orders by; every field narrows the search, None ignores it."""

    text: str | None = None  # an external id (exact) or part of the customer's name
    sku: str | None = None
    channel: str | None = None
    status: OrderStatus | None = None
    created_from: datetime.date | None = None
    created_to: datetime.date | None = None  # inclusive


class Reservation(msgspec.Struct, kw_only=True):
    """Stock reserved for an order line: where it is held and how much of it has been picked."""

    line: int
    sku: str
    location: str
    lot: str
    expiry: datetime.date | None
    quantity: int
    picked: int
