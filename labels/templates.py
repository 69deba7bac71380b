"""Label templates: plain data Structs in, a `Label` out (render it with to_zpl / to_png).

Coordinates are designed at 203 dpi and scaled for 300 dpi; barcodes pick the widest
module (up to the template's preferred one) that fits, and raise LabelError when even the
narrowest does not.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated

import msgspec
from msgspec import Meta

from .errors import LabelError
from .geometry import plan
from .layout import Box, Code128, DataMatrix, Ean13, Ean8, Element, Itf14, Label, Line, QrCode, Text, UpcA
from .symbols import code128, gs1

Positive = Annotated[int, Meta(gt=0)]


class _Data(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    pass


class Address(_Data):
    name: str
    lines: tuple[str, ...] = ()
    postal_code: str = ""
    city: str = ""
    country: str = ""  # ISO 3166 alpha-2


class ShippingData(_Data):
    ship_from: Address
    ship_to: Address
    carrier: str
    service: str
    tracking_number: str
    order_ref: str
    weight_grams: Positive
    carton_no: Positive
    carton_count: Positive
    tracking_url: str = ""  # printed as a QR code when given


class CartonContent(_Data):
    """What a homogeneous carton or pallet holds (one GTIN, one lot)."""

    gtin: str  # the trade item's GTIN (8, 12, 13 or 14 digits)
    count: Positive
    lot: str = ""
    best_before: dt.date | None = None


class SsccData(_Data):
    sscc: str  # 18 digits with check digit, see labels.symbols.gs1.sscc()
    shipper: Address
    content: CartonContent | None = None
    order_ref: str = ""


class LocationData(_Data):
    code: str  # e.g. "A-01-02-03"
    description: str = ""  # e.g. "Aisle A, bay 1, level 2, bin 3"


class LpnData(_Data):
    lpn: str
    sku: str = ""
    quantity: int | None = None


class ItemData(_Data):
    sku: str
    description: str
    gtin: str  # 8, 12, 13 or 14 digits
    lot: str = ""
    expiry: dt.date | None = None


class PackedLine(_Data):
    quantity: Positive
    sku: str
    description: str = ""
    lot: str = ""


class PackingListData(_Data):
    order_ref: str
    ship_to: Address
    carton_no: Positive
    carton_count: Positive
    lines: tuple[PackedLine, ...]
    sscc: str = ""


def _s(dpi: int):
    return lambda v: round(v * dpi / 203)


def gtin14(gtin: str, element: str = "gtin") -> str:
    if not gtin.isdigit() or len(gtin) not in (8, 12, 13, 14):
        raise LabelError(element, f"GTIN must have 8, 12, 13 or 14 digits, got {gtin!r}")
    g = gtin.zfill(14)
    if not gs1.is_valid(g):
        raise LabelError(element, f"GTIN {gtin} has a wrong check digit")
    return g


def _code128_x(name: str, data: str, gs1_: bool, label_width: int, preferred: int,
               minimum: int = 1) -> tuple[int, int]:
    """(module, x) for a horizontally centred Code 128 that fits with its quiet zones."""
    try:
        payload = gs1.element_string(gs1.parse(data)) if gs1_ else data
        reason = code128.check_data(payload, gs1_)
        if reason:
            raise ValueError(reason)
        modules = len(code128.pattern(code128.values(payload, gs1_)))
    except ValueError as e:
        raise LabelError(name, str(e)) from None
    for module in range(preferred, minimum - 1, -1):
        if (modules + 20) * module <= label_width:
            return module, (label_width - modules * module) // 2
    raise LabelError(name, f"barcode of {modules} modules does not fit a {label_width}-dot "
                           f"wide label even at {minimum} dot per module")


def _checked(label: Label) -> Label:
    plan(label)  # raise LabelError now, naming the element, rather than at print time
    return label


def _address_lines(a: Address) -> str:
    city = " ".join(p for p in (a.postal_code, a.city) if p)
    return "\n".join([a.name, *a.lines, *(p for p in (city, a.country) if p)])


def shipping_label(d: ShippingData, dpi: int = 203) -> Label:
    """4x6 in shipping label: from, to, carrier/service, tracking barcode, order, weight, n of m."""
    s = _s(dpi)
    lab = Label.inches(4, 6, dpi)
    W = lab.width
    m, tx = _code128_x("tracking_barcode", d.tracking_number, False, W, s(3), minimum=s(2))
    el: list[Element] = [
        Box(name="border", x=s(10), y=s(10), width=W - 2 * s(10), height=lab.height - 2 * s(10),
            thickness=s(3)),
        Text(name="from_caption", x=s(30), y=s(25), text="FROM", height=s(20)),
        Text(name="ship_from", x=s(30), y=s(48), text=_address_lines(d.ship_from), height=s(24),
             block_width=s(430), max_lines=6),
        Text(name="carrier", x=s(480), y=s(25), text=d.carrier, height=s(48), block_width=s(300),
             align="R"),
        Text(name="service", x=s(480), y=s(80), text=d.service, height=s(28), block_width=s(300),
             max_lines=2, align="R"),
        Line(name="rule_from", x=s(10), y=s(205), length=W - 2 * s(10), thickness=s(3)),
        Text(name="to_caption", x=s(30), y=s(220), text="SHIP TO", height=s(24)),
        Text(name="ship_to", x=s(30), y=s(250), text=_address_lines(d.ship_to), height=s(40),
             block_width=W - s(60), max_lines=6),
        Line(name="rule_to", x=s(10), y=s(500), length=W - 2 * s(10), thickness=s(3)),
        Text(name="tracking_caption", x=s(30), y=s(515), text="TRACKING #", height=s(24)),
        Code128(name="tracking_barcode", x=tx, y=s(550), data=d.tracking_number,
                height=s(200), module=m),
        Text(name="tracking_number", x=s(30), y=s(762), text=d.tracking_number, height=s(36),
             block_width=W - s(60), align="C"),
        Line(name="rule_tracking", x=s(10), y=s(815), length=W - 2 * s(10), thickness=s(3)),
        Text(name="order_ref", x=s(30), y=s(835), text=f"Order: {d.order_ref}", height=s(34),
             block_width=s(500)),
        Text(name="weight", x=s(30), y=s(885), text=f"Weight: {d.weight_grams / 1000:.2f} kg",
             height=s(34), block_width=s(500)),
        Text(name="carton_caption", x=s(560), y=s(830), text="CARTON", height=s(24),
             block_width=s(220), align="C"),
        Text(name="carton", x=s(560), y=s(860), text=f"{d.carton_no} of {d.carton_count}",
             height=s(60), block_width=s(220), align="C"),
        Line(name="rule_order", x=s(10), y=s(945), length=W - 2 * s(10), thickness=s(3)),
    ]
    if d.carton_no > d.carton_count:
        raise LabelError("carton", f"carton {d.carton_no} of {d.carton_count} is impossible")
    om, _ = _code128_x("order_barcode", d.order_ref, False, s(520), s(3), minimum=s(2))
    el.append(Code128(name="order_barcode", x=s(40), y=s(975), data=d.order_ref,
                      height=s(150), module=om))
    el.append(Text(name="order_barcode_text", x=s(40), y=s(1135), text=d.order_ref,
                   height=s(28), block_width=s(480)))
    if d.tracking_url:
        el.append(QrCode(name="tracking_qr", x=s(600), y=s(970), data=d.tracking_url,
                         module=s(4), error="M"))
    return _checked(Label(width=W, height=lab.height, dpi=dpi, elements=tuple(el)))


# The SSCC label's content fields by the AI that carries them, to name what cannot be encoded.
_CONTENT_ELEMENTS = {"02": "content_gtin", "15": "content_best_before", "37": "content_count", "10": "content_lot"}


def _dots(mm: float, dpi: int) -> int:
    """The fewest printer dots that are at least `mm` long."""
    return math.ceil(mm * dpi / 25.4)


# GS1 General Specifications, symbol specification table for logistic units: GS1-128 with an
# X-dimension of at least 0.495 mm and bars at least 31.75 mm high.
LOGISTIC_X_MM, LOGISTIC_HEIGHT_MM = 0.495, 31.75
# EAN/UPC for retail point of sale: at least 0.264 mm a module (80 % magnification).
RETAIL_X_MM = 0.264


def sscc_label(d: SsccData, dpi: int = 203) -> Label:
    """GS1 logistics label (4x6 in): shipper; SSCC and content as text, the content also in a
    GS1 DataMatrix; then the GS1-128 symbols at GS1's minimum size for logistics, SSCC lowest.

    At 0.495 mm a module, a 4-inch label holds one content symbol: (02)+(37) when the count is
    short enough to fit, else (02) alone. The best-before date, the lot (and a long count) are in
    the text and the DataMatrix: a GS1-128 symbol holding them would not fit the width.
    """
    s = _s(dpi)
    lab = Label.inches(4, 6, dpi)
    W = lab.width
    module, height = _dots(LOGISTIC_X_MM, dpi), _dots(LOGISTIC_HEIGHT_MM, dpi)
    if not (len(d.sscc) == 18 and gs1.is_valid(d.sscc)):
        raise LabelError("sscc", f"SSCC must be 18 digits with a valid check digit, got {d.sscc!r}")
    shipper = _address_lines(d.shipper)
    # up to four lines at the usual size; a five- or six-line address in smaller type above the rule
    lines = shipper.count("\n") + 1
    el: list[Element] = [
        Text(name="shipper", x=s(30), y=s(25), text=shipper, height=s(28) if lines <= 4 else s(21),
             block_width=W - s(60), max_lines=4 if lines <= 4 else 6),
        Line(name="rule_shipper", x=s(10), y=s(160), length=W - 2 * s(10), thickness=s(3)),
        Text(name="sscc_caption", x=s(30), y=s(170), text="SSCC", height=s(22)),
        Text(name="sscc_text", x=s(30), y=s(194), text=d.sscc, height=s(44)),
    ]
    y = s(250)
    content: list[tuple[str, str]] = []
    if d.content:
        c = d.content
        g = gtin14(c.gtin, "content_gtin")
        rows = [("CONTENT", g), ("COUNT", str(c.count))]
        content = [("02", g), ("37", str(c.count))]
        if c.best_before:
            rows.append(("BEST BEFORE (dd.mm.yy)", c.best_before.strftime("%d.%m.%y")))
            content.append(("15", f"{c.best_before:%y%m%d}"))
        if c.lot:
            if "(" in c.lot or ")" in c.lot:  # GS1 allows them, but they delimit AIs in our "(AI)value" data
                raise LabelError("content_lot", f"a lot with ( or ) cannot be printed in a GS1 barcode: {c.lot!r}")
            rows.append(("BATCH/LOT", c.lot))
            content.append(("10", c.lot))
        for ai, value in content:
            try:
                gs1.check(ai, value)
            except gs1.GS1Error as error:
                raise LabelError(_CONTENT_ELEMENTS[ai], str(error)) from None
        for i, (caption, value) in enumerate(rows):
            el.append(Text(name=f"content_{i}_caption", x=s(30), y=y + s(4), text=caption, height=s(20)))
            el.append(Text(name=f"content_{i}", x=s(270), y=y, text=value, height=s(28), block_width=s(330)))
            y += s(32)
        el.append(DataMatrix(name="content_datamatrix", x=s(640), y=s(250), data=gs1.bracketed(content),
                             module=s(5), gs1=True))
    if d.order_ref:
        el.append(Text(name="order_caption", x=s(30), y=y + s(4), text="ORDER", height=s(20)))
        el.append(Text(name="order_ref", x=s(270), y=y, text=d.order_ref, height=s(28), block_width=s(330)))
    el.append(Line(name="rule_content", x=s(10), y=s(420), length=W - 2 * s(10), thickness=s(3)))
    if content:
        symbol = content[:2]
        try:
            _, x = _code128_x("content_barcode", gs1.bracketed(symbol), True, W, module, minimum=module)
        except LabelError:  # a long count: the GTIN alone, the count in the text and the DataMatrix
            symbol = content[:1]
            _, x = _code128_x("content_barcode", gs1.bracketed(symbol), True, W, module, minimum=module)
        el.append(Code128(name="content_barcode", x=x, y=s(432), data=gs1.bracketed(symbol), height=height,
                          module=module, gs1=True))
        el.append(Text(name="content_barcode_text", x=s(20), y=s(432) + height + s(6), height=s(26),
                       text=gs1.human_readable(symbol), block_width=W - s(40), align="C"))
    sscc_data = f"(00){d.sscc}"
    _, x = _code128_x("sscc_barcode", sscc_data, True, W, module, minimum=module)
    top = lab.height - s(56) - height
    el.append(Code128(name="sscc_barcode", x=x, y=top, data=sscc_data, height=height, module=module, gs1=True))
    el.append(Text(name="sscc_barcode_text", x=s(20), y=top + height + s(6), text=f"(00) {d.sscc}",
                   height=s(34), block_width=W - s(40), align="C"))
    return _checked(Label(width=W, height=lab.height, dpi=dpi, elements=tuple(el)))


def location_label(d: LocationData, dpi: int = 203) -> Label:
    """4x2 in bin label: the code big, as Code 128 below, and an optional description."""
    s = _s(dpi)
    lab = Label.inches(4, 2, dpi)
    W = lab.width
    m, x = _code128_x("location_barcode", d.code, False, W, s(3), minimum=s(2))
    el: list[Element] = [
        Text(name="location_code", x=s(20), y=s(15), text=d.code, height=s(90),
             block_width=W - s(40), align="C"),
        Code128(name="location_barcode", x=x, y=s(120), data=d.code, height=s(200), module=m),
    ]
    if d.description:
        el.append(Text(name="description", x=s(20), y=s(338), text=d.description, height=s(36),
                       block_width=W - s(40), align="C"))
    return _checked(Label(width=W, height=lab.height, dpi=dpi, elements=tuple(el)))


def lpn_label(d: LpnData, dpi: int = 203) -> Label:
    """4x2 in license plate label: LPN barcode, LPN text, optional SKU and quantity."""
    s = _s(dpi)
    lab = Label.inches(4, 2, dpi)
    W = lab.width
    m, x = _code128_x("lpn_barcode", d.lpn, False, W, s(3), minimum=s(2))
    el: list[Element] = [
        Text(name="lpn_caption", x=s(20), y=s(12), text="LPN", height=s(24)),
        Code128(name="lpn_barcode", x=x, y=s(45), data=d.lpn, height=s(190), module=m),
        Text(name="lpn", x=s(20), y=s(245), text=d.lpn, height=s(64), block_width=W - s(40),
             align="C"),
    ]
    detail = "   ".join(p for p in (d.sku and f"SKU {d.sku}",
                                     d.quantity is not None and f"QTY {d.quantity}" or "") if p)
    if detail:
        el.append(Text(name="contents", x=s(20), y=s(330), text=detail, height=s(40),
                       block_width=W - s(40), align="C"))
    return _checked(Label(width=W, height=lab.height, dpi=dpi, elements=tuple(el)))


def item_label(d: ItemData, dpi: int = 203) -> Label:
    """3x2 in item label: SKU, description, GTIN (EAN-8 / UPC-A / EAN-13 / ITF-14), lot and expiry.

    A tracked item (lot or expiry) also gets a GS1 DataMatrix with (01), (17), (10).
    """
    s = _s(dpi)
    lab = Label.inches(3, 2, dpi)
    W = lab.width
    g = gtin14(d.gtin)
    el: list[Element] = [
        Text(name="sku", x=s(20), y=s(15), text=d.sku, height=s(50), block_width=W - s(40)),
        Text(name="description", x=s(20), y=s(72), text=d.description, height=s(28),
             block_width=W - s(40), max_lines=2, line_spacing=s(2)),
    ]
    ean = _dots(RETAIL_X_MM, dpi)
    bx, by, bh = 11 * ean + s(6), s(145), s(140)  # room for an EAN-13's left quiet zone (11 modules)
    if g.startswith("000000"):  # a GTIN-8 in its 14-digit form: an EAN-8, not a zero-padded UPC-A
        el.append(Ean8(name="gtin_barcode", x=bx, y=by, data=g[6:], height=bh, module=ean))
        hri = g[6:]
    elif g.startswith("00"):
        el.append(UpcA(name="gtin_barcode", x=bx, y=by, data=g[2:], height=bh, module=ean))
        hri = g[2:]
    elif g.startswith("0"):
        el.append(Ean13(name="gtin_barcode", x=bx, y=by, data=g[1:], height=bh, module=ean))
        hri = g[1:]
    else:
        el.append(Itf14(name="gtin_barcode", x=bx, y=by, data=g, height=bh, module=s(2)))
        hri = g
    el.append(Text(name="gtin_text", x=bx, y=s(295), text=hri, height=s(30)))
    if d.lot or d.expiry:
        data = f"(01){g}" + (f"(17){d.expiry:%y%m%d}" if d.expiry else "") + (
            f"(10){d.lot}" if d.lot else "")
        el.append(DataMatrix(name="gs1_datamatrix", x=s(440), y=s(150), data=data, module=s(5),
                             gs1=True))
        tracked = "   ".join(p for p in (d.lot and f"LOT {d.lot}",
                                         d.expiry and f"EXP {d.expiry.isoformat()}") if p)
        el.append(Text(name="lot_expiry", x=s(20), y=s(345), text=tracked, height=s(32),
                       block_width=W - s(40)))
    return _checked(Label(width=W, height=lab.height, dpi=dpi, elements=tuple(el)))


PACKING_LIST_LINES = 14


def packing_list_label(d: PackingListData, dpi: int = 203) -> Label:
    """4x6 in packing list for one carton: the order, carton n of m, who it goes to, and what is
    in it, a line each (the last line says how many more when they do not fit)."""
    s = _s(dpi)
    lab = Label.inches(4, 6, dpi)
    W = lab.width
    el: list[Element] = [
        Text(name="title", x=s(30), y=s(25), text="PACKING LIST", height=s(44)),
        Text(name="carton", x=s(30), y=s(25), text=f"{d.carton_no} of {d.carton_count}", height=s(44),
             block_width=W - s(60), align="R"),
        Text(name="order_ref", x=s(30), y=s(85), text=f"Order {d.order_ref}", height=s(34), block_width=W - s(60)),
        Text(name="ship_to", x=s(30), y=s(130), text=_address_lines(d.ship_to), height=s(26),
             block_width=W - s(60), max_lines=5, line_spacing=s(4)),
        Line(name="rule", x=s(30), y=s(290), length=W - s(60), thickness=s(3)),
    ]
    shown = d.lines if len(d.lines) <= PACKING_LIST_LINES else d.lines[:PACKING_LIST_LINES - 1]
    for n, line in enumerate(shown):
        what = " ".join(p for p in (line.sku, line.description, line.lot and f"lot {line.lot}") if p)
        el.append(Text(name=f"line_{n + 1}", x=s(30), y=s(305) + n * s(42), text=f"{line.quantity:>5} x {what}",
                       height=s(28), block_width=W - s(60)))
    if len(shown) < len(d.lines):
        el.append(Text(name="more", x=s(30), y=s(305) + len(shown) * s(42),
                       text=f"... and {len(d.lines) - len(shown)} more lines", height=s(28), block_width=W - s(60)))
    if d.sscc:
        el.append(Text(name="sscc", x=s(30), y=lab.height - s(60), text=f"SSCC {d.sscc}", height=s(28),
                       block_width=W - s(60), align="C"))
    return _checked(Label(width=W, height=lab.height, dpi=dpi, elements=tuple(el)))
