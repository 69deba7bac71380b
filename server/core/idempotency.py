"""Run a mutating call at most once per (caller, Idempotency-Key).

The key is claimed inside the caller's transaction: if the change rolls back, so does the claim,
and a retry runs afresh. A concurrent request with the same key is refused while the first is
still running, and answered with the stored response once it has committed.
"""

import hashlib
from collections.abc import Awaitable, Callable

import asyncpg
import msgspec

from server.core.problems import Conflict, Invalid

DEADLOCK_RETRIES = 3


class Stored(msgspec.Struct):
    status_code: int
    body: bytes
    replayed: bool = False


def lock_id(scope: str, key: str) -> int:
    """The advisory lock that holds (scope, key) while its call runs; any path that claims keys
    itself (the one-statement pick confirmation) must take this one, so the paths exclude each other."""
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
    claim = (await claim_many(conn, [Claim(scope, key, request)]))[0]
    if claim is not None:
        if isinstance(claim, Stored):
            return claim
        raise claim
    status_code, body = await action()
    await remember_many(conn, [(Claim(scope, key, request), status_code, body)])
    return Stored(status_code, body)


class Claim(msgspec.Struct, frozen=True):
    """One call's key: `request` is its canonical form (method, path and encoded body)."""

    scope: str
    key: str
    request: bytes


async def claim_many(conn: asyncpg.Connection, claims: list[Claim]) -> list[Stored | Conflict | Invalid | None]:
    """Claim each key for this transaction, in one round trip per step however many there are.

    Per claim: None when the call may run (remember_many its answer), the stored answer to
    replay, or the problem to answer with: 409 while the key is held by a call still running
    (here or elsewhere), 422 when the key was used with another request."""
    outcomes: list[Stored | Conflict | Invalid | None] = [None] * len(claims)
    if not claims:
        return outcomes
    first: dict[tuple[str, str], int] = {}
    for i, claim in enumerate(claims):
        if first.setdefault((claim.scope, claim.key), i) != i:
            outcomes[i] = _in_flight(claim.key)
    # advisory locks are re-entrant within a session, so a repeat above is refused before asking
    asking = [i for i, outcome in enumerate(outcomes) if outcome is None]
    held = await conn.fetch(
        "select pg_try_advisory_xact_lock(id) as held from unnest($1::bigint[]) with ordinality as k(id, n) order by n",
        [lock_id(claims[i].scope, claims[i].key) for i in asking],
    )
    for i, row in zip(asking, held):
        if not row["held"]:
            outcomes[i] = _in_flight(claims[i].key)
    asking = [i for i in asking if outcomes[i] is None]
    previous = {
        (r["scope"], r["key"]): r
        for r in await conn.fetch(
            """
            select k.scope, k.key, k.request_hash, k.status_code, k.response_body
              from unnest($1::text[], $2::text[]) as wanted(scope, key)
              join idempotency_keys k on k.scope = wanted.scope and k.key = wanted.key
            """,
            [claims[i].scope for i in asking], [claims[i].key for i in asking],
        )
    } if asking else {}
    for i in asking:
        row = previous.get((claims[i].scope, claims[i].key))
        if row is None:
            continue
        if row["request_hash"] != hashlib.sha256(claims[i].request).digest():
            outcomes[i] = Invalid.field("Idempotency-Key", "this key was already used with a different request; use a new key")
        else:
            outcomes[i] = Stored(row["status_code"], row["response_body"], replayed=True)
    return outcomes


def _in_flight(key: str) -> Conflict:
    return Conflict(f"a request with Idempotency-Key {key!r} is still being processed; retry shortly")


async def remember_many(conn: asyncpg.Connection, answers: list[tuple[Claim, int, bytes]]) -> None:
    """Store the answers of claimed calls, in the claiming transaction."""
    if not answers:
        return
    await conn.execute(
        """
        insert into idempotency_keys (scope, key, request_hash, status_code, response_body)
        select * from unnest($1::text[], $2::text[], $3::bytea[], $4::int[], $5::bytea[])
        """,
        [c.scope for c, _, _ in answers], [c.key for c, _, _ in answers],
        [hashlib.sha256(c.request).digest() for c, _, _ in answers], [s for _, s, _ in answers], [b for _, _, b in answers],
    )
