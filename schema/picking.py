"""Waves, pick trips and what a handheld sends when a picker confirms or reports a short pick."""

import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from schema.common import Barcode, Code, Quantity

PickMode = Literal["discrete", "batch", "zone"]
ScanId = Annotated[str, Meta(min_length=1, max_length=100)]
Scan = Annotated[str, Meta(min_length=1, max_length=200)]


class WaveRelease(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Which orders go to the floor now: a list, or every waiting order matching the filters."""

    mode: PickMode = "discrete"
    orders: Annotated[list[int], Meta(max_length=10_000)] | None = None
    cutoff: datetime.datetime | None = None  # orders received before this
    carrier: Annotated[str, Meta(max_length=50)] | None = None
    max_priority: Annotated[int, Meta(ge=0, le=9)] | None = None
    max_orders: Annotated[int, Meta(ge=1, le=10_000)] = 500
    orders_per_trip: Annotated[int, Meta(ge=1, le=50)] = 6  # totes on a cart, for batch picking
    tasks_per_trip: Annotated[int, Meta(ge=1, le=500)] = 40  # zone picking


class Wave(msgspec.Struct, kw_only=True):
    id: int
    mode: PickMode
    orders: int
    trips: int
    tasks: int
    not_released: list[dict]


class TripRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """What the picker can do: work in one zone (or any), reach bins that need this equipment
    (the locations' `equipment`: reach_truck, ladder, ...; none, only bins reachable on foot)."""

    zone: Annotated[str, Meta(max_length=64)] | None = None
    equipment: Annotated[list[Code], Meta(max_length=20)] = []


class Task(msgspec.Struct, kw_only=True):
    id: int
    kind: Literal["pick", "replenish"]
    sequence: int
    location: str
    location_barcode: str
    to_location: str | None
    sku: str
    description: str
    lot: str
    quantity: int
    picked: int
    status: str
    order_id: int | None
    order: str | None
    tote: str | None
    picked_from: str | None  # where it was picked: its own location, or an alternative holding the same lot


class Trip(msgspec.Struct, kw_only=True):
    trip: int
    mode: str
    picker: str
    lease_until: datetime.datetime
    walk_metres: float | None
    tasks: list[Task]


class PickConfirm(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """One pick as scanned: the bin, the item (any of its barcodes, GS1 strings too), how many
    scans of that barcode, and the tote it went into."""

    scan_id: ScanId
    location: Barcode
    item: Scan
    count: Quantity = 1
    tote: Barcode


class ShortPick(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The bin holds less than the task asks: what is missing, and why."""

    scan_id: ScanId
    location: Barcode
    reason: Literal["empty", "not_enough", "damaged"] = "not_enough"


class PickResult(msgspec.Struct, kw_only=True):
    task: Task
    order_picked: bool
    next_tasks: list[Task]
    message: str


class ExceptionOut(msgspec.Struct, kw_only=True):
    id: int
    kind: str
    location: str
    sku: str
    quantity: int
    reason: str
    reported_by: str | None
    status: str
    created_at: datetime.datetime


class ReplenishmentRule(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Keep a pick face between min and max: below min, a replenishment task tops it up to max."""

    location: Barcode
    sku: Barcode
    min_quantity: Annotated[int, Meta(ge=0, le=1_000_000_000)]
    max_quantity: Quantity


class TripProgress(msgspec.Struct, kw_only=True):
    """A trip on the floor as a supervisor watches it."""

    trip: int
    wave: int | None
    zone: str | None
    status: str
    picker: str | None
    tasks: int
    done: int
    last_scan: datetime.datetime | None  # the picker's last pick, on any trip


class WaveProgress(msgspec.Struct, kw_only=True):
    id: int
    mode: str
    released_by: str | None
    created_at: datetime.datetime
    trips: int
    tasks: int
    done: int


class TripPreview(msgspec.Struct, kw_only=True):
    """A trip a wave would make: its stops in walking order and how far that walk is."""

    orders: list[str]
    stops: list[str]
    units: int
    walk_metres: float | None  # None where bins have no coordinates to walk between


class WavePreview(msgspec.Struct, kw_only=True):
    """What releasing a wave would do, computed by releasing it and rolling back."""

    orders: int
    trips: list[TripPreview]
    not_released: list[dict]
