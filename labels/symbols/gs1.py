"""GS1 element strings: check digits, SSCC, and "(AI)value" parsing for GS1-128 / DataMatrix."""

from __future__ import annotations

import re

from biip import ParseError
from biip.gs1_application_identifiers import GS1ApplicationIdentifier

FNC1 = "\x1d"  # stands for FNC1 inside element strings (the GS separator a scanner sends)

# Data length of the AIs whose length is predefined by the first two digits (GS1 General
# Specifications, figure 7.8.5-2): these never need an FNC1 separator after them.
_PREDEFINED = {
    "00": 18, "01": 14, "02": 14, "03": 14, "04": 16, "11": 6, "12": 6, "13": 6, "14": 6,
    "15": 6, "16": 6, "17": 6, "18": 6, "19": 6, "20": 2, "31": 6, "32": 6, "33": 6, "34": 6,
    "35": 6, "36": 6, "41": 13,
}
_CHECKED = {"00", "01", "02"}


class GS1Error(ValueError):
    """A GS1 element that cannot be encoded; `ai` says which (None: the whole string)."""

    def __init__(self, reason: str, ai: str | None = None) -> None:
        super().__init__(reason)
        self.ai = ai


def check(ai: str, value: str) -> None:
    """Raise GS1Error unless `value` is valid data for `ai` by the GS1 General Specifications'
    AI table (through biip): a known AI, its length and character set, real dates."""
    try:
        known = GS1ApplicationIdentifier.extract(ai)
    except ParseError:
        known = None
    if known is None or known.ai != ai:
        raise GS1Error(f"({ai}) is not a GS1 Application Identifier", ai)
    if not value:
        raise GS1Error(f"AI ({ai}) has no value", ai)
    if not re.fullmatch(known.pattern, ai + value):
        raise GS1Error(f"AI ({ai}) cannot hold {value!r}: {known.description[0].lower()}{known.description[1:]}, "
                       f"{_what(known.pattern, ai)}", ai)
    if ai in _CHECKED and not is_valid(value):
        raise GS1Error(f"AI ({ai}) {value} has a wrong check digit (expected {check_digit(value[:-1])})", ai)


def _what(pattern: str, ai: str) -> str:
    """What the AI's pattern allows, in words: "1 to 20 characters of GS1's set", "6 digits"."""
    body = pattern.removeprefix("^" + ai).removesuffix("$").strip("()")
    if match := re.fullmatch(r"\\d\{(\d+)\}", body):
        return f"{match[1]} digits"
    if match := re.fullmatch(r"\\d\{(\d+),(\d+)\}", body):
        return f"{match[1]} to {match[2]} digits"
    if match := re.fullmatch(r"\[.*\]\{(\d+),(\d+)\}", body):
        return f"{match[1]} to {match[2]} characters of GS1's set (letters, digits and !\"%&'()*+,-./:;<=>?_; no spaces)"
    return "in the form GS1 specifies for it (a date: YYMMDD with a real month and day)"


def check_digit(digits: str) -> str:
    """The GS1 mod-10 check digit for `digits` (the data without its check digit)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        total += int(ch) * (3 if i % 2 == 0 else 1)
    return str((10 - total % 10) % 10)


def is_valid(digits: str) -> bool:
    return digits.isdigit() and len(digits) > 1 and check_digit(digits[:-1]) == digits[-1]


def sscc(extension: int, company_prefix: str, serial: int) -> str:
    """The 18-digit SSCC: extension digit, company prefix, serial reference, check digit."""
    ref_len = 16 - len(company_prefix)
    if not (0 <= extension <= 9) or not company_prefix.isdigit() or not 6 <= len(company_prefix) <= 12:
        raise ValueError("SSCC needs an extension digit 0-9 and a 6-12 digit company prefix")
    if not 0 <= serial < 10**ref_len:
        raise ValueError(f"serial reference must have at most {ref_len} digits")
    body = f"{extension}{company_prefix}{serial:0{ref_len}d}"
    return body + check_digit(body)


def parse(text: str) -> list[tuple[str, str]]:
    """"(00)123...(10)ABC" -> [("00", "123..."), ("10", "ABC")], validating each field.

    Raises GS1Error (a ValueError) with a reason naming the AI.
    """
    if not text.startswith("("):
        raise GS1Error('GS1 data must be written as "(AI)value(AI)value"')
    fields = re.findall(r"\((\d{2,4})\)([^()]*)", text)
    if "".join(f"({a}){v}" for a, v in fields) != text:
        raise GS1Error('GS1 data must be written as "(AI)value(AI)value" with no "(" or ")" in values')
    for ai, value in fields:
        check(ai, value)
    return fields


def element_string(fields: list[tuple[str, str]]) -> str:
    """AIs and values concatenated, with FNC1 (GS) after each variable-length field but the last.

    The leading FNC1 that marks a GS1 symbol is not included (the encoders add it).
    """
    out = []
    for i, (ai, value) in enumerate(fields):
        out.append(ai + value)
        if i < len(fields) - 1 and ai[:2] not in _PREDEFINED:
            out.append(FNC1)
    return "".join(out)


def human_readable(fields: list[tuple[str, str]]) -> str:
    """The text line printed under a GS1 barcode: "(00) 312345670000000017"."""
    return " ".join(f"({ai}) {value}" for ai, value in fields)


def _ai_length(digits: str) -> int:
    """How many digits the AI at the start of `digits` has (GS1 AI table, by first digits)."""
    two = digits[:2]
    n = int(two) if two.isdigit() else -1
    if 0 <= n <= 4 or 10 <= n <= 22 or n in (30, 37) or 90 <= n <= 99:
        return 2
    if 23 <= n <= 29 or 40 <= n <= 49 or n == 71:
        return 3
    return 4  # 31-36, 39, 70, 72-89: four-digit AIs


def split_element_string(es: str) -> list[tuple[str, str]]:
    """The inverse of element_string: "00123...\\x1d10ABC" -> [("00", "123..."), ...]."""
    fields = []
    i = 0
    while i < len(es):
        if es[i] == FNC1:
            i += 1
            continue
        n = _ai_length(es[i:])
        ai = es[i:i + n]
        i += n
        fixed = _PREDEFINED.get(ai[:2])
        if fixed is not None:
            value = es[i:i + fixed]
        else:
            end = es.find(FNC1, i)
            value = es[i:] if end < 0 else es[i:end]
        i += len(value)
        fields.append((ai, value))
    return fields


def bracketed(fields: list[tuple[str, str]]) -> str:
    return "".join(f"({ai}){value}" for ai, value in fields)
