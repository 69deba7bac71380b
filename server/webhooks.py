"""Delivers outbox events to the channels' endpoints, signed per Standard Webhooks.

Any number of workers (in any number of server processes) share the work: a delivery is leased
with FOR UPDATE SKIP LOCKED, and an event waits until the earlier events of its stream (the same
order, the same SKU) have reached that endpoint, so each endpoint sees a stream in order. A
failed attempt is retried on a schedule; when the schedule is exhausted the delivery is marked
failed and the subscription disabled, until someone re-enables (and replays) it.
"""

import asyncio
import contextlib
import datetime
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import NamedTuple

import asyncpg
import httpx
from standardwebhooks import Webhook

from server import availability
from server.events import NOTIFY_CHANNEL, body

log = logging.getLogger("wms.webhooks")

LEASE_SECONDS = 60

# Lease what is due and load what sending it takes, in one round trip.
CLAIM = """
with due as (
    select d.subscription_id, d.event_id
      from deliveries d
      join subscriptions s on s.id = d.subscription_id and s.active
     where d.status = 'pending' and d.next_attempt_at <= now()
       and (d.leased_until is null or d.leased_until < now())
       and not exists (
           select 1 from deliveries earlier
            where earlier.subscription_id = d.subscription_id and earlier.stream = d.stream
              and earlier.event_id < d.event_id and earlier.status <> 'delivered')
     order by d.event_id
     limit $1
       for update of d skip locked
), leased as (
    update deliveries d
       set leased_until = now() + make_interval(secs => $2), attempts = d.attempts + 1
      from due
     where d.subscription_id = due.subscription_id and d.event_id = due.event_id
    returning d.subscription_id, d.event_id, d.attempts
)
select l.subscription_id, l.event_id, l.attempts, s.url, c.webhook_secret, e.type, e.created_at, e.payload
  from leased l
  join subscriptions s on s.id = l.subscription_id
  join channels c on c.id = s.channel_id
  join events e on e.id = l.event_id
"""

# The outcomes of many sends, recorded in one statement each (arrays, not a round trip apiece).
DELIVERED = """
update deliveries d
   set status = 'delivered', delivered_at = now(), leased_until = null, last_status_code = o.status_code, last_error = null
  from unnest($1::bigint[], $2::bigint[], $3::int[]) as o(subscription_id, event_id, status_code)
 where d.subscription_id = o.subscription_id and d.event_id = o.event_id
"""

RETRY = """
update deliveries d
   set next_attempt_at = now() + make_interval(secs => o.delay), leased_until = null,
       last_status_code = o.status_code, last_error = o.error
  from unnest($1::bigint[], $2::bigint[], $3::float8[], $4::int[], $5::text[]) as o(subscription_id, event_id, delay, status_code, error)
 where d.subscription_id = o.subscription_id and d.event_id = o.event_id
"""

GIVE_UP = """
with o as (
    select * from unnest($1::bigint[], $2::bigint[], $3::int[], $4::text[], $5::int[])
        as o(subscription_id, event_id, status_code, error, attempts)
), failed as (
    update deliveries d set status = 'failed', leased_until = null, last_status_code = o.status_code, last_error = o.error
      from o
     where d.subscription_id = o.subscription_id and d.event_id = o.event_id
)
update subscriptions s set active = false,
       disabled_reason = 'disabled at ' || now() || ' after ' || o.attempts || ' failed attempts: ' || o.error
  from o
 where s.id = o.subscription_id
"""


class Outcome(NamedTuple):
    subscription_id: int
    event_id: int
    attempts: int
    status_code: int | None
    error: str | None  # None: delivered


class Deliverer:
    def __init__(
        self, pool: asyncpg.Pool, schedule: tuple[float, ...], timeout: float = 10.0, batch: int = 100, connections: int = 4
    ):
        self.pool = pool
        self.schedule = tuple(schedule)
        self.timeout = timeout
        self.batch = batch
        # httpx spends CPU per pooled connection on every request (and more on requests queued in
        # its pool), so a few kept-alive connections, never queued on, deliver the most per second.
        self.connections = connections
        self._sending = asyncio.Semaphore(connections)
        self._wake = asyncio.Event()

    def _client(self) -> httpx.AsyncClient:
        limits = httpx.Limits(max_connections=self.connections, max_keepalive_connections=self.connections)
        return httpx.AsyncClient(timeout=self.timeout, limits=limits)

    async def run(self, idle_poll: float = 1.0) -> None:
        """Deliver until cancelled; wakes on every committed event, and polls for retries."""
        def wake(*_) -> None:
            self._wake.set()

        async with self.pool.acquire() as listener, self._client() as client:
            await listener.add_listener(NOTIFY_CHANNEL, wake)
            try:
                while True:
                    self._wake.clear()
                    try:
                        delivered = await self.deliver_due(client)
                    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                        log.exception("webhook delivery round failed; retrying")
                        delivered = 0
                    if delivered == 0:
                        try:
                            await asyncio.wait_for(self._wake.wait(), idle_poll)
                        except TimeoutError:
                            pass
            finally:
                await listener.remove_listener(NOTIFY_CHANNEL, wake)

    async def deliver_due(self, client: httpx.AsyncClient) -> int:
        """One round: lease what is due, send it all concurrently, record the outcomes."""
        async with self.pool.acquire() as conn:
            rows = await conn.fetch(CLAIM, self.batch, LEASE_SECONDS)
        if not rows:
            return 0
        outcomes = await asyncio.gather(*(self._send(client, row) for row in rows))
        async with self.pool.acquire() as conn:
            await self._record(conn, outcomes)
        return len(rows)

    async def _send(self, client: httpx.AsyncClient, row: asyncpg.Record) -> Outcome:
        message_id = f"evt_{row['event_id']}"
        content = body(row["event_id"], row["type"], row["created_at"], row["payload"])
        status, error = None, None
        async with self._sending:
            now = datetime.datetime.now(tz=datetime.timezone.utc)  # signed just before it goes
            headers = {
                "content-type": "application/json",
                "webhook-id": message_id,
                "webhook-timestamp": str(int(now.timestamp())),
                "webhook-signature": Webhook(row["webhook_secret"]).sign(message_id, now, content.decode()),
                "user-agent": "wms-webhooks/1",
            }
            try:
                response = await client.post(row["url"], content=content, headers=headers)
                status = response.status_code
                if not 200 <= status < 300:
                    error = f"HTTP {status}"
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__}: {exc}"
        return Outcome(row["subscription_id"], row["event_id"], row["attempts"], status, error and error[:500])

    async def _record(self, conn: asyncpg.Connection, outcomes: list[Outcome]) -> None:
        delivered = [o for o in outcomes if o.error is None]
        retry = [o for o in outcomes if o.error is not None and o.attempts <= len(self.schedule)]
        give_up = [o for o in outcomes if o.error is not None and o.attempts > len(self.schedule)]
        if delivered:
            await conn.execute(DELIVERED, *columns(delivered, "subscription_id", "event_id", "status_code"))
        if retry:
            delays = [float(self.schedule[o.attempts - 1]) for o in retry]
            ids, events, codes, errors = columns(retry, "subscription_id", "event_id", "status_code", "error")
            await conn.execute(RETRY, ids, events, delays, codes, errors)
        if give_up:
            await conn.execute(GIVE_UP, *columns(give_up, "subscription_id", "event_id", "status_code", "error", "attempts"))


def columns(outcomes: list[Outcome], *names: str) -> list[list]:
    """The named fields of the outcomes as one array each, for unnest()."""
    return [[getattr(o, name) for o in outcomes] for name in names]


@asynccontextmanager
async def webhook_worker(app) -> AsyncIterator[None]:
    """Run a Deliverer and an availability publisher beside the API in each server process."""
    settings = app.state.settings
    if not settings.deliver_webhooks:
        yield
        return
    tasks = [
        asyncio.create_task(Deliverer(app.state.pool, settings.webhook_schedule, settings.webhook_timeout).run()),
        asyncio.create_task(availability.publisher(app.state.pool, settings.availability_interval)),
    ]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
