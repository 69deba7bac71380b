"""Users, roles and logging in."""

import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from schema.common import Barcode, Code, Text

Role = Literal["admin", "supervisor", "receiver", "picker", "packer", "shipper"]
Pin = Annotated[str, Meta(pattern=r"^[0-9]{4,8}$")]
Password = Annotated[str, Meta(min_length=8, max_length=200)]


class UserCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    username: Code
    name: Text
    role: Role
    badge: Barcode | None = None
    pin: Pin | None = None
    password: Password | None = None


class UserUpdate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """What changes about a user; what is left out stays. A new badge comes with its PIN. `active`
    false takes the user off the floor: they cannot log in, and their sessions end."""

    name: Text | None = None
    role: Role | None = None
    badge: Barcode | None = None
    pin: Pin | None = None
    password: Password | None = None
    active: bool | None = None


class User(msgspec.Struct, kw_only=True):
    id: int
    username: str
    name: str
    role: Role
    badge: str | None
    active: bool
    # Locked after too many wrong PINs or passwords in a row, until a supervisor unlocks.
    locked_at: datetime.datetime | None = None


class BadgeLogin(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """What a handheld sends after the picker scans a badge and keys a PIN."""

    badge: Barcode
    pin: Pin


class PasswordLogin(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    username: Code
    password: Annotated[str, Meta(min_length=1, max_length=200)]


class SecurityEvent(msgspec.Struct, kw_only=True):
    id: int
    at: datetime.datetime
    kind: Literal["user_locked", "user_unlocked", "source_throttled"]
    username: str | None
    source: str | None
    detail: str


class Session(msgspec.Struct, kw_only=True):
    token: str
    expires_at: str
    user: User
