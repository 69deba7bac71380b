"""Packing and shipping: carton types, the pack station's view of an order, cartons with their
SSCCs, carriers, shipments and the day's manifests."""

import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from schema.common import Barcode, Code, Grams, Millimetres
from schema.orders import Address, Shipment
from schema.printing import PrintJob

ScanId = Annotated[str, Meta(min_length=1, max_length=100, pattern=r"^[\x21-\x7e]+$")]
Station = Annotated[str, Meta(max_length=64)]
Percent = Annotated[float, Meta(ge=0, le=100)]


class CartonTypeIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A box the packers can take: inner dimensions, its own weight, what it can carry."""

    code: Code
    length_mm: Millimetres
    width_mm: Millimetres
    height_mm: Millimetres
    tare_g: Annotated[int, Meta(ge=0, le=1_000_000)]
    max_weight_g: Grams
    description: Annotated[str, Meta(max_length=200)] = ""
    active: bool = True


class CartonType(CartonTypeIn, kw_only=True):
    pass


class CarrierIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A carrier and its services. `own_fleet` needs no account: it numbers parcels itself, from a
    sequence, in `tracking_format` ({serial} is the number, Python format syntax)."""

    code: Code
    name: Annotated[str, Meta(min_length=1, max_length=100)]
    services: Annotated[list[Code], Meta(min_length=1, max_length=20)]
    adapter: Literal["own_fleet"] = "own_fleet"
    tracking_format: Annotated[str, Meta(min_length=1, max_length=60)] = "WMS{serial:010d}"
    tracking_url: Annotated[str, Meta(max_length=300)] = ""  # {tracking} is the number
    active: bool = True


class Carrier(CarrierIn, kw_only=True):
    pass


class ShippingSettings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The warehouse as a shipper: its GS1 company prefix (for SSCCs), its address on labels,
    how far a carton's weight may be from what its contents weigh, the carrier by default."""

    gs1_company_prefix: Annotated[str, Meta(pattern=r"^[0-9]{6,12}$")]
    ship_from: Address
    sscc_extension: Annotated[int, Meta(ge=0, le=9)] = 0
    weight_tolerance_pct: Percent = 10.0
    weight_tolerance_g: Annotated[int, Meta(ge=0, le=100_000)] = 50
    default_carrier: Code = "own"


# -- the pack station --------------------------------------------------------------------------


class PackFind(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """What the packer scanned to start: a tote, an order's external id or number, a carton."""

    scan: Barcode


class PackLine(msgspec.Struct, kw_only=True):
    line: int
    sku: str
    description: str
    lot: str | None  # the lot the order asks for, if any
    tracks_serial: bool
    ordered: int
    picked: int
    packed: int
    to_pack: int  # picked and not yet packed
    barcodes: list[str]  # the SKU's barcodes as scans give them, so a station can check offline


class CartonItem(msgspec.Struct, kw_only=True):
    sku: str
    lot: str
    serial: str
    quantity: int


class Carton(msgspec.Struct, kw_only=True):
    id: int
    order_id: int
    carton_type: str
    status: Literal["open", "closed", "shipped"]
    lpn: str  # the stock's LPN in the ledger: CARTON-<id>
    sscc: str | None
    carrier: str | None
    service: str | None
    tracking_number: str | None
    weight_g: int | None
    expected_g: int  # what its contents and the box weigh
    station: str
    items: list[CartonItem]


class Suggestion(msgspec.Struct, kw_only=True):
    """Cartons for what is left to pack, from the SKUs' dimensions and weights (see the README for
    what the heuristic guarantees)."""

    cartons: list[str]
    unfit: list[str] = []  # SKUs with no dimensions, or bigger than every carton


class PackOrder(msgspec.Struct, kw_only=True):
    """What the pack station shows for one order."""

    order_id: int
    external_id: str
    channel: str
    status: str
    ship_to: Address | None
    allow_partial: bool
    carrier: str
    service: str
    totes: list[str]  # totes still holding the order's picked units
    lines: list[PackLine]
    cartons: list[Carton]
    suggestion: Suggestion
    can_ship: bool
    why_not: str = ""  # why the order cannot ship yet


class CartonOpen(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    carton_type: Code
    station: Station = ""


class PackScan(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """One item scan into an open carton: `count` scans of it (a case barcode counts its pack).
    Idempotent by scan_id: a replay packs nothing more."""

    scan_id: ScanId
    item: Barcode
    count: Annotated[int, Meta(ge=1, le=10_000)] = 1
    serial: Annotated[str, Meta(min_length=1, max_length=64, pattern=r"^[\x21-\x7e]+$")] | None = None
    lot: Annotated[str, Meta(min_length=1, max_length=64)] | None = None


class PackResult(msgspec.Struct, kw_only=True):
    message: str
    carton: Carton
    order: PackOrder


class CartonClose(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Close with the weight the scale read (or the packer typed). A weight outside the tolerance is
    refused unless `accept_weight` says the packer checked the box."""

    weight_g: Grams
    printer: Code | None = None  # the station's printer; none: print later
    carrier: Code | None = None  # default: the order's, else the warehouse's default
    service: Code | None = None
    accept_weight: bool = False


class CartonPrint(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    printer: Code
    labels: Annotated[list[Literal["sscc", "shipping", "packing_list"]], Meta(min_length=1)] = msgspec.field(
        default_factory=lambda: ["sscc", "shipping"])


class CartonClosed(msgspec.Struct, kw_only=True):
    """The closed carton, its label jobs as they stand (printed, or queued and retried), the order."""

    carton: Carton
    print_jobs: list[PrintJob]
    order: PackOrder


# -- shipping ------------------------------------------------------------------------------------


class ShipmentOut(Shipment, kw_only=True):
    """A shipment as shipping and the manifest see it: the order's shipment and where it stands."""

    order_id: int
    external_id: str
    weight_g: int
    manifest_id: int | None


class ManifestScan(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A carton loaded onto the carrier's truck: its SSCC or tracking number."""

    scan: Barcode


class ManifestClose(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    carrier: Code


class Manifest(msgspec.Struct, kw_only=True):
    id: int
    carrier: str
    status: Literal["open", "closed"]
    created_at: datetime.datetime
    closed_at: datetime.datetime | None
    shipments: list[ShipmentOut]
    cartons: int
    loaded: int
    weight_g: int

