"""One parser reads every scan: AIM identifiers stripped, GS1 element strings and Digital Link
URIs read through biip, GTINs normalised to 14 digits, and a scan that claims to be GS1 but is
not refused with a reason a picker can read."""

import datetime

import pytest

from schema.scans import Item, ScanError, Sscc, Text, parse

GTIN = "05901234123457"


@pytest.mark.parametrize(
    "scan, expected",
    [
        ("]E05901234123457", Item(gtin=GTIN, symbology="]E0")),
        ("]E0036000291452", Item(gtin="00036000291452", symbology="]E0")),  # UPC-A
        ("]E496385074", Item(gtin="00000096385074", symbology="]E4")),  # EAN-8
        ("]I115901234123454", Item(gtin="15901234123454", symbology="]I1")),  # ITF-14
        ("5901234123457", Item(gtin=GTIN)),
        ("]C1010590123412345710LOT-7\x1d17271231", Item(gtin=GTIN, lot="LOT-7", expiry=datetime.date(2027, 12, 31), symbology="]C1")),
        ("]d201059012341234571725063021SN-1", Item(gtin=GTIN, expiry=datetime.date(2025, 6, 30), serial="SN-1", symbology="]d2")),
        ("]Q3010590123412345710X", Item(gtin=GTIN, lot="X", symbology="]Q3")),
        ("]J1010590123412345710X", Item(gtin=GTIN, lot="X", symbology="]J1")),  # GS1 DotCode
        ("]e0010590123412345730012", Item(gtin=GTIN, count=12, symbology="]e0")),
        ("0105901234123457" "10ABC", Item(gtin=GTIN, lot="ABC")),  # GS1 without an identifier
        ("https://id.gs1.org/01/05901234123457/10/ABC", Item(gtin=GTIN, lot="ABC")),
        ("]Q1https://example.com/01/05901234123457", Item(gtin=GTIN, symbology="]Q1")),
        ("]C100376104250021234569", Sscc(sscc="376104250021234569", symbology="]C1")),
        ("]C0BIN-A-01-02", Text(value="BIN-A-01-02", symbology="]C0")),
        ("]A0TOTE-17", Text(value="TOTE-17", symbology="]A0")),
        ("BADGE 0042", Text(value="BADGE 0042")),
        ("0105901234123455", Text(value="0105901234123455")),  # 16 digits: an internal code
        ("BIN-1\r\n", Text(value="BIN-1")),
    ],
)
def test_a_scan_is_read_as_what_it_is(scan, expected):
    assert parse(scan) == expected


@pytest.mark.parametrize(
    "scan, words",
    [
        ("]C1010590123412345817251231", "wrong check digit"),  # GTIN check digit
        ("]E05901234123458", "wrong check digit"),
        ("01059012341234571799133110X", "expiration date"),  # month 13
        ("]C1019999", "(01)"),
        ("]C1010590123412345710" + "A" * 25, "too long"),  # a lot over 20 characters
        ("]C19912345", "carries no GTIN"),
        ("]C100376104250021234568", "SSCC"),
        ("]E0ABCDEFGHIJKLM", "not a GTIN"),
        ("]C1", "empty"),
        ("https://id.gs1.org/01/05901234123458", "wrong check digit"),
    ],
)
def test_a_scan_that_claims_to_be_gs1_and_is_not_is_refused_with_a_reason(scan, words):
    with pytest.raises(ScanError) as refused:
        parse(scan)
    assert words in refused.value.reason
    assert "pattern" not in refused.value.reason and "^" not in refused.value.reason
