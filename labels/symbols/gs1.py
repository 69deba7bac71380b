"""GS1 element strings: check digits, SSCC, and "(AI)value" parsing for GS1-128 / DataMatrix."""

from __future__ import annotations

import re

FNC1 = "\x1d"  # stands for FNC1 inside element strings (the GS separator a scanner sends)

# Data length of the AIs whose length is predefined by the first two digits (GS1 General
# Specifications, figure 7.8.5-2): these never need an FNC1 separator after them.
_PREDEFINED = {
    "00": 18, "01": 14, "02": 14, "03": 14, "04": 16, "11": 6, "12": 6, "13": 6, "14": 6,
    "15": 6, "16": 6, "17": 6, "18": 6, "19": 6, "20": 2, "31": 6, "32": 6, "33": 6, "34": 6,
    "35": 6, "36": 6, "41": 13,
}
# Content rules for the AIs our labels use: (regex for the value, what it is).
_RULES = {
    "00": (r"\d{18}", "18 digits (SSCC)"),
    "01": (r"\d{14}", "14 digits (GTIN)"),
    "02": (r"\d{14}", "14 digits (GTIN)"),
    "10": (r"[!-~]{1,20}", "1 to 20 characters (lot)"),
    "11": (r"\d{6}", "a YYMMDD date"),
    "13": (r"\d{6}", "a YYMMDD date"),
    "15": (r"\d{6}", "a YYMMDD date"),
    "17": (r"\d{6}", "a YYMMDD date"),
    "21": (r"[!-~]{1,20}", "1 to 20 characters (serial)"),
    "30": (r"\d{1,8}", "1 to 8 digits (count)"),
    "37": (r"\d{1,8}", "1 to 8 digits (count)"),
    "400": (r"[!-~]{1,30}", "1 to 30 characters (order number)"),
}
_CHECKED = {"00", "01", "02"}
# GS1 AI encodable character set 82 (ISO 646 subset), used for all alphanumeric AIs.
_CSET82 = re.compile(r"[!\"%&'()*+,\-./0-9:;<=>?A-Z_a-z]*")


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

    Raises ValueError with a reason naming the AI.
    """
    if not text.startswith("("):
        raise ValueError('GS1 data must be written as "(AI)value(AI)value"')
    fields = re.findall(r"\((\d{2,4})\)([^()]*)", text)
    if "".join(f"({a}){v}" for a, v in fields) != text:
        raise ValueError('GS1 data must be written as "(AI)value(AI)value" with no "(" or ")" in values')
    for ai, value in fields:
        if not value:
            raise ValueError(f"AI ({ai}) has no value")
        if not _CSET82.fullmatch(value):
            raise ValueError(f"AI ({ai}) value {value!r} has characters GS1 cannot encode")
        rule = _RULES.get(ai)
        if rule and not re.fullmatch(rule[0], value):
            raise ValueError(f"AI ({ai}) must be {rule[1]}, got {value!r}")
        need = _PREDEFINED.get(ai[:2])
        if need is not None and len(value) != need:
            raise ValueError(f"AI ({ai}) must have {need} characters, got {len(value)}")
        if ai in _CHECKED and not is_valid(value):
            raise ValueError(f"AI ({ai}) {value} has a wrong check digit "
                             f"(expected {check_digit(value[:-1])})")
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
