"""GTIN validation and normalisation, shared by the server's catalog and the handheld's scanner."""

from biip import ParseError
from biip.gtin import Gtin


def normalize_gtin(value: str) -> str:
    """Return the GTIN as 14 digits; raise ValueError saying what is wrong (length, check digit)."""
    try:
        return Gtin.parse(value.strip()).as_gtin_14()
    except ParseError as error:
        raise ValueError(str(error)) from None
