"""Layout -> ZPL II text (one field per line, UTF-8 via ^CI28).

Barcodes are written so the printer draws the same modules as the preview: Code 128 in
mode N with explicit start/subset/FNC1 invocation codes, Data Matrix with explicit size,
QR with explicit mask, EAN/UPC without printer-made human-readable lines (templates print
their own text elements instead).
"""

from __future__ import annotations

from .geometry import Placed, plan
from .layout import Box, Code128, DataMatrix, Ean13, Ean8, Itf14, Label, Line, QrCode, Text, UpcA
from .symbols.ean import ITF_RATIO

_HEX_ESCAPED = {"^": "_5E", "~": "_7E", "_": "_5F"}


def _text_data(p: Placed) -> str:
    """^FD content for a text field, with ^FH hex escapes where ZPL reserves a character."""
    el = p.element
    parts = []
    for line in p.lines:
        if el.block_width:
            line = line.replace("\\", "\\\\")
        parts.append(line)
    data = "\\&".join(parts)
    if any(ch in data for ch in _HEX_ESCAPED):
        return "^FH" + "^FD" + "".join(_HEX_ESCAPED.get(ch, ch) for ch in data)
    return "^FD" + data


def _field(p: Placed) -> str:
    el = p.element
    fo = f"^FO{el.x},{el.y}"
    match el:
        case Text():
            font = f"^A0{el.rotation},{el.height},{el.width or el.height}"
            block = ""
            if el.block_width:
                block = f"^FB{el.block_width},{el.max_lines},{el.line_spacing},{el.align},0"
            return f"{fo}{font}{block}{_text_data(p)}^FS"
        case Code128():
            return f"{fo}^BY{el.module}^BCN,{el.height},N,N,N,N^FD{p.zpl_data}^FS"
        case Ean13():
            return f"{fo}^BY{el.module}^BEN,{el.height},N,N^FD{p.zpl_data}^FS"
        case Ean8():
            return f"{fo}^BY{el.module}^B8N,{el.height},N,N^FD{p.zpl_data}^FS"
        case UpcA():
            return f"{fo}^BY{el.module}^BUN,{el.height},N,N,Y^FD{p.zpl_data}^FS"
        case Itf14():
            return f"{fo}^BY{el.module},{ITF_RATIO}.0^B2N,{el.height},N,N,N^FD{p.zpl_data}^FS"
        case QrCode():
            return f"{fo}^BQN,2,{el.module},{el.error},{p.mask}^FD{p.zpl_data}^FS"
        case DataMatrix():
            rows, cols = p.extra["rows"], p.extra["cols"]
            return f"{fo}^BXN,{el.module},200,{cols},{rows},,_^FD{p.zpl_data}^FS"
        case Box():
            return f"{fo}^GB{el.width},{el.height},{el.thickness}^FS"
        case Line():
            return f"{fo}^GB{p.width},{p.height},{el.thickness}^FS"
    raise TypeError(type(el).__name__)


def to_zpl(label: Label) -> str:
    """The ZPL II program that prints `label` (raises LabelError for a broken element)."""
    lines = ["^XA", "^CI28", f"^PW{label.width}", f"^LL{label.height}", "^LH0,0"]
    lines.extend(_field(p) for p in plan(label))
    lines.append("^XZ")
    return "\n".join(lines) + "\n"
