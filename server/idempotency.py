"""Run a mutating call at most once per (caller, Idempotency-Key).

The key is claimed inside the caller's transaction: if the change rolls back, so does the claim,
and a retry runs afresh. A concurrent request with the same key is refused while the first is
still running, and answered with the stored response once it has committed.
"""

import hashlib
from collections.abc import Awaitable, Callable

import asyncpg
import msgspec

from server.problems import Conflict, Invalid


DEADLOCK_RETRIES = 3


class Stored(msgspec.Struct):
    status_code: int
    body: bytes
    replayed: bool = False


def _lock_id(scope: str, key: str) -> int:
    digest = hashlib.sha256(f"{scope}\0{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


async def run_once(
    conn: asyncpg.Connection,
    scope: str,
    key: str | None,
    request: bytes,
    action: Callable[[], Awaitable[tuple[int, bytes]]],
) -> Stored:
    """Call action() in a transaction unless this key already has an answer; return the answer.

    `request` is the canonical request (method, path and encoded body): the same key with a
    different request is the caller's mistake and gets a 422. A transaction that PostgreSQL
    aborts as a deadlock victim is run again; it changed nothing.
    """
    for attempt in range(DEADLOCK_RETRIES):
        try:
            async with conn.transaction():
                return await _claim_and_run(conn, scope, key, request, action)
        except asyncpg.DeadlockDetectedError:
            if attempt == DEADLOCK_RETRIES - 1:
                raise
    raise AssertionError("unreachable")


async def _claim_and_run(conn, scope, key, request, action) -> Stored:
    if key is None:
        return Stored(*await action())
    if not await conn.fetchval("select pg_try_advisory_xact_lock($1)", _lock_id(scope, key)):
        raise Conflict(f"a request with Idempotency-Key {key!r} is still being processed; retry shortly")
    request_hash = hashlib.sha256(request).digest()
    previous = await conn.fetchrow(
        "select request_hash, status_code, response_body from idempotency_keys where scope = $1 and key = $2",
        scope,
        key,
    )
    if previous is not None:
        if previous["request_hash"] != request_hash:
            raise Invalid.field("Idempotency-Key", "this key was already used with a different request; use a new key")
        return Stored(previous["status_code"], previous["response_body"], replayed=True)
    status_code, body = await action()
    await conn.execute(
        """
        insert into idempotency_keys (scope, key, request_hash, status_code, response_body)
        values ($1, $2, $3, $4, $5)
        """,
        scope,
        key,
        request_hash,
        status_code,
        body,
    )
    return Stored(status_code, body)
