"""The label data model: a label is a size, a resolution and a list of elements in dots.

Both renderers (`labels.zpl.to_zpl`, `labels.preview.to_png`) take a `Label` and nothing
else. Positions are the top-left corner of the element, in printer dots, x to the right,
y down, like ZPL's ^FO.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import Meta

Dots = Annotated[int, Meta(ge=0, le=32000)]
Size = Annotated[int, Meta(gt=0, le=32000)]
Module = Annotated[int, Meta(ge=1, le=10)]
Name = Annotated[str, Meta(min_length=1, max_length=64)]
Dpi = Literal[203, 300]
Rotation = Literal["N", "R", "I", "B"]


class _Element(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True,
               tag_field="kind"):
    name: Name
    x: Dots
    y: Dots


class Text(_Element, tag="text"):
    """Text in Zebra font 0 (scalable sans); with `block_width` it wraps into a block."""

    text: str
    height: Annotated[int, Meta(ge=10, le=32000)]
    width: Annotated[int, Meta(ge=0, le=32000)] = 0  # 0: same as height
    rotation: Rotation = "N"
    block_width: Annotated[int, Meta(ge=0, le=32000)] = 0  # 0: one line, no block
    max_lines: Annotated[int, Meta(ge=1, le=99)] = 1
    line_spacing: Annotated[int, Meta(ge=0, le=999)] = 0
    align: Literal["L", "C", "R"] = "L"


class Code128(_Element, tag="code128"):
    """Code 128; with gs1=True a GS1-128 symbol from "(AI)value(AI)value" data."""

    data: str
    height: Size
    module: Module = 2
    gs1: bool = False


class Ean13(_Element, tag="ean13"):
    """EAN-13 from 12 digits (or 13 with a correct check digit)."""

    data: str
    height: Size
    module: Module = 2


class Ean8(_Element, tag="ean8"):
    """EAN-8 from 7 digits (or 8 with a correct check digit): a GTIN-8, never padded to a UPC-A."""

    data: str
    height: Size
    module: Module = 2


class UpcA(_Element, tag="upca"):
    """UPC-A from 11 digits (or 12 with a correct check digit)."""

    data: str
    height: Size
    module: Module = 2


class Itf14(_Element, tag="itf14"):
    """ITF-14 (Interleaved 2 of 5, wide = 3 x narrow) from 13 digits (or 14 checked)."""

    data: str
    height: Size
    module: Module = 2


class QrCode(_Element, tag="qr"):
    data: str
    module: Module = 4
    error: Literal["L", "M", "Q", "H"] = "M"


class DataMatrix(_Element, tag="datamatrix"):
    """ECC 200 Data Matrix; with gs1=True a GS1 DataMatrix from "(AI)value" data."""

    data: str
    module: Module = 4
    gs1: bool = False


class Box(_Element, tag="box"):
    """A rectangle outline of `thickness`; thickness >= the smaller side fills it."""

    width: Size
    height: Size
    thickness: Annotated[int, Meta(ge=1, le=32000)] = 2


class Line(_Element, tag="line"):
    """A horizontal or vertical rule (drawn as a ZPL ^GB box)."""

    length: Size
    thickness: Annotated[int, Meta(ge=1, le=32000)] = 2
    vertical: bool = False


Element = Text | Code128 | Ean13 | Ean8 | UpcA | Itf14 | QrCode | DataMatrix | Box | Line
BARCODES_1D = (Code128, Ean13, Ean8, UpcA, Itf14)


class Label(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    width: Size  # dots, across the print head (^PW)
    height: Size  # dots, along the paper (^LL)
    dpi: Dpi = 203
    elements: tuple[Element, ...] = ()

    @classmethod
    def inches(cls, width: float, height: float, dpi: int = 203,
               elements: tuple[Element, ...] | list[Element] = ()) -> "Label":
        return cls(width=round(width * dpi), height=round(height * dpi), dpi=dpi,
                   elements=tuple(elements))


def dots(mm: float, dpi: int) -> int:
    """Millimetres to printer dots at `dpi`."""
    return round(mm * dpi / 25.4)


_decoder = msgspec.json.Decoder(Label)


def to_json(label: Label) -> bytes:
    return msgspec.json.encode(label)


def from_json(data: bytes | str) -> Label:
    return _decoder.decode(data)
