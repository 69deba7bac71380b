"""What a scan is: the one parser every scanning screen and the server use (GS1 through biip).

A scanner sends one line per scan, optionally prefixed with an AIM symbology identifier (`]` + a
code character + a modifier: `]C1` GS1-128, `]E0` EAN-13/UPC, `]d2` GS1 DataMatrix ...). The
identifier is stripped, and says how to read the rest:

- GS1 element strings (`]C1`, `]e0`, `]d2`, `]Q3`, `]J1`; or, with no identifier, data that
  starts with a GS1 AI and goes on past the GTIN): an `Item` when it carries a GTIN (AI 01 or 02,
  with lot, expiry, serial and count from AIs 10, 17, 21, 30/37), an `Sscc` for AI 00.
- GS1 Digital Link URIs (in a QR code): `https://.../01/<gtin>/10/<lot>...`, read the same way.
- EAN/UPC and ITF-14 (`]E0`, `]E4`, `]I1`, or bare digits of a GTIN's length with a valid check
  digit): an `Item` with the GTIN.
- Anything else: `Text`, the data as scanned (a location, tote, badge or order barcode, or an
  internal item code), for the screen that expects it to look up.

A scan that says it is GS1 but is not valid GS1 (a wrong check digit, a month 13, an unknown AI,
an AI's data too long) raises ScanError with the reason in words a picker understands. The GS
separator (0x1D) is kept in `Text` and ends variable-length AIs in element strings.
"""

import datetime
import re

import biip
import msgspec
from biip.gs1_application_identifiers import GS1ApplicationIdentifier
from biip.gs1_digital_link_uris import GS1DigitalLinkURI
from biip.gs1_messages import GS1Message
from biip.gtin import Gtin

GS = "\x1d"

# AIM identifiers whose data is a GS1 element string: GS1-128, GS1 DataBar (and its composites),
# GS1 DataMatrix, GS1 QR Code, GS1 DotCode, GS1 Aztec.
GS1_SYMBOLOGIES = {"]C1", "]e0", "]e1", "]e2", "]e3", "]d2", "]Q3", "]Q5", "]J1", "]z1", "]z2"}
# AIM identifiers whose data is a GTIN: EAN-13 / UPC-A / UPC-E, EAN-8, ITF-14.
GTIN_SYMBOLOGIES = {"]E0", "]E3", "]E4", "]I1"}
_AIM = re.compile(r"^\][A-Za-z][0-9A-Za-z]")
_GTIN_LENGTHS = {8, 12, 13, 14}


class ScanError(ValueError):
    """A scan that says what it is but is not valid: `reason` is for the person scanning."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Item(msgspec.Struct, frozen=True, kw_only=True, tag="item"):
    """A trade item by its GTIN (always 14 digits, check digit verified)."""

    gtin: str
    lot: str | None = None
    expiry: datetime.date | None = None
    serial: str | None = None
    count: int | None = None  # units the label says it holds (AI 30 / 37)
    symbology: str | None = None


class Sscc(msgspec.Struct, frozen=True, kw_only=True, tag="sscc"):
    """A logistic unit (carton, pallet) by its 18-digit SSCC."""

    sscc: str
    symbology: str | None = None


class Text(msgspec.Struct, frozen=True, kw_only=True, tag="text"):
    """Not a GS1 code: the data as scanned, for the screen that expects it to look up."""

    value: str
    symbology: str | None = None


Scan = Item | Sscc | Text


class Attributes(msgspec.Struct, frozen=True, kw_only=True, tag="attributes"):
    """A GS1 barcode with a lot, expiry or serial and no GTIN: printed apart from the item's own
    barcode on some cartons; a receiving screen holds it for the item scanned next."""

    lot: str | None = None
    expiry: datetime.date | None = None
    serial: str | None = None
    symbology: str | None = None


# AIs such a barcode may carry: lot, production, best before, expiry, serial.
_ATTRIBUTE_AIS = {"10", "11", "13", "15", "17", "21"}


def split_symbology(scan: str) -> tuple[str | None, str]:
    """The AIM symbology identifier (or None) and the data after it; a line's CR/LF are dropped."""
    scan = scan.strip("\r\n")
    if _AIM.match(scan):
        return scan[:3], scan[3:]
    return None, scan


def parse(scan: str) -> Scan:
    """The typed value of a scan; ScanError when it claims to be GS1 or a GTIN and is not."""
    symbology, data = split_symbology(scan)
    if not data:
        raise ScanError("the scan is empty: scan again")
    if symbology in GS1_SYMBOLOGIES:
        return _element_strings(data, symbology)
    if symbology in GTIN_SYMBOLOGIES:
        return Item(gtin=_gtin(data), symbology=symbology)
    if data.lower().startswith(("http://", "https://")) and "/01/" in data:
        return _digital_link(data, symbology)
    plain = data.strip()
    if plain.isdigit() and len(plain) in _GTIN_LENGTHS and _valid_gtin(plain):
        return Item(gtin=_gtin(plain), symbology=symbology)
    if _looks_like_element_strings(plain):
        return _element_strings(plain, symbology)
    return Text(value=data, symbology=symbology)


def attributes(scan: str) -> Attributes | None:
    """The lot, expiry and serial of a GS1 barcode that carries them without a GTIN (parse()
    refuses it: it names no item); None for any other scan. Without a GS1 symbology identifier,
    only data that reads wholly as such AIs counts, so a location or tote code is not taken for a lot."""
    symbology, data = split_symbology(scan)
    data = data.strip().strip(GS)
    if not data or (symbology is not None and symbology not in GS1_SYMBOLOGIES) or data[:2] not in _ATTRIBUTE_AIS:
        return None
    try:
        message = GS1Message.parse(data)
    except biip.ParseError:
        return None
    elements = {e.ai.ai: e for e in message.element_strings}
    if not elements or not set(elements) <= _ATTRIBUTE_AIS or ("17" in elements and elements["17"].date is None):
        return None
    expiry = elements.get("17") or elements.get("15")
    return Attributes(
        lot=elements["10"].value if "10" in elements else None,
        expiry=expiry.date if expiry is not None else None,
        serial=elements["21"].value if "21" in elements else None,
        symbology=symbology,
    )


def _looks_like_element_strings(data: str) -> bool:
    """GS1 data without an identifier (a scanner set not to send one): AI 00 with an 18-digit
    SSCC, or AI 01/02 with a GTIN and more after it (a bare 14 digits is read as a GTIN)."""
    if data[:2] == "00" and len(data) == 20 and data.isdigit():
        return True
    return data[:2] in ("01", "02") and len(data) > 16 and data[2:16].isdigit()


def _valid_gtin(digits: str) -> bool:
    try:
        Gtin.parse(digits)
    except biip.ParseError:
        return False
    return True


def _gtin(digits: str) -> str:
    digits = digits.strip()
    if not digits.isdigit() or len(digits) not in _GTIN_LENGTHS:
        raise ScanError(f"{digits!r} is not a GTIN (8, 12, 13 or 14 digits): scan the item's own barcode")
    try:
        return Gtin.parse(digits).as_gtin_14()
    except biip.ParseError:
        raise ScanError(f"the barcode {digits} has a wrong check digit: scan it again, or key the item in") from None


def _element_strings(data: str, symbology: str | None) -> Scan:
    try:
        message = GS1Message.parse(data.strip(GS))
    except biip.ParseError as error:
        raise ScanError(f"this GS1 barcode cannot be read ({_plain(str(error))}): scan it again or key the item in") from None
    return _from_elements({e.ai.ai: e for e in message.element_strings}, symbology)


def _digital_link(data: str, symbology: str | None) -> Scan:
    try:
        link = GS1DigitalLinkURI.parse(data)
    except biip.ParseError as error:
        raise ScanError(f"this GS1 Digital Link cannot be read ({_plain(str(error))})") from None
    return _from_elements({e.ai.ai: e for e in link.element_strings}, symbology)


def _from_elements(elements: dict, symbology: str | None) -> Scan:
    if "00" in elements:
        sscc = elements["00"]
        if sscc.sscc is None:
            raise ScanError(f"the SSCC {sscc.value} has a wrong check digit: scan the label again")
        return Sscc(sscc=sscc.value, symbology=symbology)
    found = elements.get("01") or elements.get("02")
    if found is None:
        raise ScanError("this GS1 barcode carries no GTIN (AI 01 or 02): scan the item's own barcode")
    if found.gtin is None:
        raise ScanError(f"the GTIN {found.value} in this barcode has a wrong check digit: scan it again")
    expiry = elements.get("17")
    count = elements.get("30") or elements.get("37")
    return Item(
        gtin=found.gtin.as_gtin_14(),
        lot=elements["10"].value if "10" in elements else None,
        expiry=expiry.date if expiry is not None else None,
        serial=elements["21"].value if "21" in elements else None,
        count=int(count.value) if count is not None else None,
        symbology=symbology,
    )


_NO_AI = re.compile(r"Failed to get GS1 Application Identifier from '(?P<data>.*?)'", re.DOTALL)
_MISMATCH = re.compile(r"Failed to match '(?P<data>.*?)' with GS1 AI \((?P<ai>\d+)\) pattern", re.DOTALL)


def _plain(message: str) -> str:
    """biip's reason in words a picker can read: the AI by name and what it held, instead of the
    regular expression it failed ("the expiration date (17) cannot be 991331")."""
    match = _MISMATCH.search(message)
    if match is None:
        unknown = _NO_AI.search(message)
        if unknown is not None:
            return f"{unknown['data']!r} starts with no GS1 Application Identifier (a value too long, or a separator missing)"
        return message.rstrip(".")
    ai = GS1ApplicationIdentifier.extract(match["ai"])
    held = match["data"][len(ai.ai):]
    return f"the {ai.description[0].lower()}{ai.description[1:]} ({ai.ai}) cannot be {held!r}"
