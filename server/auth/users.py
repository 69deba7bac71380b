"""Users, their roles and sessions (opened by logins.py), and unlocking a locked user."""

import secrets

import asyncpg
from argon2 import PasswordHasher

from schema.users import SecurityEvent, Session, User, UserCreate
from server.core.problems import Conflict, Invalid, NotFound
from server.core.tokens import token_digest

# A PIN is short, so its hash must be slow; a badge alone never opens a session.
hasher = PasswordHasher()

SESSION_PREFIX = "wms_s_"

SELECT_USER = "select id, username, name, role, badge, active, locked_at from users"


def to_user(row: asyncpg.Record) -> User:
    return User(**dict(row))


async def create_user(conn: asyncpg.Connection, data: UserCreate) -> User:
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
