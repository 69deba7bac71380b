"""Sales channels: credentials (API key, webhook secrets) and webhook subscriptions."""

import base64
import secrets

import asyncpg

from schema.channels import Channel, ChannelCreate, ChannelCredentials, Subscription, SubscriptionCreate
from server.core.problems import Conflict, NotFound
from server.core.tokens import token_digest

API_KEY_PREFIX = "wms_ck_"

CHANNEL_COLUMNS = (
    "id, name, kind, active, allocate_on, min_shelf_life_days, unpaid_orders, fulfilled_elsewhere, api_key_prefix, created_at"
)
SELECT_CHANNEL = f"select {CHANNEL_COLUMNS} from channels"
SELECT_SUBSCRIPTION = "select id, url, event_types, active, disabled_reason, created_at from subscriptions"


def new_api_key() -> str:
    return API_KEY_PREFIX + secrets.token_urlsafe(32)


def new_webhook_secret() -> str:
    """A Standard Webhooks secret: whsec_ and base64 of 24 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


async def create_channel(conn: asyncpg.Connection, data: ChannelCreate) -> ChannelCredentials:
    api_key, webhook_secret = new_api_key(), new_webhook_secret()
    try:
        row = await conn.fetchrow(
            """
            insert into channels (name, kind, api_key_hash, api_key_prefix, webhook_secret, store_secret, allocate_on,
                                  min_shelf_life_days, unpaid_orders, fulfilled_elsewhere)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            returning """ + CHANNEL_COLUMNS,
            data.name,
            data.kind,
            token_digest(api_key),
            api_key[:12],
            webhook_secret,
            data.store_secret or webhook_secret,
            data.allocate_on,
            data.min_shelf_life_days,
            data.unpaid_orders,
            data.fulfilled_elsewhere,
        )
    except asyncpg.UniqueViolationError:
        raise Conflict(f"a channel named {data.name} already exists") from None
    return ChannelCredentials(channel=Channel(**dict(row)), api_key=api_key, webhook_secret=webhook_secret)


async def rotate_key(conn: asyncpg.Connection, name: str) -> ChannelCredentials:
    """A new API key; the old one stops working at once. The webhook secret is kept."""
    api_key = new_api_key()
    row = await conn.fetchrow(
        """
        update channels set api_key_hash = $2, api_key_prefix = $3, active = true where name = $1
        returning """ + CHANNEL_COLUMNS + """, webhook_secret
        """,
        name,
        token_digest(api_key),
        api_key[:12],
    )
    if row is None:
        raise NotFound(f"no channel {name!r}")
    fields = dict(row)
    return ChannelCredentials(channel=Channel(**{k: v for k, v in fields.items() if k != "webhook_secret"}),
                              api_key=api_key, webhook_secret=fields["webhook_secret"])


async def revoke(conn: asyncpg.Connection, name: str) -> Channel:
    row = await conn.fetchrow(
        "update channels set active = false where name = $1 returning " + CHANNEL_COLUMNS,
        name,
    )
    if row is None:
        raise NotFound(f"no channel {name!r}")
    return Channel(**dict(row))


async def list_channels(conn: asyncpg.Connection) -> list[Channel]:
    return [Channel(**dict(r)) for r in await conn.fetch(SELECT_CHANNEL + " order by name")]


async def get_channel(conn: asyncpg.Connection, name: str) -> Channel:
    row = await conn.fetchrow(SELECT_CHANNEL + " where name = $1", name)
    if row is None:
        raise NotFound(f"no channel {name!r}")
    return Channel(**dict(row))


async def authenticate_many(conn: asyncpg.Connection, api_keys: list[str]) -> dict[str, Channel]:
    """The active channel behind each API key; unknown or revoked keys are left out."""
    by_digest = {token_digest(k): k for k in api_keys}
    rows = await conn.fetch(
        f"select api_key_hash, {CHANNEL_COLUMNS} from channels where api_key_hash = any($1::bytea[]) and active",
        list(by_digest),
    )
    return {by_digest[r["api_key_hash"]]: Channel(**{k: r[k] for k in r.keys() if k != "api_key_hash"}) for r in rows}


async def by_name(conn: asyncpg.Connection, name: str) -> asyncpg.Record:
    """The channel's row with its secrets, for verifying store webhooks."""
    row = await conn.fetchrow(
        "select id, name, kind, active, store_secret, unpaid_orders, fulfilled_elsewhere from channels where name = $1", name
    )
    if row is None or not row["active"]:
        raise NotFound(f"no active channel {name!r}")
    return row


async def subscribe(conn: asyncpg.Connection, channel_id: int, data: SubscriptionCreate) -> Subscription:
    row = await conn.fetchrow(
        "insert into subscriptions (channel_id, url, event_types) values ($1, $2, $3)"
        " returning id, url, event_types, active, disabled_reason, created_at",
        channel_id,
        data.url,
        data.event_types,
    )
    return Subscription(**dict(row))


async def subscriptions(conn: asyncpg.Connection, channel_id: int) -> list[Subscription]:
    rows = await conn.fetch(SELECT_SUBSCRIPTION + " where channel_id = $1 order by id", channel_id)
    return [Subscription(**dict(r)) for r in rows]


async def enable_subscription(conn: asyncpg.Connection, channel_id: int, subscription_id: int, replay: bool) -> Subscription:
    """Switch a subscription back on; with replay, its failed deliveries are tried again, in order."""
    row = await conn.fetchrow(
        "update subscriptions set active = true, disabled_reason = null where id = $1 and channel_id = $2"
        " returning id, url, event_types, active, disabled_reason, created_at",
        subscription_id,
        channel_id,
    )
    if row is None:
        raise NotFound(f"no subscription {subscription_id}")
    if replay:
        await conn.execute(
            "update deliveries set status = 'pending', attempts = 0, next_attempt_at = now(), leased_until = null"
            " where subscription_id = $1 and status = 'failed'",
            subscription_id,
        )
    return Subscription(**dict(row))
