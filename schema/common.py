"""Types every message shares: codes, quantities, pages, problems."""

import base64
from typing import Annotated, Generic, TypeVar

import msgspec
from msgspec import Meta

T = TypeVar("T")

Code = Annotated[str, Meta(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._/:#-]*$")]
Barcode = Annotated[str, Meta(min_length=1, max_length=128, pattern=r"^[\x21-\x7e]+$")]
# A scan as the scanner sent it: GS1 element strings keep their GS (0x1D) separators.
ScanText = Annotated[str, Meta(min_length=1, max_length=256, pattern=r"^[\x1d\x21-\x7e]+$")]
Text = Annotated[str, Meta(min_length=1, max_length=500)]
OptionalText = Annotated[str, Meta(max_length=500)]
# A quantity of base units; the upper bound keeps sums inside PostgreSQL's bigint.
Quantity = Annotated[int, Meta(gt=0, le=1_000_000_000)]
Millimetres = Annotated[int, Meta(gt=0, le=100_000)]
Grams = Annotated[int, Meta(gt=0, le=10_000_000)]
Limit = Annotated[int, Meta(ge=1, le=1000)]


class Page(msgspec.Struct, Generic[T], kw_only=True):
    """One page of a list. Pass next_cursor back as ?cursor= for the next page; null means the end."""

    items: list[T]
    next_cursor: str | None = None


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(str(last_id).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    """The id after which the next page starts; raises ValueError for a cursor we did not make."""
    if not cursor:
        return 0
    padded = cursor + "=" * (-len(cursor) % 4)
    value = base64.urlsafe_b64decode(padded.encode()).decode()
    if not value.isdigit():
        raise ValueError("not a cursor from this server")
    return int(value)


class FieldError(msgspec.Struct, frozen=True):
    field: str
    reason: str


class Problem(msgspec.Struct, kw_only=True, omit_defaults=True):
    """RFC 9457 problem details; `errors` names each field that was wrong and why."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str = ""
    errors: list[FieldError] = []
