"""Layout -> PNG preview, one pixel per printer dot, black on white like the printout."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from . import fonts
from .geometry import Placed, plan
from .layout import Box, Code128, DataMatrix, Ean13, Ean8, Itf14, Label, Line, QrCode, Text, UpcA

_ROTATE = {"R": Image.Transpose.ROTATE_270, "I": Image.Transpose.ROTATE_180,
           "B": Image.Transpose.ROTATE_90}


def to_image(label: Label) -> Image.Image:
    """The label as a 1-bit Pillow image of label.width x label.height dots."""
    img = Image.new("L", (label.width, label.height), 255)
    draw = ImageDraw.Draw(img)
    for p in plan(label):
        _draw(img, draw, p)
    return img.point(lambda v: 255 if v >= 128 else 0).convert("1")


def to_png(label: Label) -> bytes:
    """PNG bytes of the preview (raises LabelError for a broken element, like to_zpl)."""
    buf = io.BytesIO()
    img = to_image(label)
    img.info["dpi"] = (label.dpi, label.dpi)
    img.save(buf, format="PNG", dpi=(label.dpi, label.dpi))
    return buf.getvalue()


def _draw(img: Image.Image, draw: ImageDraw.ImageDraw, p: Placed) -> None:
    el = p.element
    match el:
        case Text():
            _draw_text(img, draw, p)
        case Code128() | Ean13() | Ean8() | UpcA() | Itf14():
            row = Image.frombytes("L", (len(p.pattern), 1),
                                  bytes(0 if b == "1" else 255 for b in p.pattern))
            bars = row.resize((p.width, p.height), Image.Resampling.NEAREST)
            img.paste(bars, (p.x, p.y))
        case QrCode() | DataMatrix():
            rows, cols = len(p.matrix), len(p.matrix[0])
            small = Image.frombytes("L", (cols, rows),
                                    bytes(0 if v else 255 for row in p.matrix for v in row))
            img.paste(small.resize((p.width, p.height), Image.Resampling.NEAREST), (p.x, p.y))
        case Box():
            draw.rectangle((p.x, p.y, p.x + p.width - 1, p.y + p.height - 1), outline=0,
                           fill=0 if el.thickness >= min(el.width, el.height) else None,
                           width=el.thickness)
        case Line():
            draw.rectangle((p.x, p.y, p.x + p.width - 1, p.y + p.height - 1), fill=0)


def _draw_text(img: Image.Image, draw: ImageDraw.ImageDraw, p: Placed) -> None:
    el = p.element
    font = fonts.font(el.height)
    pitch = el.height + el.line_spacing
    scaled = bool(el.width) and el.width != el.height
    if el.rotation == "N" and not scaled:
        for i, line in enumerate(p.lines):
            dx = _align_offset(el, line)
            draw.text((p.x + dx, p.y + i * pitch), line, font=font, fill=0, anchor="la")
        return
    along = el.block_width or fonts.text_width(p.lines[0], el.height, el.width)
    across = len(p.lines) * el.height + (len(p.lines) - 1) * el.line_spacing
    block = Image.new("L", (along, across), 255)
    bdraw = ImageDraw.Draw(block)
    for i, line in enumerate(p.lines):
        if scaled:
            natural = max(1, round(font.getlength(line)))
            tmp = Image.new("L", (natural, el.height), 255)
            ImageDraw.Draw(tmp).text((0, 0), line, font=font, fill=0, anchor="la")
            tmp = tmp.resize((fonts.text_width(line, el.height, el.width), el.height))
            block.paste(tmp, (_align_offset(el, line), i * pitch))
        else:
            bdraw.text((_align_offset(el, line), i * pitch), line, font=font, fill=0, anchor="la")
    if el.rotation in _ROTATE:
        block = block.transpose(_ROTATE[el.rotation])
    # darken: keep what is already black under the text block
    mask = block.point(lambda v: 255 - v)
    img.paste(0, (p.x, p.y), mask)


def _align_offset(el: Text, line: str) -> int:
    if not el.block_width or el.align == "L":
        return 0
    free = el.block_width - fonts.text_width(line, el.height, el.width)
    return free // 2 if el.align == "C" else free
