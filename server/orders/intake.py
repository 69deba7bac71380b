"""Single orders from concurrent `POST /api/v1/orders` calls, placed together.

Each call still gets its own answer (201 with its order, 409, 422, or the replay of its
Idempotency-Key), exactly as if it had run alone; but the orders that arrive while one group is
being written go in one transaction with the set-based statements the batch endpoint uses, so a
busy channel pays for a few round trips and one commit per group instead of a dozen per order.
If a group fails as a whole (a deadlock, say), each of its orders is placed again on its own,
so one order can never take the others down with it."""

import asyncpg
import msgspec

from schema.orders import OrderCreate
from server.core import idempotency
from server.core.idempotency import Claim, Stored
from server.core.problems import Invalid
from server.core.outages import Unavailable, broken, connection
from server.orders.placing import create_order, duplicate, place_orders, resolve_lines


class Submission(msgspec.Struct, frozen=True):
    channel: tuple[int, str]
    data: OrderCreate
    scope: str
    key: str | None
    request: bytes  # canonical form, for the Idempotency-Key comparison


async def place(pool: asyncpg.Pool, group: list[Submission]) -> list[Stored | Exception]:
    async with connection(pool) as conn:
        try:
            async with conn.transaction():
                return await _place_together(conn, group)
        except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as error:
            if broken(error):  # the database went away: nothing was placed, each caller retries
                conn.terminate()
                return [Unavailable() for _ in group]
            return [await _place_alone(conn, submission) for submission in group]


async def _place_together(conn: asyncpg.Connection, group: list[Submission]) -> list[Stored | Exception]:
    keyed = [i for i, s in enumerate(group) if s.key is not None]
    claims = [Claim(group[i].scope, group[i].key, group[i].request) for i in keyed]
    answers: list[Stored | Exception | None] = [None] * len(group)
    for i, outcome in zip(keyed, await idempotency.claim_many(conn, claims)):
        answers[i] = outcome
    to_place = [i for i, answer in enumerate(answers) if answer is None]
    checked: dict[tuple[int, str], list[tuple[int, OrderCreate, list[asyncpg.Record]]]] = {}
    for i, resolved in zip(to_place, await resolve_lines(conn, [group[i].data for i in to_place])):
        if isinstance(resolved, Invalid):
            answers[i] = resolved
        else:
            checked.setdefault(group[i].channel, []).append((i, group[i].data, resolved))
    for channel, items in checked.items():
        placed = await place_orders(conn, channel, [(data, skus) for _, data, skus in items])
        for (i, data, _), outcome in zip(items, placed):
            answers[i] = Stored(201, msgspec.json.encode(outcome.order)) if outcome.order else duplicate(data, outcome.duplicate_of)
    await idempotency.remember_many(conn, [
        (claim, answers[i].status_code, answers[i].body)
        for i, claim in zip(keyed, claims) if isinstance(answers[i], Stored) and not answers[i].replayed
    ])
    return answers


async def _place_alone(conn: asyncpg.Connection, submission: Submission) -> Stored | Exception:
    async def action() -> tuple[int, bytes]:
        return 201, msgspec.json.encode(await create_order(conn, submission.channel, submission.data))

    try:
        return await idempotency.run_once(conn, submission.scope, submission.key, submission.request, action)
    except Exception as error:  # this order's own answer, whatever it is
        return error
