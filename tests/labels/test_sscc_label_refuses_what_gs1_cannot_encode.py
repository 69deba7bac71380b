"""The GS1 logistics label takes what a real carton carries and refuses what GS1 cannot encode,
naming the element, by the GS1 General Specifications' whole AI table (through biip): never a
broken label, never a crash."""

import datetime as dt

import pytest

from labels import LabelError, to_png, to_zpl
from labels import templates as t
from labels.symbols import gs1

SSCC = gs1.sscc(3, "4012345", 1234567)
SHIPPER = t.Address(name="Acme Distribution", lines=("Gate 2",), postal_code="40210", city="Duesseldorf", country="DE")


def carton(**content) -> t.SsccData:
    return t.SsccData(sscc=SSCC, shipper=SHIPPER, content=t.CartonContent(**({"gtin": "5901234123457", "count": 12} | content)))


@pytest.mark.parametrize(
    "content, element, words",
    [
        ({"lot": "LOT 7"}, "content_lot", "no spaces"),
        ({"lot": "LOT§7"}, "content_lot", "GS1's set"),
        ({"lot": "L" * 21}, "content_lot", "1 to 20 characters"),
        ({"count": 123_456_789}, "content_count", "1 to 8 digits"),
        ({"gtin": "5901234123458"}, "content_gtin", "check digit"),
        ({"lot": "A(1)"}, "content_lot", "( or )"),
    ],
)
def test_content_gs1_cannot_encode_is_refused_naming_the_element(content, element, words):
    with pytest.raises(LabelError) as refused:
        t.sscc_label(carton(**content))
    assert refused.value.element == element and words in refused.value.reason


def test_a_lot_at_the_limit_and_a_full_count_print():
    label = t.sscc_label(carton(lot="L/24_A%+'*,.", count=99_999_999, best_before=dt.date(2027, 2, 28)))
    assert "99999999" in to_zpl(label) and to_png(label)


def test_a_five_and_a_six_line_shipper_address_fit():
    for extra in (("Building 4",), ("Building 4", "Gate 2, dock 7")):
        shipper = t.Address(name="Acme Distribution GmbH", lines=("Industriestrasse 12", *extra), postal_code="40210",
                            city="Duesseldorf", country="DE")
        label = t.sscc_label(t.SsccData(sscc=SSCC, shipper=shipper))
        assert "Industriestrasse 12" in to_zpl(label)


@pytest.mark.parametrize(
    "data, words",
    [("(17)991331", "(17)"), ("(999)1", "not a GS1 Application Identifier"), ("(4321)7", "(4321)"), ("(8200)x y", "(8200)")],
)
def test_element_strings_are_checked_against_the_whole_ai_table(data, words):
    with pytest.raises(gs1.GS1Error) as refused:
        gs1.parse(data)
    assert words in str(refused.value)


def test_ais_beyond_the_old_dozen_are_accepted_when_valid():
    assert gs1.parse("(400)ORDER-1(4321)1(7003)2601011230") == [("400", "ORDER-1"), ("4321", "1"), ("7003", "2601011230")]
