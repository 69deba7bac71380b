"""Store webhooks turned into our orders: one small, pure module per store.

A store module (see shopify.py, woocommerce.py) provides what `StoreMapping` names. The webhook
endpoint calls them in this order:

    if store.is_ping(raw, headers): answer 200, create nothing
    if not store.verify(raw, headers, secret): answer 401
    store.delivery_id(headers)      -> the store's id of this delivery, for dedup (may be None)
    store.to_order(raw)             -> Mapped, or raises MappingError

No database and no HTTP here: bytes and headers in, Structs out. Store-side Structs ignore
fields they do not name (stores add fields all the time); ids are decoded as `int`, never as
float, so ids above 2^53 stay exact.
"""

import base64
import binascii
import hashlib
import hmac
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Literal, Protocol, TypeVar

import msgspec

from schema.common import FieldError
from schema.orders import Address, OrderCreate, OrderLineIn
from server.core import nul

T = TypeVar("T")

NO_SHIPPING = "needs no shipping (gift card / digital)"
NOTHING_TO_SHIP = "nothing to ship (quantity is 0)"
FULFILLED_ELSEWHERE = "fulfilled elsewhere already (the store says nothing is left to fulfil)"

# A webhook that creates an order, or one that says something changed (paid, cancelled ...).
Topic = Literal["create", "update"]
MISSING = "missing or empty"


class SkippedLine(msgspec.Struct, kw_only=True):
    """A store line we did not turn into an order line, and why, for a person to read."""

    line_id: str  # the store's line id, exact, as a string
    sku: str
    title: str
    quantity: int
    reason: str


class Mapped(msgspec.Struct, kw_only=True):
    """What a store order became. `order` is None when no line needs shipping by us; otherwise it
    holds the order without its lines' SKUs, which the receiver finds for `lines` (the store lines
    to ship, in the same order) through the channel's mappings and the catalog. `review` says what
    a person must check before the order ships (its address); the receiver holds it for that."""

    source_id: str  # the store's own order id, exact, as a string
    order: OrderCreate | None
    lines: list["StoreLine"] = []
    skipped: list[SkippedLine] = []
    review: str = ""
    paid: bool = True  # False: the store is still waiting for the customer's payment
    cancelled: str = ""  # why, when the store has cancelled the order


class MappingError(Exception):
    """The payload cannot become an order; `field` is a path in the store's payload."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason

    def as_field_error(self) -> FieldError:
        return FieldError(self.field, self.reason)


class Unreadable(MappingError):
    """The body is not the store's order JSON: not JSON, a field of the wrong type, a NUL in a text."""


class StoreMapping(Protocol):
    """What every store module provides (modules satisfy this protocol structurally)."""

    NAME: str

    def is_ping(self, raw: bytes, headers: Mapping[str, str]) -> bool: ...

    def verify(self, raw: bytes, headers: Mapping[str, str], secret: str) -> bool: ...

    def delivery_id(self, headers: Mapping[str, str]) -> str | None: ...

    def topic(self, headers: Mapping[str, str]) -> Topic: ...

    def to_order(self, raw: bytes, ship_fulfilled: bool = False) -> Mapped: ...


# ---------------------------------------------------------------------------------------------
# Helpers the store modules share.


def header(headers: Mapping[str, str], name: str) -> str | None:
    """A header by name, whatever its case (a plain dict in tests, Litestar's headers live)."""
    value = headers.get(name)
    if value is None:
        wanted = name.lower()
        value = next((v for k, v in headers.items() if k.lower() == wanted), None)
    return value


def signed_with(raw: bytes, signature: str | None, secret: str) -> bool:
    """True when `signature` is base64(HMAC-SHA256(raw, secret)), compared in constant time.

    An empty secret verifies nothing: anyone could sign with it.
    """
    if not signature or not secret:
        return False
    try:
        given = base64.b64decode(signature.strip(), validate=True)
    except (binascii.Error, ValueError):
        return False
    expected = hmac.new(secret.encode(), raw, hashlib.sha256).digest()
    return hmac.compare_digest(given, expected)


_AT = re.compile(r"^(?P<reason>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)


def _split(message: str) -> tuple[str, str]:
    """msgspec's "Expected `int`, got `str` - at `$.a[0].b`" -> ("a[0].b", "Expected ...")."""
    match = _AT.match(message)
    assert match is not None  # the pattern matches any text
    return (match["path"] or "").lstrip("."), match["reason"]


def decode(decoder: msgspec.json.Decoder[T], raw: bytes) -> T:
    """Decode a store payload; a body we cannot read is a MappingError naming the field."""
    try:
        decoded = decoder.decode(raw)
    except msgspec.ValidationError as exc:
        path, reason = _split(str(exc))
        raise Unreadable(path or "body", reason) from None
    except msgspec.DecodeError as exc:
        raise Unreadable("body", f"not valid JSON: {exc}") from None
    if (where := nul.nul_in_json(raw)) is not None:
        raise Unreadable(where, nul.REASON)
    return decoded


def text(value: object) -> str:
    """A store string, stripped; None and non-strings become ""."""
    return value.strip() if isinstance(value, str) else ""


def clip(value: str, limit: int) -> str:
    """At most `limit` characters; a cut text ends in an ellipsis so a reader sees the cut."""
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def _max_length(struct: type, field: str) -> int:
    info = msgspec.inspect.type_info(struct)
    assert isinstance(info, msgspec.inspect.StructType)
    kind = next(f.type for f in info.fields if f.name == field)
    assert isinstance(kind, msgspec.inspect.StrType) and kind.max_length is not None
    return kind.max_length


SERVICE_LEVEL_MAX = _max_length(OrderCreate, "service_level")
NOTES_MAX = _max_length(OrderCreate, "notes")
REFERENCE_MAX = _max_length(OrderLineIn, "reference")
_REQUIRED_ADDRESS = ("name", "line1", "city", "postal_code", "country")

# A value and the path of the store field it came from: ("shipping_address.zip", "40202").
Sourced = tuple[str, str]


class StoreLine(msgspec.Struct, kw_only=True):
    """A store line to ship, store-neutral, before its SKU is known."""

    source: str  # path of the line in the store payload, e.g. "line_items[2]"
    line_id: str  # the store's line id, exact
    sku: str  # the SKU text the store sent, maybe empty
    product_id: str  # "" when the store sends none
    variant_id: str  # "" when the line is no variant
    title: str
    quantity: int


def store_id(value: int | None) -> str:
    """A store's product or variant id as text; none (or WooCommerce's 0) is ""."""
    return str(value) if value else ""


def split_lines(
    items: Sequence,
    skip_reason: Callable[[object], str | None],
    title: Callable[[object], str],
    product: Callable[[object], tuple[str, str]],
    to_ship: Callable[[object], int] = lambda item: item.quantity,
) -> tuple[list[StoreLine], list[SkippedLine]]:
    """The store's line items to ship, and the ones we leave out with the reason why.

    Each item has `id`, `sku` and `quantity`; `skip_reason(item)` says why a line is not ours to
    ship (None: it is), `title(item)` names it for a person, `product(item)` gives its product and
    variant ids, `to_ship(item)` how many are left to ship. A line to ship is never left out for
    lacking a SKU: the receiver holds it."""
    lines, skipped = [], []
    for i, item in enumerate(items):
        sku = text(item.sku)
        reason = skip_reason(item)
        if reason:
            skipped.append(SkippedLine(line_id=str(item.id), sku=sku, title=title(item), quantity=item.quantity, reason=reason))
        else:
            product_id, variant_id = product(item)
            lines.append(StoreLine(
                source=f"line_items[{i}]", line_id=str(item.id), sku=sku, product_id=product_id, variant_id=variant_id,
                title=title(item), quantity=to_ship(item),
            ))
    return lines, skipped


# What stands for the address while the rest of the order is checked, when the store's is unusable.
_CHECKING_ADDRESS = {"name": "-", "line1": "-", "city": "-", "country": "ZZ"}


def _address(fields: dict[str, Sourced]) -> Address:
    """The store's address fields as ours; MappingError at the store's path when one is refused."""
    address: dict[str, str] = {}
    for field, (path, value) in fields.items():
        if value:
            address[field] = value
        elif field in _REQUIRED_ADDRESS:
            raise MappingError(path, MISSING)
    try:
        return msgspec.convert(address, Address)
    except msgspec.ValidationError as exc:
        path, reason = _split(str(exc))
        raise MappingError(fields[path][0] if path in fields else "ship_to", reason) from None


def ship_to_or_why(shipping: dict[str, Sourced] | None, billing: dict[str, Sourced] | None) -> tuple[Address | None, str]:
    """The address to ship to, and what a person must check before the order ships ("" when
    nothing). A store order without a shipping address (a WooCommerce store that asks for billing
    only, a Shopify order to collect) ships to its billing address, held for review; a shipping
    address that is incomplete or invalid is not guessed at: the order is held without one."""
    if shipping is not None:
        try:
            return _address(shipping), ""
        except MappingError as error:
            return None, f"the shipping address cannot be used ({error}); set it with PUT /api/v1/orders/{{id}}/ship-to"
    if billing is not None:
        try:
            return _address(billing), "the store sent no shipping address; the billing address is used: check it"
        except MappingError:
            pass
    return None, "the store sent no shipping address (nor a usable billing address); set one with PUT /api/v1/orders/{id}/ship-to"


def build_order(
    *,
    external_id: Sourced,
    ship_to: Address | None,
    lines: list[StoreLine],
    service_level: str = "",
    notes: str = "",
) -> OrderCreate:
    """Validate against our contract; a value it refuses raises MappingError at the store's path.

    `ship_to` comes from ship_to_or_why (None: held without one). Lines carry their quantity and
    store line id; their SKUs are found by the receiver. service_level and notes are clipped to
    the contract's limits rather than refused.
    """
    sources: dict[str, str] = {"external_id": external_id[0], "lines": "line_items"}
    order_lines = []
    for i, line in enumerate(lines):
        sources[f"lines[{i}].quantity"] = f"{line.source}.quantity"
        sources[f"lines[{i}]"] = line.source
        order_lines.append({"quantity": line.quantity, "reference": line.line_id})
    data: dict[str, object] = {"external_id": external_id[1], "ship_to": _CHECKING_ADDRESS, "lines": order_lines}
    if service_level:
        data["service_level"] = clip(service_level, SERVICE_LEVEL_MAX)
    if notes:
        data["notes"] = clip(notes, NOTES_MAX)
    try:
        order = msgspec.convert(data, OrderCreate)
    except msgspec.ValidationError as exc:
        path, reason = _split(str(exc))
        raise MappingError(sources.get(path, path or "body"), reason) from None
    # None only until a person sets it: the order is held (see receive.py)
    return msgspec.structs.replace(order, ship_to=ship_to)  # type: ignore[arg-type]
