"""Users, their roles and sessions (opened by logins.py), and unlocking a locked user."""

import secrets

import asyncpg
from argon2 import PasswordHasher

from schema.users import SecurityEvent, Session, User, UserCreate, UserUpdate
from server.core.problems import Conflict, Forbidden, Invalid, NotFound
from server.core.tokens import token_digest

# A PIN is short, so its hash must be slow; a badge alone never opens a session.
hasher = PasswordHasher()

SESSION_PREFIX = "wms_s_"

SELECT_USER = "select id, username, name, role, badge, active, locked_at from users"


def to_user(row: asyncpg.Record) -> User:
    return User(**dict(row))


def _only_admins_make_admins(by: User | None, *roles: str | None) -> None:
    if "admin" in roles and by is not None and by.role != "admin":
        raise Forbidden("only an admin may make, change or take away an admin")


async def create_user(conn: asyncpg.Connection, data: UserCreate, by: User | None = None) -> User:
    _only_admins_make_admins(by, data.role)
    if data.pin is not None and data.badge is None:
        raise Invalid.field("pin", "a PIN is used with a badge; give the user a badge too")
    if data.badge is not None and data.pin is None:
        raise Invalid.field("pin", "a user with a badge needs a PIN to log in on a handheld")
    if data.role == "admin" and (data.badge is not None or data.pin is not None):
        raise Invalid.field("badge", "an admin logs in with a user name and password only: a badge and a PIN are too weak for the role")
    if data.pin is None and data.password is None:
        raise Invalid.field("password", "give the user a password, or a badge and PIN, to log in with")
    try:
        row = await conn.fetchrow(
            """
            insert into users (username, name, role, badge, pin_hash, password_hash)
            values ($1, $2, $3, $4, $5, $6)
            returning id, username, name, role, badge, active, locked_at
            """,
            data.username,
            data.name,
            data.role,
            data.badge,
            hasher.hash(data.pin) if data.pin else None,
            hasher.hash(data.password) if data.password else None,
        )
    except asyncpg.UniqueViolationError as error:
        field = "badge" if "badge" in (error.constraint_name or "") else "username"
        raise Conflict(f"a user with this {field} already exists") from None
    return to_user(row)


async def update_user(conn: asyncpg.Connection, username: str, data: UserUpdate, by: User) -> User:
    """Change a user's role, name, badge and PIN, password, or take them off the floor. A user whose
    rights or secrets change logs in again: their sessions end."""
    row = await conn.fetchrow(SELECT_USER + " where username = $1 for update", username)
    if row is None:
        raise NotFound(f"no user {username}")
    _only_admins_make_admins(by, row["role"], data.role)
    role = data.role or row["role"]
    badge = data.badge or row["badge"]
    if data.badge is not None and data.pin is None:
        raise Invalid.field("pin", "a new badge needs its PIN")
    if data.pin is not None and badge is None:
        raise Invalid.field("pin", "a PIN is used with a badge; give the user a badge too")
    if role == "admin" and badge is not None:
        raise Invalid.field("role", "an admin logs in with a user name and password only: a badge and a PIN are too weak for the role")
    if data.active is False and username == by.username:
        raise Conflict("you cannot take yourself off: another supervisor or an admin must")
    try:
        updated = await conn.fetchrow(
            """
            update users set name = coalesce($2, name), role = $3, badge = $4,
                   pin_hash = coalesce($5, pin_hash), password_hash = coalesce($6, password_hash),
                   active = coalesce($7, active)
             where username = $1
            returning id, username, name, role, badge, active, locked_at
            """,
            username, data.name, role, badge, hasher.hash(data.pin) if data.pin else None,
            hasher.hash(data.password) if data.password else None, data.active,
        )
    except asyncpg.UniqueViolationError:
        raise Conflict("another user has this badge") from None
    if role != row["role"] or data.active is False or data.pin or data.password or data.badge:
        await conn.execute("delete from sessions where user_id = $1", row["id"])
    return to_user(updated)


async def list_users(conn: asyncpg.Connection, after: int, limit: int) -> list[User]:
    rows = await conn.fetch(SELECT_USER + " where id > $1 order by id limit $2", after, limit)
    return [to_user(r) for r in rows]


async def open_session(conn: asyncpg.Connection, user: User, hours: int) -> Session:
    token = SESSION_PREFIX + secrets.token_urlsafe(32)
    expires = await conn.fetchval(
        "insert into sessions (token_hash, user_id, expires_at) values ($1, $2, now() + make_interval(hours => $3))"
        " returning expires_at",
        token_digest(token),
        user.id,
        hours,
    )
    return Session(token=token, expires_at=expires.isoformat(), user=user)


async def authenticate_many(conn: asyncpg.Connection, tokens: list[str]) -> dict[str, User]:
    """The user behind each live session token; unknown or expired tokens are left out."""
    by_digest = {token_digest(t): t for t in tokens}
    rows = await conn.fetch(
        """
        select s.token_hash, u.id, u.username, u.name, u.role, u.badge, u.active, u.locked_at
          from sessions s join users u on u.id = s.user_id
         where s.token_hash = any($1::bytea[]) and s.expires_at > now() and u.active
        """,
        list(by_digest),
    )
    return {by_digest[r["token_hash"]]: to_user({k: r[k] for k in r.keys() if k != "token_hash"}) for r in rows}


async def logout(conn: asyncpg.Connection, token: str) -> None:
    await conn.execute("delete from sessions where token_hash = $1", token_digest(token))



async def unlock(conn: asyncpg.Connection, username: str, by: str) -> User:
    """A supervisor lets a user locked after wrong tries log in again."""
    row = await conn.fetchrow(
        "update users u set failed_logins = 0, locked_at = null from users before"
        " where u.id = before.id and u.username = $1"
        " returning u.id, u.username, u.name, u.role, u.badge, u.active, u.locked_at, before.locked_at is not null as was_locked",
        username,
    )
    if row is None:
        raise NotFound(f"no user {username}")
    if row["was_locked"]:
        await conn.execute(
            "insert into security_events (kind, username, detail) values ('user_unlocked', $1, $2)", username, f"unlocked by {by}"
        )
    return to_user({k: row[k] for k in row.keys() if k != "was_locked"})


async def security_events(conn: asyncpg.Connection, after: int, limit: int) -> list[SecurityEvent]:
    rows = await conn.fetch(
        "select id, at, kind, username, source, detail from security_events where id > $1 order by id limit $2", after, limit
    )
    return [SecurityEvent(**dict(r)) for r in rows]
