"""Cycle counts: count tasks (from the ABC schedule, a short pick or a supervisor's list), blind
counts by scans, recounts, approvals, and inventory accuracy over time."""

import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from schema.common import Barcode, Code, OptionalText, ScanText

CountStatus = Literal["open", "counting", "recount", "approval", "done", "cancelled"]
ScanId = Annotated[str, Meta(min_length=1, max_length=100, pattern=r"^[\x21-\x7e]+$")]


class CountList(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A supervisor's list: count these locations (codes or barcodes)."""

    locations: Annotated[list[Code], Meta(min_length=1, max_length=1000)]
    reason: Annotated[str, Meta(max_length=200)] = "supervisor's list"


class CountSchedule(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Make the count tasks the ABC schedule says are due (at most `limit`)."""

    limit: Annotated[int, Meta(ge=1, le=10_000)] = 100


class CountTask(msgspec.Struct, kw_only=True):
    """A count as the counter sees it: where, and which SKU if only one is counted; never how many
    the system holds (counts are blind)."""

    id: int
    location: str
    location_barcode: str
    sku: str | None
    source: Literal["short_pick", "schedule", "list"]
    reason: str
    status: CountStatus
    round: int  # 1: first count, 2: recount by another counter
    assigned_to: str | None
    created_at: datetime.datetime


class NextCount(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    zone: Code | None = None  # only bins under this zone


class CountAssignment(msgspec.Struct, kw_only=True):
    task: CountTask | None
    message: str


class CountedLine(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """`count` scans of an item barcode (a case counts its pack; a GS1 barcode's lot is read)."""

    item: ScanText
    count: Annotated[int, Meta(ge=0, le=1_000_000_000)]
    lot: Annotated[str, Meta(min_length=1, max_length=64, pattern=r"^[\x20-\x7e]+$")] | None = None
    expiry: datetime.date | None = None


class CountSubmit(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """What the counter found at the location: every item there (an empty bin: no lines).
    Idempotent by scan_id."""

    scan_id: ScanId
    location: Barcode
    lines: Annotated[list[CountedLine], Meta(max_length=500)] = []


class CountResult(msgspec.Struct, kw_only=True):
    """The counter's answer: blind, it says what happens next, not what the system holds."""

    task: CountTask
    message: str


class CountDecision(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    approve: bool
    note: OptionalText = ""


class RoundLine(msgspec.Struct, kw_only=True):
    sku: str
    lot: str
    counted: int
    expected: int
    difference: int


class CountRound(msgspec.Struct, kw_only=True):
    round: int
    user: str
    at: datetime.datetime
    beyond_tolerance: bool
    value: float
    lines: list[RoundLine]


class CountReview(msgspec.Struct, kw_only=True):
    """A count as a supervisor sees it: every round with what was expected, and the outcome."""

    task: CountTask
    rounds: list[CountRound]
    outcome: str | None
    adjustments: list[int]  # ledger movement ids


class AccuracyPeriod(msgspec.Struct, kw_only=True):
    period: datetime.date
    locations_counted: int
    locations_with_variance: int
    units_counted: int
    units_variance: int  # sum of absolute differences
    accuracy_pct: float  # locations counted without variance, of all counted


class Accuracy(msgspec.Struct, kw_only=True):
    since: datetime.date
    period: Literal["day", "week", "month"]
    periods: list[AccuracyPeriod]
    locations_counted: int
    accuracy_pct: float | None
