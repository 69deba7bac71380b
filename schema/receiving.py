"""Receiving and putaway: expected receipts (ASN or purchase order), dock scans onto LPNs, the
closing report, putaway suggestions and confirmations, and the settings and storage profiles
they follow."""

import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from schema.common import Barcode, Code, OptionalText, Quantity, ScanText
from schema.printing import PrintJob
from schema.stock import Lot, Movement

ScanId = Annotated[str, Meta(min_length=1, max_length=100, pattern=r"^[\x21-\x7e]+$")]
Reference = Annotated[str, Meta(min_length=1, max_length=64, pattern=r"^[\x21-\x7e]+$")]
Sscc = Annotated[str, Meta(pattern=r"^[0-9]{18}$")]
Velocity = Literal["A", "B", "C"]
Reason = Annotated[str, Meta(min_length=1, max_length=200)]
Percent = Annotated[float, Meta(ge=0, le=1000)]
Money = Annotated[float, Meta(ge=0, le=1_000_000_000)]
Days = Annotated[int, Meta(ge=1, le=3650)]


# -- expected receipts -------------------------------------------------------------------------


class ReceiptLineIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    sku: Code
    quantity: Quantity
    lot: Annotated[str, Meta(min_length=1, max_length=64, pattern=r"^[\x20-\x7e]+$")] | None = None  # None: any lot
    expiry: datetime.date | None = None


class CartonContentIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    sku: Code
    quantity: Quantity
    lot: Lot = ""
    expiry: datetime.date | None = None


class AnnouncedCarton(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A carton or pallet by its SSCC and what it holds: one scan of its label receives it all."""

    sscc: Sscc
    content: Annotated[list[CartonContentIn], Meta(min_length=1, max_length=100)]


class ReceiptCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """What the purchasing side expects to arrive. `reference` (its PO or ASN number) is unique per
    caller: sending it again answers 409 naming the receipt it made."""

    reference: Reference
    kind: Literal["asn", "po"] = "asn"
    supplier: Annotated[str, Meta(max_length=200)] = ""
    expected_on: datetime.date | None = None
    lines: Annotated[list[ReceiptLineIn], Meta(min_length=1, max_length=1000)]
    cartons: Annotated[list[AnnouncedCarton], Meta(max_length=1000)] = []


class ReceiptLine(msgspec.Struct, kw_only=True):
    line: int
    sku: str
    lot: str | None
    expiry: datetime.date | None
    expected: int
    received: int
    damaged: int  # of received, into quarantine


class ReportLine(msgspec.Struct, kw_only=True):
    """Expected against received for a line (line null: received but on no line)."""

    line: int | None
    sku: str
    lot: str | None
    expected: int
    received: int
    damaged: int
    outcome: Literal["exact", "over", "short", "unexpected"]


class ReceiptReport(msgspec.Struct, kw_only=True):
    receipt_id: int
    reference: str | None
    supplier: str
    closed_at: datetime.datetime
    lines: list[ReportLine]
    complete: bool  # every line exact and nothing unexpected


class Receipt(msgspec.Struct, kw_only=True):
    id: int
    reference: str | None
    kind: str
    supplier: str
    expected_on: datetime.date | None
    status: Literal["expected", "receiving", "closed"]
    created_at: datetime.datetime
    lines: list[ReceiptLine]
    cartons: int  # announced SSCCs
    cartons_received: int
    unexpected: list[ReportLine] = []
    report: ReceiptReport | None = None


# -- at the dock -------------------------------------------------------------------------------


class ReceivingStart(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Start (or go on) receiving at a dock: `receipt` is the scanned receipt (its reference, or
    R-<id>); none starts a blind receipt. LPN labels print on `printer`, the receiver's own."""

    dock: Barcode
    receipt: Barcode | None = None
    printer: Code | None = None
    supplier: Annotated[str, Meta(max_length=200)] = ""  # a blind receipt's


class Pending(msgspec.Struct, kw_only=True):
    """A lot and expiry scanned on their own barcodes, waiting for the item scanned next."""

    lot: str | None = None
    expiry: datetime.date | None = None


class ReceivingSession(msgspec.Struct, kw_only=True):
    receipt: Receipt
    dock: str
    lpn: str | None  # the LPN being filled; the next item scan makes one if none
    printer: str | None
    pending: Pending


class ReceiveScan(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """One scan at the dock: an item (GTIN, GS1-128 with lot/expiry/count/serial), an announced
    SSCC, or a lot or expiry barcode held for the next item. `count` scans of it (a case counts its
    pack; a label's AI 30/37 count is multiplied). Damaged goods go to quarantine with a reason.
    Idempotent by scan_id."""

    scan_id: ScanId
    scan: ScanText
    count: Annotated[int, Meta(ge=1, le=100_000)] = 1
    lot: Annotated[str, Meta(min_length=1, max_length=64, pattern=r"^[\x20-\x7e]+$")] | None = None
    expiry: datetime.date | None = None
    condition: Literal["good", "damaged"] = "good"
    reason: Annotated[str, Meta(max_length=200)] = ""  # why damaged


class Received(msgspec.Struct, kw_only=True):
    sku: str
    lot: str
    expiry: datetime.date | None
    serial: str
    quantity: int
    location: str
    lpn: str
    line: int | None  # the receipt's line it counts against; None: unexpected


class ReceiveResult(msgspec.Struct, kw_only=True):
    message: str
    received: list[Received]
    session: ReceivingSession


class LpnClose(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    printer: Code | None = None  # default: the session's printer; none there: no label


class LpnContent(msgspec.Struct, kw_only=True):
    sku: str
    lot: str
    expiry: datetime.date | None
    quantity: int


class Lpn(msgspec.Struct, kw_only=True):
    lpn: str
    location: str | None
    content: list[LpnContent]
    print_job: PrintJob | None = None


# -- putaway -----------------------------------------------------------------------------------


class Put(msgspec.Struct, kw_only=True):
    """Where units go: `rule` says which rule chose it (pick_face: the SKU's pick face below its
    maximum; same_lot: a bin holding the same SKU and lot with room; empty_bin: an empty bin of
    the zone for the SKU's velocity class, nearest the dock); location None: no bin has room."""

    location: str | None
    location_barcode: str | None
    quantity: int
    rule: Literal["pick_face", "same_lot", "empty_bin", "none"]


class PutawayLine(msgspec.Struct, kw_only=True):
    sku: str
    lot: str
    expiry: datetime.date | None
    quantity: int
    puts: list[Put]


class PutawayPlan(msgspec.Struct, kw_only=True):
    lpn: str
    location: str | None  # where the LPN is
    lines: list[PutawayLine]


class PutawayConfirm(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The destination scanned for units of an LPN. Another bin than the suggested one needs a
    reason. Default: the LPN's only SKU and lot, and as many as the suggestion puts there.
    Idempotent by scan_id."""

    scan_id: ScanId
    lpn: Barcode
    location: Barcode
    sku: Code | None = None
    lot: Lot | None = None
    quantity: Quantity | None = None
    reason: Annotated[str, Meta(max_length=200)] = ""  # why not the suggested bin


class PutawayResult(msgspec.Struct, kw_only=True):
    message: str
    movement: Movement
    overridden: bool
    plan: PutawayPlan  # what is left on the LPN


# -- settings and profiles ---------------------------------------------------------------------


class ReceivingSettings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    over_receipt_pct: Percent = 10.0
    accept_unexpected: bool = True
    count_tolerance_units: Annotated[int, Meta(ge=0, le=1_000_000_000)] = 0
    count_tolerance_pct: Percent = 0.0
    approval_value: Money = 500.0
    count_days_a: Days = 30
    count_days_b: Days = 90
    count_days_c: Days = 180


class SkuStorage(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A SKU's velocity class (the zone it is put away in, how often its bins are counted) and the
    value of one unit (a count's variance above the approval value waits for a supervisor)."""

    velocity: Velocity | None = None
    unit_value: Money | None = None


class LocationStorage(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """What a location holds at most (units, volume, weight: each only if set) and, on a zone, the
    velocity class of the SKUs it is for (its bins inherit it)."""

    capacity: Annotated[int, Meta(gt=0, le=1_000_000_000)] | None = None
    max_volume_ml: Annotated[int, Meta(gt=0, le=10_000_000_000)] | None = None
    max_weight_g: Annotated[int, Meta(gt=0, le=10_000_000_000)] | None = None
    velocity: Velocity | None = None


class Note(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    note: OptionalText = ""
