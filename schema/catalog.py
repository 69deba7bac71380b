"""SKUs, their pack levels and barcodes."""

from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from schema.common import Barcode, Code, Grams, Millimetres, Text

PackLevel = Literal["each", "inner", "case", "pallet"]
BarcodeKind = Literal["gtin", "internal"]
PackQuantity = Annotated[int, Meta(gt=0, le=1_000_000)]


class Pack(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    level: PackLevel
    quantity: PackQuantity
    length_mm: Millimetres | None = None
    width_mm: Millimetres | None = None
    height_mm: Millimetres | None = None
    weight_g: Grams | None = None


class SkuBarcode(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A barcode that identifies the SKU at a pack level. GTINs are stored as 14 digits."""

    barcode: Barcode
    kind: BarcodeKind = "gtin"
    pack: PackLevel = "each"


class SkuCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    code: Code
    description: Text
    base_uom: Annotated[str, Meta(min_length=1, max_length=8)] = "EA"
    length_mm: Millimetres | None = None
    width_mm: Millimetres | None = None
    height_mm: Millimetres | None = None
    weight_g: Grams | None = None
    tracks_lot: bool = False
    tracks_expiry: bool = False
    tracks_serial: bool = False
    packs: list[Pack] = []
    barcodes: list[SkuBarcode] = []


class SkuBarcodeOut(msgspec.Struct, kw_only=True):
    barcode: str
    kind: BarcodeKind
    pack: PackLevel
    quantity: int


class Sku(msgspec.Struct, kw_only=True):
    id: int
    code: str
    description: str
    base_uom: str
    length_mm: int | None
    width_mm: int | None
    height_mm: int | None
    weight_g: int | None
    tracks_lot: bool
    tracks_expiry: bool
    tracks_serial: bool
    packs: list[Pack]
    barcodes: list[SkuBarcodeOut]


class BarcodeMatch(msgspec.Struct, kw_only=True):
    """What a scanned item barcode means: which SKU, and how many base units one scan counts."""

    barcode: str
    sku: str
    pack: PackLevel
    quantity: int
