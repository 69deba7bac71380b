"""Customer returns: announced by a channel (naming the order and lines) or received blind, each
item inspected and dispositioned (back to stock, quarantine, scrap)."""

import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from schema.common import Barcode, Code, Quantity, ScanText

Reference = Annotated[str, Meta(min_length=1, max_length=64, pattern=r"^[\x21-\x7e]+$")]
ScanId = Annotated[str, Meta(min_length=1, max_length=100, pattern=r"^[\x21-\x7e]+$")]
Condition = Literal["new", "opened", "damaged", "defective"]
Disposition = Literal["stock", "quarantine", "scrap"]


class ReturnLineIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A line of the order coming back: by its line number, or by SKU."""

    quantity: Quantity
    line: Annotated[int, Meta(ge=1, le=100_000)] | None = None
    sku: Code | None = None
    reason: Annotated[str, Meta(max_length=200)] = ""  # the customer's


class ReturnCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A return announced by the channel (its RMA number as `reference`, unique per caller; the
    order by its external id), or opened blind at the returns desk (no reference, no lines)."""

    reference: Reference | None = None
    order: Annotated[str, Meta(min_length=1, max_length=100)] | None = None
    lines: Annotated[list[ReturnLineIn], Meta(max_length=1000)] = []


class ReturnLine(msgspec.Struct, kw_only=True):
    line: int
    order_line: int | None
    sku: str
    expected: int
    received: int
    reason: str


class ReturnItemIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """One inspected item (or `count` alike): its condition and where it goes. Back to stock lands
    on the return's LPN at `location` (the returns desk) for putaway. Idempotent by scan_id."""

    scan_id: ScanId
    item: ScanText
    location: Barcode
    condition: Condition
    disposition: Disposition
    count: Annotated[int, Meta(ge=1, le=100_000)] = 1
    lot: Annotated[str, Meta(min_length=1, max_length=64, pattern=r"^[\x20-\x7e]+$")] | None = None
    expiry: datetime.date | None = None
    note: Annotated[str, Meta(max_length=200)] = ""


class ReturnItem(msgspec.Struct, kw_only=True):
    sku: str
    lot: str
    quantity: int
    condition: Condition
    disposition: Disposition
    location: str | None
    lpn: str
    note: str


class Return(msgspec.Struct, kw_only=True):
    id: int
    reference: str | None
    order_id: int | None
    order: str | None  # the order's external id
    channel: str | None
    status: Literal["expected", "receiving", "closed"]
    lpn: str  # where items back to stock wait for putaway
    created_at: datetime.datetime
    closed_at: datetime.datetime | None
    lines: list[ReturnLine]
    items: list[ReturnItem]


class ReturnInspected(msgspec.Struct, kw_only=True):
    message: str
    item: ReturnItem
    return_: Return = msgspec.field(name="return")
