"""Stock on hand, adjustments, moves and the ledger."""

import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from schema.common import Code, OptionalText, Quantity

Lot = Annotated[str, Meta(max_length=64, pattern=r"^[\x20-\x7e]*$")]
Lpn = Annotated[str, Meta(max_length=64, pattern=r"^[\x21-\x7e]*$")]
ReasonCode = Annotated[str, Meta(min_length=1, max_length=32)]


class Adjustment(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Stock found (direction in) or written off (direction out) at one location."""

    location: Code
    sku: Code
    quantity: Quantity
    direction: Literal["in", "out"]
    reason: ReasonCode
    lot: Lot = ""
    expiry: datetime.date | None = None
    lpn: Lpn = ""
    reference: OptionalText = ""


class Move(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    from_location: Code
    to_location: Code
    sku: Code
    quantity: Quantity
    lot: Lot = ""
    expiry: datetime.date | None = None
    from_lpn: Lpn = ""
    to_lpn: Lpn | None = None  # None: the stock keeps its LPN
    reason: ReasonCode = "move"
    reference: OptionalText = ""


class Movement(msgspec.Struct, kw_only=True):
    id: int
    at: datetime.datetime
    user: str | None
    reason: str
    sku: str
    lot: str
    expiry: datetime.date | None
    from_location: str | None
    from_lpn: str
    to_location: str | None
    to_lpn: str
    quantity: int
    reference: str


class OnHand(msgspec.Struct, kw_only=True):
    id: int
    warehouse: str
    location: str
    sku: str
    lot: str
    expiry: datetime.date | None
    lpn: str
    quantity: int


class ReasonCodeOut(msgspec.Struct, kw_only=True):
    code: str
    description: str


class LedgerCheck(msgspec.Struct, kw_only=True):
    """On hand recomputed from the ledger, compared with the stored on hand."""

    consistent: bool
    rows_checked: int
    mismatches: list[dict]
