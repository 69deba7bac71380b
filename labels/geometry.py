"""What each element will look like, worked out once for both renderers.

`plan(label)` checks every element (encodable data, fits the label, quiet zones clear of the
edges) and returns a `Placed` per element with its bounding box and its encoded content:
wrapped text lines, a 1D module pattern plus the ZPL field data that draws the same bars, or
a 2D module matrix. `to_zpl` and `to_png` both draw from this, so they cannot disagree.
Any problem raises `LabelError` naming the element.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import fonts
from .errors import LabelError
from .layout import (Box, Code128, DataMatrix, Ean13, Ean8, Element, Itf14, Label, Line, QrCode,
                     Text, UpcA)
from .symbols import code128, ean, gs1, matrix


@dataclass(frozen=True)
class Placed:
    element: Element
    x: int
    y: int
    width: int  # bounding box of what is drawn, in dots, after rotation
    height: int
    lines: tuple[str, ...] = ()  # Text: the wrapped lines
    pattern: str = ""  # 1D: '1' bar module, '0' space module
    zpl_data: str = ""  # 1D/2D: field data for ^FD
    matrix: tuple[tuple[int, ...], ...] = ()  # 2D modules, rows of 0/1
    mask: int = 0  # QR mask
    extra: dict = field(default_factory=dict)


# Quiet zones in modules (left, right / all sides for 2D) that must stay on the label.
_QUIET = {Code128: (10, 10), Ean13: (11, 7), Ean8: (7, 7), UpcA: (9, 9), Itf14: (10, 10)}
_QUIET_2D = {QrCode: 4, DataMatrix: 1}


def plan(label: Label) -> list[Placed]:
    names: set[str] = set()
    out = []
    for el in label.elements:
        if el.name in names:
            raise LabelError(el.name, "two elements have this name")
        names.add(el.name)
        placed = _place(el)
        _check_inside(label, placed)
        out.append(placed)
    return out


def _check_inside(label: Label, p: Placed) -> None:
    el = p.element
    quiet_x = quiet_y = 0
    if type(el) in _QUIET:
        quiet_x = max(_QUIET[type(el)]) * el.module
    elif type(el) in _QUIET_2D:
        quiet_x = quiet_y = _QUIET_2D[type(el)] * el.module
    what = "barcode with its quiet zone" if quiet_x else "element"
    if p.x - quiet_x < 0 or p.x + p.width + quiet_x > label.width:
        raise LabelError(el.name, f"{what} is {p.width + 2 * quiet_x} dots wide from x={p.x - quiet_x}, "
                                  f"past the label's width of {label.width} dots")
    if p.y - quiet_y < 0 or p.y + p.height + quiet_y > label.height:
        raise LabelError(el.name, f"{what} is {p.height + 2 * quiet_y} dots high from y={p.y - quiet_y}, "
                                  f"past the label's height of {label.height} dots")


def _place(el: Element) -> Placed:
    match el:
        case Text():
            return _place_text(el)
        case Code128():
            data = _gs1_element_string(el) if el.gs1 else el.data
            reason = code128.check_data(data, el.gs1)
            if reason:
                raise LabelError(el.name, reason)
            vals = code128.values(data, el.gs1)
            pat = code128.pattern(vals)
            return Placed(el, el.x, el.y, len(pat) * el.module, el.height, pattern=pat,
                          zpl_data=code128.zpl_data(vals))
        case Ean13() | Ean8() | UpcA() | Itf14():
            length, what = {Ean13: (13, "EAN-13"), Ean8: (8, "EAN-8"), UpcA: (12, "UPC-A"), Itf14: (14, "ITF-14")}[type(el)]
            try:
                digits = ean.complete(el.data, length, what)
            except ValueError as e:
                raise LabelError(el.name, str(e)) from None
            if isinstance(el, Itf14):
                pat = ean.itf_pattern(digits)
                zdata = digits
            elif isinstance(el, Ean8):
                pat = ean.ean8_pattern(digits)
                zdata = digits[:-1]
            else:
                pat = ean.ean13_pattern(digits if length == 13 else "0" + digits)
                zdata = digits[:-1]  # the printer computes the check digit itself
            return Placed(el, el.x, el.y, len(pat) * el.module, el.height, pattern=pat,
                          zpl_data=zdata, extra={"digits": digits})
        case QrCode():
            if not el.data:
                raise LabelError(el.name, "no data")
            if "^" in el.data or "~" in el.data:
                raise LabelError(el.name, "^ and ~ cannot be sent in ZPL field data")
            try:
                mat, mask = matrix.qr(el.data, el.error)
            except Exception as e:  # segno: DataOverflowError
                raise LabelError(el.name, f"cannot encode as QR: {e}") from None
            size = len(mat) * el.module
            return Placed(el, el.x, el.y, size, size, matrix=tuple(map(tuple, mat)), mask=mask,
                          zpl_data=f"{el.error}A,{el.data}")
        case DataMatrix():
            return _place_datamatrix(el)
        case Box():
            if el.thickness > min(el.width, el.height):
                raise LabelError(el.name, "thickness is larger than the box")
            return Placed(el, el.x, el.y, el.width, el.height)
        case Line():
            w, h = (el.thickness, el.length) if el.vertical else (el.length, el.thickness)
            return Placed(el, el.x, el.y, w, h)
    raise LabelError(getattr(el, "name", "?"), f"unknown element {type(el).__name__}")


def _gs1_element_string(el: Code128 | DataMatrix) -> str:
    """The element's GS1 data as an element string; data that is not valid GS1 names the element."""
    try:
        fields = gs1.parse(el.data)
    except ValueError as e:
        raise LabelError(el.name, str(e)) from None
    return gs1.element_string(fields)


def _place_datamatrix(el: DataMatrix) -> Placed:
    if el.gs1:
        data = _gs1_element_string(el)
        # ^BX escape character "_": _1 is FNC1 (leading and as separator), __ an underscore
        zdata = "_1" + data.replace("_", "__").replace(gs1.FNC1, "_1")
    else:
        data = el.data
        if not data:
            raise LabelError(el.name, "no data")
        if any(not (" " <= ch <= "~") for ch in data) or "^" in data or "~" in data:
            raise LabelError(el.name, "Data Matrix here takes printable ASCII without ^ and ~")
        zdata = data.replace("_", "__")
    try:
        mat = matrix.datamatrix(data, el.gs1)
    except ValueError as e:
        raise LabelError(el.name, f"cannot encode as Data Matrix: {e}") from None
    rows, cols = len(mat), len(mat[0])
    return Placed(el, el.x, el.y, cols * el.module, rows * el.module,
                  matrix=tuple(map(tuple, mat)), zpl_data=zdata, extra={"rows": rows, "cols": cols})


def wrap(el: Text) -> list[str]:
    """Break the text into lines no wider than the block (greedy, on spaces and newlines)."""
    lines: list[str] = []
    for para in el.text.split("\n"):
        words = para.split()
        if not words:
            lines.append("")
            continue
        cur = words[0]
        for word in words[1:]:
            trial = f"{cur} {word}"
            if fonts.text_width(trial, el.height, el.width) <= el.block_width:
                cur = trial
            else:
                lines.append(cur)
                cur = word
        lines.append(cur)
    for line in lines:
        if fonts.text_width(line, el.height, el.width) > el.block_width:
            raise LabelError(el.name, f"the word {line.split()[0]!r}... is wider than the "
                                      f"{el.block_width}-dot block at height {el.height}")
    return lines


def _place_text(el: Text) -> Placed:
    if any(ch < " " and ch != "\n" for ch in el.text) or "\x7f" in el.text:
        raise LabelError(el.name, "text contains control characters")
    if not el.text.strip():
        raise LabelError(el.name, "text is empty")
    if el.block_width:
        lines = wrap(el)
        if len(lines) > el.max_lines:
            raise LabelError(el.name, f"text needs {len(lines)} lines in a {el.block_width}-dot "
                                      f"block, only {el.max_lines} allowed")
        along = el.block_width
        n = len(lines)
    else:
        if "\n" in el.text:
            raise LabelError(el.name, "a line break needs a text block (block_width)")
        if el.align != "L":
            raise LabelError(el.name, "centred or right-aligned text needs a block_width")
        lines = [el.text]
        along = fonts.text_width(el.text, el.height, el.width)
        n = 1
    across = n * el.height + (n - 1) * el.line_spacing
    if el.rotation in ("R", "B"):
        w, h = across, along
    else:
        w, h = along, across
    return Placed(el, el.x, el.y, w, h, lines=tuple(lines))
