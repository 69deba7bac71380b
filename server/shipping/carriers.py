"""Carriers. Each is an adapter with one small interface: create a shipment for a parcel (its
tracking number and what its label shows), void it, close the day. `own_fleet` needs no account:
it numbers parcels from a database sequence in the carrier's format, so the whole flow works with
no external service. A real carrier is one more adapter, registered in ADAPTERS."""

from typing import Protocol

import asyncpg
import msgspec

from schema.shipping import Carrier, CarrierIn
from server.core.problems import Invalid


class Parcel(msgspec.Struct, frozen=True, kw_only=True):
    """What a carrier needs to take a parcel."""

    order_ref: str
    sscc: str
    weight_g: int
    service: str


class Booked(msgspec.Struct, frozen=True, kw_only=True):
    tracking_number: str
    tracking_url: str = ""


class Adapter(Protocol):
    async def create_shipment(self, conn: asyncpg.Connection, carrier: Carrier, parcel: Parcel) -> Booked: ...

    async def void(self, conn: asyncpg.Connection, carrier: Carrier, tracking_numbers: list[str]) -> None: ...

    async def close_day(self, conn: asyncpg.Connection, carrier: Carrier, tracking_numbers: list[str]) -> None: ...


class OwnFleet:
    """The warehouse's own vans, or a carrier booked by phone: tracking numbers from a sequence."""

    async def create_shipment(self, conn: asyncpg.Connection, carrier: Carrier, parcel: Parcel) -> Booked:
        number = carrier.tracking_format.format(serial=await conn.fetchval("select nextval('tracking_serials')"))
        url = carrier.tracking_url.format(tracking=number) if carrier.tracking_url else ""
        return Booked(tracking_number=number, tracking_url=url)

    async def void(self, conn: asyncpg.Connection, carrier: Carrier, tracking_numbers: list[str]) -> None:
        """Nothing to tell anyone: the numbers are simply never used again."""

    async def close_day(self, conn: asyncpg.Connection, carrier: Carrier, tracking_numbers: list[str]) -> None:
        """The signed manifest is the whole hand-over."""


ADAPTERS: dict[str, Adapter] = {"own_fleet": OwnFleet()}

COLUMNS = "code, name, adapter, services, tracking_format, tracking_url, active"


def _check_format(data: CarrierIn) -> None:
    try:
        number = data.tracking_format.format(serial=1)
    except (KeyError, IndexError, ValueError) as error:
        raise Invalid.field("tracking_format", f"not a format with {{serial}}: {error}") from None
    if "{serial" not in data.tracking_format or not number.isascii() or not number.replace("-", "").isalnum():
        raise Invalid.field("tracking_format", "must contain {serial} and make letters, digits and dashes only")
    if data.tracking_url and "{tracking}" not in data.tracking_url:
        raise Invalid.field("tracking_url", "must contain {tracking}, where the number goes")


async def put_carrier(conn: asyncpg.Connection, data: CarrierIn) -> Carrier:
    _check_format(data)
    row = await conn.fetchrow(
        f"""
        insert into carriers ({COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7)
        on conflict (code) do update set name = $2, adapter = $3, services = $4, tracking_format = $5,
                                         tracking_url = $6, active = $7
        returning {COLUMNS}
        """,
        data.code, data.name, data.adapter, data.services, data.tracking_format, data.tracking_url, data.active,
    )
    return Carrier(**dict(row))


async def list_carriers(conn: asyncpg.Connection) -> list[Carrier]:
    return [Carrier(**dict(r)) for r in await conn.fetch(f"select {COLUMNS} from carriers order by code")]


async def get_carrier(conn: asyncpg.Connection, code: str, field: str = "carrier") -> Carrier:
    row = await conn.fetchrow(f"select {COLUMNS} from carriers where code = $1", code)
    if row is None:
        raise Invalid.field(field, f"no carrier {code}")
    if not row["active"]:
        raise Invalid.field(field, f"carrier {code} is not active")
    return Carrier(**dict(row))


async def for_order(conn: asyncpg.Connection, asked: str) -> str:
    """The carrier an order ships with: the one it names if that is an active carrier, else the
    warehouse's default."""
    return await conn.fetchval(
        "select coalesce((select code from carriers where code = $1 and active), (select default_carrier from shipping_settings))",
        asked,
    )


def service_for(carrier: Carrier, wanted: str | None, field: str = "service") -> str:
    """The service asked for, the order's service level where the carrier has it, or its first."""
    if wanted is None:
        return carrier.services[0]
    if wanted not in carrier.services:
        raise Invalid.field(field, f"{carrier.code} has no service {wanted}; it has {', '.join(carrier.services)}")
    return wanted


def adapter(carrier: Carrier) -> Adapter:
    return ADAPTERS[carrier.adapter]
