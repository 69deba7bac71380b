"""The GS1 General Specifications' minimum symbol sizes, measured on the rendered label (the PNG
preview, one pixel a printer dot): GS1-128 on the logistics label at least 0.495 mm a module and
31.75 mm high, EAN/UPC on the item label at least 0.264 mm a module; at 203 and 300 dpi."""

import datetime as dt
import io

import pytest
from PIL import Image

from labels import templates as t
from labels import to_png
from labels.geometry import plan
from labels.symbols import gs1

SSCC = gs1.sscc(3, "4012345", 1234567)
SHIPPER = t.Address(name="Lagerhaus Nord GmbH", lines=("Industriestrasse 7",), postal_code="20457", city="Hamburg", country="DE")


def bars(label, name: str) -> tuple[int, int]:
    """(narrowest bar or space, bar height) in dots of the element `name`, measured in the PNG."""
    placed = next(p for p in plan(label) if p.element.name == name)
    image = Image.open(io.BytesIO(to_png(label))).convert("L")
    row = [image.getpixel((x, placed.y + placed.height // 2)) < 128 for x in range(placed.x, placed.x + placed.width)]
    runs, length = [], 1
    for before, now in zip(row, row[1:]):
        if now == before:
            length += 1
        else:
            runs.append(length)
            length = 1
    first_bar = row.index(True)
    column = placed.x + first_bar
    height = sum(1 for y in range(image.height) if image.getpixel((column, y)) < 128 and placed.y <= y < placed.y + placed.height + 1)
    return min(runs), height


def mm(dots: int, dpi: int) -> float:
    return dots * 25.4 / dpi


@pytest.mark.parametrize("dpi", [203, 300])
def test_gs1_128_on_the_logistics_label_meets_the_logistics_minimums(dpi):
    label = t.sscc_label(t.SsccData(sscc=SSCC, shipper=SHIPPER, content=t.CartonContent(
        gtin="4012345000016", count=24, lot="L2405A", best_before=dt.date(2026, 12, 31))), dpi=dpi)
    for name in ("sscc_barcode", "content_barcode"):
        narrowest, height = bars(label, name)
        assert mm(narrowest, dpi) >= 0.495, (name, narrowest)
        assert mm(height, dpi) >= 31.75, (name, height)


@pytest.mark.parametrize("dpi", [203, 300])
@pytest.mark.parametrize("gtin", ["4006381333931", "036000291452", "96385074"])
def test_ean_and_upc_on_the_item_label_meet_the_retail_minimum_module(dpi, gtin):
    label = t.item_label(t.ItemData(sku="SKU-1", description="Oats", gtin=gtin), dpi=dpi)
    narrowest, _ = bars(label, "gtin_barcode")
    assert mm(narrowest, dpi) >= 0.264


def test_a_count_too_long_for_the_content_symbol_leaves_it_the_gtin_and_the_datamatrix_all():
    label = t.sscc_label(t.SsccData(sscc=SSCC, shipper=SHIPPER, content=t.CartonContent(gtin="4012345000016", count=12_345_678)))
    elements = {e.name: e for e in label.elements}
    assert elements["content_barcode"].data == "(02)04012345000016"
    assert elements["content_datamatrix"].data == "(02)04012345000016(37)12345678"
