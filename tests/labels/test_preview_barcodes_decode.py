"""The PNG preview's barcodes decode, with an independent decoder (zxing-cpp), to the data."""

import io

import pytest
import zxingcpp
from PIL import Image
from samples import SAMPLES, SSCC

from labels import to_png, to_zpl
from labels.symbols import gs1
from labels.zpl_parse import parse_zpl

GS = "\x1d"
# sample -> {(format name, symbology identifier + plain text)}
EXPECTED = {
    "shipping": {("Code128", "]C01Z999AA10123456784"), ("Code128", "]C0SO-2024-000123"),
                 ("QRCode", "]Q1https://track.example.com/1Z999AA10123456784")},
    "shipping_300dpi": {("Code128", "]C01Z999AA10123456784"), ("Code128", "]C0SO-2024-000124")},
    "sscc": {("Code128", f"]C100{SSCC}"),
             ("Code128", "]C102040123450000163724"), ("DataMatrix", f"]d202040123450000163724{GS}1526123110L2405A")},
    "sscc_mixed": {("Code128", f"]C100{SSCC}")},
    "location": {("Code128", "]C0A-01-02-03")},
    "lpn": {("Code128", "]C0LPN000012345")},
    "item_ean13": {("EAN13", "]E04006381333931"),
                   ("DataMatrix", "]d2010400638133393117261231" + "10L2405A")},
    "item_upca": {("EAN13", "]E00036000291452")},  # UPC-A is EAN-13 with a leading 0
    "item_ean8": {("EAN8", "]E496385074")},  # a GTIN-8 is an EAN-8, not a padded UPC-A
    "item_itf14": {("ITF", "]I114006381333938"), ("DataMatrix", "]d2011400638133393810L2405A")},
}


def decode(png: bytes) -> set[tuple[str, str]]:
    img = Image.open(io.BytesIO(png)).convert("L")
    found = zxingcpp.read_barcodes(img, text_mode=zxingcpp.TextMode.Plain)
    return {(r.format.name, r.symbology_identifier + r.text) for r in found}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_preview_barcodes_decode_to_the_label_data(name):
    assert decode(to_png(SAMPLES[name])) == EXPECTED[name]


def test_sscc_barcode_reads_as_gs1_128_with_ai_00_and_a_valid_check_digit():
    found = decode(to_png(SAMPLES["sscc"]))
    sscc_reads = [text for fmt, text in found if text.startswith("]C100")]
    assert len(sscc_reads) == 1
    digits = sscc_reads[0][len("]C100"):]
    assert len(digits) == 18 and digits.isdigit()
    assert gs1.check_digit(digits[:17]) == digits[17]


def test_sscc_barcode_is_the_lowest_barcode_on_the_logistics_label():
    img = Image.open(io.BytesIO(to_png(SAMPLES["sscc"]))).convert("L")
    found = zxingcpp.read_barcodes(img, text_mode=zxingcpp.TextMode.Plain)
    lowest = max(found, key=lambda r: r.position.top_left.y)
    assert lowest.text == f"00{SSCC}"


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_preview_is_one_pixel_per_printer_dot(name):
    label = SAMPLES[name]
    img = Image.open(io.BytesIO(to_png(label)))
    assert img.size == (label.width, label.height)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_zpl_read_back_draws_the_same_preview(name):
    """The emulator's path (ZPL -> layout -> PNG) gives the preview made from the layout."""
    label = SAMPLES[name]
    back = parse_zpl(to_zpl(label), dpi=label.dpi)
    assert to_png(back) == to_png(label)
