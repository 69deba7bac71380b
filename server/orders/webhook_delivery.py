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
import functools
import logging
import ssl
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import NamedTuple

import asyncpg
import httpx
from standardwebhooks import Webhook

from server.core.database import listening_connection
from server.core.outbox import NOTIFY_CHANNEL, body
from server.core.outages import BROKEN, connection
from server.core.background import running
from server.inventory import availability

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
    """Leases due deliveries, hands them to `senders` concurrent senders, records the outcomes.

    Three loops share the work: the claimer keeps up to `batch` deliveries leased and queued
    (claiming again as soon as outcomes free room, not after the slowest send of a round), each
    sender POSTs one delivery at a time, and the recorder writes whatever outcomes have piled up
    since its last write in one statement. A lease outlives a full queue of timed-out sends
    (see lease_seconds), so no other worker takes a delivery still queued here.
    """

    def __init__(
        self, pool: asyncpg.Pool, schedule: tuple[float, ...], timeout: float = 10.0, batch: int = 100, senders: int = 32,
        listening: Callable[[], AbstractAsyncContextManager[asyncpg.Connection | None]] | None = None,
    ):
        self.pool = pool
        # where to LISTEN (database.listening_connection): by default a connection of the pool
        self.listening = listening or (lambda: connection(pool))
        self.schedule = tuple(schedule)
        self.timeout = timeout
        self.batch = batch
        self.senders = senders
        # A queued delivery must not outlive its lease, or another worker could send it too:
        # the lease covers the longest wait in this worker's queue, twice over.
        self.lease_seconds = max(LEASE_SECONDS, 2 * (batch / senders + 1) * timeout)
        self._wake = asyncio.Event()  # an event committed, or outcomes recorded: claim again
        self._leased = 0  # leased by this worker, outcome not yet recorded
        self._due: asyncio.Queue[asyncpg.Record] = asyncio.Queue()
        self._outcomes: list[Outcome] = []
        self._have_outcomes = asyncio.Event()

    async def run(self, idle_poll: float = 1.0) -> None:
        """Deliver until cancelled; wakes on every committed event, and polls for retries."""
        # One TLS context for all senders: building one loads the CA bundle (~30 ms).
        tls = ssl.create_default_context()
        async with asyncio.TaskGroup() as tasks:
            tasks.create_task(self._listen())
            for _ in range(self.senders):
                tasks.create_task(self._sender(tls))
            tasks.create_task(self._recorder())
            await self._claimer(idle_poll)

    async def _listen(self, retry_seconds: float = 1.0) -> None:
        """LISTEN for committed events on a connection of its own. When the database drops it (a
        restart), listen again as soon as the database answers, and look at once for what was
        committed meanwhile; until then the claimer polls, so no event waits longer than a poll.
        With nowhere to listen (behind PgBouncer, no listen URL) the claimer always polls."""
        def wake(*_) -> None:
            self._wake.set()

        while True:
            lost = asyncio.Event()
            with contextlib.suppress(*BROKEN):
                async with self.listening() as listener:
                    if listener is None:
                        return
                    listener.add_termination_listener(lambda _: lost.set())
                    await listener.add_listener(NOTIFY_CHANNEL, wake)
                    self._wake.set()
                    try:
                        await lost.wait()
                    finally:
                        if not listener.is_closed():  # stopping: leave the connection as it was lent
                            with contextlib.suppress(*BROKEN):
                                await listener.remove_listener(NOTIFY_CHANNEL, wake)
            await asyncio.sleep(retry_seconds)

    async def _claimer(self, idle_poll: float) -> None:
        while True:
            self._wake.clear()
            room = self.batch - self._leased
            claimed = 0
            if room > 0:
                try:
                    async with connection(self.pool) as conn:
                        rows = await conn.fetch(CLAIM, room, self.lease_seconds)
                except BROKEN:  # the database is away (said once in the log): poll again
                    rows = []
                self._leased += len(rows)
                for row in rows:
                    self._due.put_nowait(row)
                claimed = len(rows)
            if claimed < room or room <= 0:  # nothing more due yet, or no room: wait for a reason to look again
                try:
                    await asyncio.wait_for(self._wake.wait(), idle_poll)
                except TimeoutError:
                    pass

    async def _sender(self, tls: ssl.SSLContext) -> None:
        # A client of its own per sender: httpx's shared pool hands concurrent requests the same
        # idle connection and makes all but one retry, which costs more than the sends themselves.
        # A few keep-alive connections each, for endpoints on different hosts.
        limits = httpx.Limits(max_connections=4, max_keepalive_connections=4)
        async with httpx.AsyncClient(timeout=self.timeout, limits=limits, verify=tls) as client:
            while True:
                outcome = await self._send(client, await self._due.get())
                self._outcomes.append(outcome)  # not before the send: the recorder swaps the list meanwhile
                self._have_outcomes.set()

    async def _recorder(self) -> None:
        while True:
            await self._have_outcomes.wait()
            self._have_outcomes.clear()
            outcomes, self._outcomes = self._outcomes, []
            try:
                async with connection(self.pool) as conn:
                    await self._record(conn, outcomes)
            except (*BROKEN, asyncpg.PostgresError) as error:
                # not recorded: the leases run out and these are sent again (at least once)
                log.warning("recording %d webhook outcomes failed (%s); they will be sent again", len(outcomes), error)
            self._leased -= len(outcomes)
            self._wake.set()  # room to claim, and the next events of these streams may be due

    async def _send(self, client: httpx.AsyncClient, row: asyncpg.Record) -> Outcome:
        message_id = f"evt_{row['event_id']}"
        content = body(row["event_id"], row["type"], row["created_at"], row["payload"])
        now = datetime.datetime.now(tz=datetime.timezone.utc)
        headers = {
            "content-type": "application/json",
            "webhook-id": message_id,
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": Webhook(row["webhook_secret"]).sign(message_id, now, content.decode()),
            "user-agent": "wms-webhooks/1",
        }
        status, error = None, None
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
    deliverer = Deliverer(app.state.pool, settings.webhook_schedule, settings.webhook_timeout,
                          listening=functools.partial(listening_connection, app.state.pool, settings))
    async with running(deliverer.run(), availability.publisher(app.state.pool, settings.availability_interval)):
        yield
