"""A label that cannot be printed right is an error naming the element, never a broken label."""

import datetime as dt

import pytest

from labels import (Code128, DataMatrix, Ean13, Itf14, Label, LabelError, QrCode, Text, to_png,
                    to_zpl)
from labels import templates as t
from labels.symbols import gs1


def label(*elements, width=812, height=406):
    return Label(width=width, height=height, elements=tuple(elements))


def rejected(lab) -> LabelError:
    with pytest.raises(LabelError) as zpl_err:
        to_zpl(lab)
    with pytest.raises(LabelError) as png_err:
        to_png(lab)
    assert str(zpl_err.value) == str(png_err.value)
    return zpl_err.value


def test_text_wider_than_the_label_names_the_text_element():
    err = rejected(label(Text(name="customer_name", x=20, y=20, height=60,
                              text="A name far too long to fit on one line of this label")))
    assert err.element == "customer_name"
    assert str(err).startswith("customer_name:") and "width" in str(err)


def test_text_needing_more_lines_than_its_block_allows_is_an_error():
    err = rejected(label(Text(name="address", x=20, y=20, height=40, block_width=300,
                              max_lines=2, text="one two three four five six seven eight nine")))
    assert err.element == "address" and "lines" in err.reason


def test_a_word_wider_than_its_block_is_an_error():
    err = rejected(label(Text(name="sku", x=20, y=20, height=40, block_width=100,
                              text="SUPERCALIFRAGILISTIC")))
    assert err.element == "sku"


def test_barcode_too_wide_for_the_label_names_the_barcode():
    err = rejected(label(Code128(name="tracking", x=40, y=20, height=100, module=4,
                                 data="1Z999AA10123456784ABCDEFGH")))
    assert err.element == "tracking" and "quiet zone" in err.reason


def test_barcode_without_room_for_its_quiet_zone_is_an_error():
    err = rejected(label(Code128(name="bin", x=5, y=20, height=100, module=2, data="A1")))
    assert err.element == "bin"


def test_letters_in_an_ean_are_an_error():
    err = rejected(label(Ean13(name="gtin", x=40, y=20, height=100, data="40063813339AB")))
    assert err.element == "gtin" and "digits" in err.reason


def test_a_wrong_check_digit_is_an_error():
    err = rejected(label(Ean13(name="gtin", x=40, y=20, height=100, data="4006381333932")))
    assert "check digit" in err.reason
    err = rejected(label(Itf14(name="case_gtin", x=40, y=20, height=100, data="14006381333939")))
    assert err.element == "case_gtin"


def test_characters_code128_cannot_carry_are_an_error():
    err = rejected(label(Code128(name="lpn", x=40, y=20, height=100, data="LPN-Ü1")))
    assert err.element == "lpn" and "cannot be encoded" in err.reason


def test_bad_gs1_data_names_the_element_and_the_ai():
    err = rejected(label(Code128(name="sscc_barcode", x=40, y=20, height=100, gs1=True,
                                 data="(00)340123450012345671")))
    assert err.element == "sscc_barcode" and "(00)" in err.reason and "check digit" in err.reason
    err = rejected(label(DataMatrix(name="item_dm", x=40, y=20, gs1=True,
                                    data="(01)04006381333931(17)2612")))
    assert err.element == "item_dm" and "(17)" in err.reason


def test_data_too_long_for_a_qr_code_is_an_error():
    err = rejected(label(QrCode(name="qr", x=40, y=20, data="x" * 3000)))
    assert err.element == "qr"


def test_elements_past_the_bottom_edge_are_an_error():
    err = rejected(label(Text(name="footer", x=20, y=390, height=30, text="bottom")))
    assert err.element == "footer" and "height" in err.reason


def test_templates_reject_bad_data_before_printing():
    with pytest.raises(LabelError) as e:
        t.item_label(t.ItemData(sku="S", description="d", gtin="40063813339AB"))
    assert e.value.element == "gtin"
    with pytest.raises(LabelError) as e:
        t.sscc_label(t.SsccData(sscc="340123450012345671", shipper=t.Address(name="x")))
    assert e.value.element == "sscc"
    with pytest.raises(LabelError) as e:
        t.location_label(t.LocationData(code="A-01-02-03-" + "9" * 60))
    assert e.value.element == "location_barcode"
    with pytest.raises(LabelError) as e:
        t.item_label(t.ItemData(sku="S", description="An item description so long that two "
                                "lines of the item label cannot hold it, however hard it tries",
                                gtin="4006381333931", expiry=dt.date(2026, 1, 1)))
    assert e.value.element == "description"


def test_sscc_builder_makes_a_valid_check_digit():
    code = gs1.sscc(3, "4012345", 1234567)
    assert len(code) == 18 and gs1.is_valid(code)
