"""Printers and print jobs: what the printing API takes and gives.

A print request is a tagged union on `kind`: one of the label kinds with its data, e.g.
``{"kind": "location", "code": "A-01-02-03"}``. The fields mirror labels.templates (schema does
not import labels); whether the data fits the label (text too long, a GTIN with letters) is
decided by the label renderer, which names the element in a 422.
"""

import datetime
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from schema.common import Code, OptionalText

Transport = Literal["tcp", "cups", "serial"]
JobStatus = Literal["queued", "printing", "printed", "failed", "voided"]
# Width x height in inches, as loaded in the printer: "4x6", "4x2", "3x2", "2.25x1.25".
LabelSize = Annotated[str, Meta(pattern=r"^[0-9]{1,2}(\.[0-9]{1,2})?x[0-9]{1,2}(\.[0-9]{1,2})?$")]
Address = Annotated[str, Meta(min_length=1, max_length=500)]
# Generous bounds only: the label renderer says precisely what does not fit.
LabelText = Annotated[str, Meta(max_length=1000)]
Count = Annotated[int, Meta(gt=0, le=1_000_000_000)]


class PrinterCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A label printer. address: tcp 'host[:port]', cups 'queue[@server]', serial a device or URL."""

    name: Code
    transport: Transport
    address: Address
    location: OptionalText = ""  # where it stands: "packing station 3", "dock 1"
    label_size: LabelSize = "4x6"
    dpi: Literal[203, 300] = 203
    active: bool = True


class PrinterStatus(msgspec.Struct, kw_only=True):
    """What the printer answered to ~HS just now.

    state: ready; fault (faults lists what: "paper out", "head open", ...); unreachable (detail
    says why); unknown (a CUPS queue cannot tell).
    """

    printer: str
    state: Literal["ready", "fault", "unreachable", "unknown"]
    faults: list[str] = []
    detail: str = ""


class Printer(msgspec.Struct, kw_only=True):
    id: int
    name: str
    location: str
    transport: Transport
    address: str
    label_size: str
    dpi: int
    active: bool
    status: PrinterStatus | None = None  # filled in by the list of printers


class _LabelData(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    pass


class PostalAddress(_LabelData):
    name: LabelText
    lines: list[LabelText] = []
    postal_code: LabelText = ""
    city: LabelText = ""
    country: LabelText = ""  # ISO 3166 alpha-2


class CartonContent(_LabelData):
    gtin: LabelText  # 8, 12, 13 or 14 digits
    count: Count
    lot: LabelText = ""
    best_before: datetime.date | None = None


class _Label(_LabelData, tag_field="kind"):
    pass


class ShippingLabel(_Label, tag="shipping"):
    """4x6 in shipping label."""

    ship_from: PostalAddress
    ship_to: PostalAddress
    carrier: LabelText
    service: LabelText
    tracking_number: LabelText
    order_ref: LabelText
    weight_grams: Count
    carton_no: Count
    carton_count: Count
    tracking_url: LabelText = ""


class SsccLabel(_Label, tag="sscc"):
    """4x6 in GS1 logistics label for a carton or pallet (SSCC: 18 digits with check digit)."""

    sscc: LabelText
    shipper: PostalAddress
    content: CartonContent | None = None
    order_ref: LabelText = ""


class LocationLabel(_Label, tag="location"):
    """4x2 in bin label."""

    code: LabelText
    description: LabelText = ""


class LpnLabel(_Label, tag="lpn"):
    """4x2 in license plate label."""

    lpn: LabelText
    sku: LabelText = ""
    quantity: Count | None = None


class ItemLabel(_Label, tag="item"):
    """3x2 in item label."""

    sku: LabelText
    description: LabelText
    gtin: LabelText  # 8, 12, 13 or 14 digits
    lot: LabelText = ""
    expiry: datetime.date | None = None


class PackedLine(_LabelData):
    quantity: Count
    sku: LabelText
    description: LabelText = ""
    lot: LabelText = ""


class PackingListLabel(_Label, tag="packing_list"):
    """4x6 in packing list for one carton."""

    order_ref: LabelText
    ship_to: PostalAddress
    carton_no: Count
    carton_count: Count
    lines: Annotated[list[PackedLine], Meta(min_length=1, max_length=500)]
    sscc: LabelText = ""


PrintRequest = ShippingLabel | SsccLabel | LocationLabel | LpnLabel | ItemLabel | PackingListLabel


class PrintJob(msgspec.Struct, kw_only=True):
    """One print. status: queued (waiting, retried at next_attempt_at), printing (being sent),
    printed, failed (last_error says why: a printer fault, or too many attempts), voided."""

    id: int
    printer: str
    user: str | None
    label_kind: str
    label_data: dict[str, Any]
    zpl: str
    status: JobStatus
    attempts: int
    last_error: str
    next_attempt_at: datetime.datetime | None
    created_at: datetime.datetime
    printed_at: datetime.datetime | None
    reprint_of: int | None
