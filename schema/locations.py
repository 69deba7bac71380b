"""Warehouses and locations."""

from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from schema.common import Barcode, Code, Text

LocationKind = Literal["zone", "aisle", "bay", "level", "bin", "area"]
LocationType = Literal["receiving", "storage", "pick_face", "packing", "staging", "shipping", "quarantine"]
Coordinate = Annotated[float, Meta(ge=-100_000, le=100_000)]


class WarehouseCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    code: Code
    name: Text


class Warehouse(msgspec.Struct, kw_only=True):
    id: int
    code: str
    name: str


class LocationCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    warehouse: Code
    code: Code
    kind: LocationKind
    type: LocationType
    parent: Code | None = None
    # Defaults to the code: most warehouses print the code itself as the bin barcode.
    barcode: Barcode | None = None
    pick_sequence: Annotated[int, Meta(ge=0, le=2_000_000_000)] | None = None
    x: Coordinate | None = None
    y: Coordinate | None = None
    z: Coordinate | None = None
    capacity: Annotated[int, Meta(gt=0, le=1_000_000_000)] | None = None
    # What a picker needs to reach it (reach_truck, ladder, ...); None: reachable on foot.
    equipment: Code | None = None


class Location(msgspec.Struct, kw_only=True):
    id: int
    warehouse: str
    code: str
    barcode: str
    kind: LocationKind
    type: LocationType
    parent: str | None
    pick_sequence: int | None
    x: float | None
    y: float | None
    z: float | None
    capacity: int | None
    equipment: str | None
    active: bool
