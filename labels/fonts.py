"""The preview's stand-in for Zebra font 0 (a scalable bold condensed sans).

DejaVu Sans Condensed Bold ships with the package (labels/fonts/, Bitstream Vera licence).
It is a little wider than the printer's font 0, so text that fits in the preview fits on
the printer too; text measurement for the "does it fit" checks uses this font as well.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

FONT_FILE = Path(__file__).with_name("fonts") / "DejaVuSansCondensed-Bold.ttf"
_SYSTEM_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf")


def _font_path() -> Path:
    return FONT_FILE if FONT_FILE.exists() else _SYSTEM_FONT


@lru_cache(maxsize=1)
def _em_per_cell() -> float:
    """Cell height (ascent + descent) of the font at size 1000, per em."""
    ascent, descent = ImageFont.truetype(str(_font_path()), 1000).getmetrics()
    return (ascent + descent) / 1000


@lru_cache(maxsize=64)
def font(height: int) -> ImageFont.FreeTypeFont:
    """The font whose line cell (ascent + descent) is `height` dots, like ZPL ^A0 height."""
    return ImageFont.truetype(str(_font_path()), max(1, round(height / _em_per_cell())))


def text_width(text: str, height: int, width: int = 0) -> int:
    """Width in dots of one line at ^A0 height/width (width 0 = same as height)."""
    scale = (width or height) / height
    return round(font(height).getlength(text) * scale)
