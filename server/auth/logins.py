"""Logging in, by badge + PIN (handhelds) or user name + password (browsers), and what stops
guessing. A badge number is printed on the badge and a PIN has four digits, so:

- a user is locked after `lock_after_failures` wrong PINs or passwords in a row, until a
  supervisor unlocks them (a locked user's PIN is not even checked, so guessing goes on in vain);
- an address with `throttle_failures` failed logins (any user, known or not) within
  `throttle_seconds` waits (429 with Retry-After) until the oldest of them is that old;
- an admin logs in with a password only: a badge and four digits are too little for the role that
  rotates channel keys and creates users;
- each lock, unlock and throttle is a security event supervisors read.

The connection is not in a transaction: each failure is written (and kept) before the 401.
"""

import asyncpg
from argon2.exceptions import InvalidHashError, VerificationError

from schema.users import Session
from server.auth.users import hasher, open_session, to_user
from server.core.problems import TooManyRequests, Unauthorized
from server.core.settings import Settings

FAILED = """
with failure as (
    insert into login_failures (source, login) values ($1, $2)
), pruned as (
    delete from login_failures where source = $1 and at < now() - make_interval(secs => $5)
)
update users set failed_logins = failed_logins + 1,
                 locked_at = case when failed_logins + 1 >= $4 then coalesce(locked_at, now()) end
 where id = $3
returning failed_logins
"""


async def login_badge(conn: asyncpg.Connection, badge: str, pin: str, source: str, settings: Settings) -> Session:
    return await _login(conn, "badge", badge, pin, source, settings)


async def login_password(conn: asyncpg.Connection, username: str, password: str, source: str, settings: Settings) -> Session:
    return await _login(conn, "username", username, password, source, settings)


async def _login(conn: asyncpg.Connection, by: str, login: str, secret: str, source: str, settings: Settings) -> Session:
    await _throttle(conn, source, settings)
    what, secret_column = ("badge or PIN", "pin_hash") if by == "badge" else ("user name or password", "password_hash")
    row = await conn.fetchrow(
        f"select id, username, name, role, badge, active, locked_at, {secret_column} as secret from users where {by} = $1",
        login,
    )
    if row is None or not row["active"]:
        await conn.execute(FAILED, source, login, None, settings.lock_after_failures, settings.throttle_seconds)
        raise Unauthorized(f"{what} not recognised")
    if by == "badge" and row["role"] == "admin":
        raise Unauthorized("an admin logs in with a user name and password, not a badge")
    if row["locked_at"] is not None:
        raise Unauthorized(_locked(by))
    if not _verify(row["secret"], secret):
        failures = await conn.fetchval(
            FAILED, source, login, row["id"], settings.lock_after_failures, settings.throttle_seconds
        )
        if failures == settings.lock_after_failures:
            await _event(conn, "user_locked", row["username"], source, f"locked after {failures} wrong tries in a row")
        # the same words whether the badge or the PIN was wrong, until the lock says more
        raise Unauthorized(f"{what} not recognised" if failures < settings.lock_after_failures else _locked(by))
    # a lock that came while the PIN was being checked (another guess) still holds
    if await conn.fetchval("update users set failed_logins = 0 where id = $1 and locked_at is null returning id", row["id"]) is None:
        raise Unauthorized(_locked(by))
    user = to_user({k: row[k] for k in row.keys() if k not in ("secret",)})
    return await open_session(conn, user, settings.session_hours)


def _locked(by: str) -> str:
    what = "badge" if by == "badge" else "user"
    return f"this {what} is locked after too many wrong tries: ask a supervisor to unlock it"


def _verify(hash_: str | None, secret: str) -> bool:
    if hash_ is None:
        return False
    try:
        return hasher.verify(hash_, secret)
    except (VerificationError, InvalidHashError):
        return False


async def _throttle(conn: asyncpg.Connection, source: str, settings: Settings) -> None:
    row = await conn.fetchrow(
        """
        select count(*) as failures,
               ceil(extract(epoch from min(at) + make_interval(secs => $2) - now()))::int as wait
          from login_failures where source = $1 and at > now() - make_interval(secs => $2)
        """,
        source, settings.throttle_seconds,
    )
    if row["failures"] < settings.throttle_failures:
        return
    wait = max(row["wait"], 1)
    if not await conn.fetchval(
        "select 1 from security_events where kind = 'source_throttled' and source = $1 and at > now() - make_interval(secs => $2)",
        source, settings.throttle_seconds,
    ):
        await _event(conn, "source_throttled", None, source, f"{row['failures']} failed logins in {settings.throttle_seconds} s")
    raise TooManyRequests(f"too many failed logins from this address: try again in {wait} s", retry_after=wait)


async def _event(conn: asyncpg.Connection, kind: str, username: str | None, source: str | None, detail: str) -> None:
    await conn.execute(
        "insert into security_events (kind, username, source, detail) values ($1, $2, $3, $4)", kind, username, source, detail
    )
