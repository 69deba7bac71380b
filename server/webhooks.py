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

import asyncpg
import httpx
from standardwebhooks import Webhook

from server import availability
from server.events import NOTIFY_CHANNEL, body

log = logging.getLogger("wms.webhooks")

LEASE_SECONDS = 60

CLAIM = """
update deliveries d
   set leased_until = now() + make_interval(secs => $2), attempts = d.attempts + 1
  from (
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
  ) due
 where d.subscription_id = due.subscription_id and d.event_id = due.event_id
returning d.subscription_id, d.event_id, d.attempts
"""

LOAD = """
select d.subscription_id, d.event_id, d.attempts, s.url, c.webhook_secret, e.type, e.created_at, e.payload
  from unnest($1::bigint[], $2::bigint[]) as claimed(subscription_id, event_id)
  join deliveries d using (subscription_id, event_id)
  join subscriptions s on s.id = d.subscription_id
  join channels c on c.id = s.channel_id
  join events e on e.id = d.event_id
"""

DELIVERED = """
update deliveries set status = 'delivered', delivered_at = now(), leased_until = null, last_status_code = $3, last_error = null
 where subscription_id = $1 and event_id = $2
"""

RETRY = """
update deliveries set next_attempt_at = now() + make_interval(secs => $3), leased_until = null,
       last_status_code = $4, last_error = $5
 where subscription_id = $1 and event_id = $2
"""

GIVE_UP = """
with failed as (
    update deliveries set status = 'failed', leased_until = null, last_status_code = $3, last_error = $4
     where subscription_id = $1 and event_id = $2
)
update subscriptions set active = false,
       disabled_reason = 'disabled at ' || now() || ' after ' || $5 || ' failed attempts: ' || $4
 where id = $1
"""


class Deliverer:
    def __init__(self, pool: asyncpg.Pool, schedule: tuple[float, ...], timeout: float = 10.0, batch: int = 100):
        self.pool = pool
        self.schedule = tuple(schedule)
        self.timeout = timeout
        self.batch = batch
        self._wake = asyncio.Event()

    async def run(self, idle_poll: float = 1.0) -> None:
        """Deliver until cancelled; wakes on every committed event, and polls for retries."""
        def wake(*_) -> None:
            self._wake.set()

        async with self.pool.acquire() as listener, httpx.AsyncClient(timeout=self.timeout) as client:
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
            claimed = await conn.fetch(CLAIM, self.batch, LEASE_SECONDS)
            if not claimed:
                return 0
            rows = await conn.fetch(LOAD, [r["subscription_id"] for r in claimed], [r["event_id"] for r in claimed])
        await asyncio.gather(*(self._send(client, row) for row in rows))
        return len(rows)

    async def _send(self, client: httpx.AsyncClient, row: asyncpg.Record) -> None:
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
        key = (row["subscription_id"], row["event_id"])
        async with self.pool.acquire() as conn:
            if error is None:
                await conn.execute(DELIVERED, *key, status)
            elif row["attempts"] > len(self.schedule):
                await conn.execute(GIVE_UP, *key, status, error[:500], str(row["attempts"]))
            else:
                await conn.execute(RETRY, *key, float(self.schedule[row["attempts"] - 1]), status, error[:500])


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
