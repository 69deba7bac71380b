"""Hypothesis writes the corpus: every AIM identifier the GS1 and AIM specifications list, GS1
element strings of valid and broken data, separators in odd places, Digital Link URIs, and noise.
Whatever is scanned, the parser returns a typed value or refuses with a ScanError, and a valid
GS1 scan comes back with exactly what was encoded."""

import datetime
import string

from hypothesis import given, settings
from hypothesis import strategies as st

from schema.scans import GS, Item, ScanError, Text, parse

# AIM ISO/IEC 15424 code characters and the modifiers they take (0-9, A-Z as the spec allows).
AIM_CODES = "ACEFGHIJLMOQRSXYZdeoz"
MODIFIERS = string.digits + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
GS1_AIMS = ["]C1", "]e0", "]d2", "]Q3", "]J1"]
# GS1's character set 82 for lots and serials (no GS, no space).
CSET82 = string.ascii_letters + string.digits + "!\"%&'()*+,-./:;<=>?_"
settings.register_profile("corpus", max_examples=400, deadline=None)
settings.load_profile("corpus")


def check_digit(digits: str) -> str:
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return str((10 - total % 10) % 10)


gtins = st.text(string.digits, min_size=13, max_size=13).map(lambda body: body + check_digit(body))
lots = st.text(CSET82, min_size=1, max_size=20)
dates = st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2049, 12, 31))
separators = st.sampled_from(["", GS, GS + GS])


@given(
    aim=st.sampled_from(GS1_AIMS + [""]),
    gtin=gtins,
    lot=st.none() | lots,
    expiry=st.none() | dates,
    serial=st.none() | lots,
    count=st.none() | st.integers(1, 99_999_999),
    lead=separators,
    tail=separators,
    between=st.sampled_from([GS, GS + GS]),
)
def test_a_valid_gs1_scan_comes_back_with_what_was_encoded(aim, gtin, lot, expiry, serial, count, lead, tail, between):
    fixed = "01" + gtin + (f"17{expiry:%y%m%d}" if expiry else "")
    variable = [f"10{lot}"] if lot else []
    variable += [f"21{serial}"] if serial else []
    variable += [f"30{count}"] if count else []
    data = fixed + between.join(variable)
    scan = aim + (lead if aim else "") + data + tail
    if not aim and not variable and not expiry:
        scan = data  # a bare AI 01 + GTIN of 16 digits is not taken for GS1 without an identifier
    found = parse(scan)
    if not aim and not variable and not expiry:
        assert found == Text(value=data)
        return
    assert found == Item(gtin=gtin, lot=lot, expiry=expiry, serial=serial, count=count, symbology=aim or None)


@given(aim=st.sampled_from(GS1_AIMS), gtin=gtins, wrong=st.integers(1, 9), lot=lots)
def test_a_gtin_with_a_wrong_check_digit_is_refused_not_read(aim, gtin, wrong, lot):
    bad = gtin[:-1] + str((int(gtin[-1]) + wrong) % 10)
    try:
        parse(f"{aim}01{bad}10{lot}")
    except ScanError as refused:
        assert "check digit" in refused.reason
    else:
        raise AssertionError("a wrong check digit was read")


@given(gtin=gtins, lot=st.text(string.ascii_letters + string.digits + "-", min_size=1, max_size=20))
def test_a_digital_link_in_a_qr_code_is_read(gtin, lot):
    assert parse(f"]Q1https://id.example.com/01/{gtin}/10/{lot}") == Item(gtin=gtin, lot=lot, symbology="]Q1")


@given(code=st.sampled_from(AIM_CODES), modifier=st.sampled_from(MODIFIERS), data=st.text(min_size=0, max_size=60))
def test_any_aim_identifier_with_any_data_is_read_or_refused_never_crashes(code, modifier, data):
    scan = f"]{code}{modifier}{data}"
    try:
        found = parse(scan)
    except ScanError as refused:
        assert refused.reason
    else:
        assert found.symbology == f"]{code}{modifier}"


@given(st.text(alphabet=string.digits + GS + "ABC]\r\n", max_size=80) | st.text(max_size=80))
def test_noise_is_read_or_refused_never_crashes(scan):
    try:
        parse(scan)
    except ScanError:
        pass
