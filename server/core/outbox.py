"""The outbox: events written in the transaction of the change they report, polled or delivered."""

import datetime

import asyncpg
import msgspec

from schema.channels import Delivery, Event, EventPage

NOTIFY_CHANNEL = "wms_events"

# The events in the given order, their deliveries to every subscription that wants them (disabled
# ones too, so a re-enabled endpoint gets what it missed), and a wake-up for the delivery workers
# on commit (PostgreSQL folds identical notifications of a transaction into one).
EMIT = """
with event as (
    insert into events (channel_id, stream, type, order_id, payload)
    select e.channel_id, e.stream, e.type, e.order_id, e.payload::json
      from unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::text[]) with ordinality
           as e(channel_id, stream, type, order_id, payload, n)
     order by e.n
    returning id, channel_id, type, stream
), fanned_out as (
    insert into deliveries (subscription_id, event_id, stream)
    select s.id, event.id, event.stream
      from event join subscriptions s
        on (event.channel_id is null or s.channel_id = event.channel_id)
       and (s.event_types is null or event.type = any(s.event_types))
)
select event.id, pg_notify('wms_events', '') from event order by event.id
"""


async def emit(
    conn: asyncpg.Connection,
    type_: str,
    stream: str,
    payload: msgspec.Struct | dict,
    channel_id: int | None = None,
    order_id: int | None = None,
) -> int:
    """Record an event for one channel (or every channel, channel_id None). Call inside the change's transaction."""
    return (await emit_many(conn, [(type_, stream, payload, channel_id, order_id)]))[0]


async def emit_many(
    conn: asyncpg.Connection, items: list[tuple[str, str, msgspec.Struct | dict, int | None, int | None]]
) -> list[int]:
    """Several events at once, in order: (type, stream, payload, channel_id, order_id) each; their ids."""
    if not items:
        return []
    rows = await conn.fetch(
        EMIT,
        [channel_id for _, _, _, channel_id, _ in items],
        [stream for _, stream, _, _, _ in items],
        [type_ for type_, _, _, _, _ in items],
        [order_id for _, _, _, _, order_id in items],
        [msgspec.json.encode(payload).decode() for _, _, payload, _, _ in items],
    )
    return [r["id"] for r in rows]


def body(event_id: int, type_: str, created_at: datetime.datetime, payload: str) -> bytes:
    """The JSON an endpoint receives and a poller reads: the same for both."""
    return b'{"id":"evt_%d","type":%s,"timestamp":%s,"data":%s}' % (
        event_id, msgspec.json.encode(type_), msgspec.json.encode(created_at), payload.encode(),
    )


async def poll(conn: asyncpg.Connection, channel_id: int, after: int, limit: int) -> EventPage:
    rows = await conn.fetch(
        """
        select id, type, created_at, payload from events
         where (channel_id = $1 or channel_id is null) and id > $2
         order by id limit $3
        """,
        channel_id,
        after,
        limit,
    )
    events = [Event(id=f"evt_{r['id']}", type=r["type"], created_at=r["created_at"], data=msgspec.json.decode(r["payload"])) for r in rows]
    return EventPage(events=events, next_cursor=str(rows[-1]["id"] if rows else after))


async def deliveries(
    conn: asyncpg.Connection, channel_id: int, after: tuple[int, int], limit: int, status: str | None
) -> list[Delivery]:
    """Deliveries in event order; `after` is the (event id, subscription id) the last page ended at."""
    rows = await conn.fetch(
        """
        select 'evt_' || d.event_id as event_id, e.type as event_type, d.subscription_id, s.url, d.status, d.attempts,
               d.last_status_code, d.last_error,
               case when d.status = 'pending' then d.next_attempt_at end as next_attempt_at, d.delivered_at
          from deliveries d
          join subscriptions s on s.id = d.subscription_id
          join events e on e.id = d.event_id
         where s.channel_id = $1 and (d.event_id, d.subscription_id) > ($2, $5) and ($4::text is null or d.status = $4)
         order by d.event_id, d.subscription_id
         limit $3
        """,
        channel_id,
        after[0],
        limit,
        status,
        after[1],
    )
    return [Delivery(**dict(r)) for r in rows]


async def last_event_id(conn: asyncpg.Connection) -> int:
    return await conn.fetchval("select coalesce(max(id), 0) from events")


async def since(conn: asyncpg.Connection, after: int, limit: int = 1000) -> list[tuple[int, str, int | None]]:
    """(id, type, order id) of the events after `after`, for pages that watch them live."""
    rows = await conn.fetch("select id, type, order_id from events where id > $1 order by id limit $2", after, limit)
    return [(r["id"], r["type"], r["order_id"]) for r in rows]
