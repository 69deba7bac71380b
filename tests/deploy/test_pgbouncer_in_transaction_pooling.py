"""Through a real PgBouncer in transaction pooling: asyncpg's statement cache is the trap (a
statement prepared on one server connection is run on another), and WMS_PGBOUNCER's options
avoid it; migrations from an empty database serialise through it; the webhook worker with
nowhere to LISTEN (no WMS_LISTEN_URL) delivers by polling."""

import asyncio

import asyncpg
from litestar.testing import AsyncTestClient

from server.app import create_app
from server.core.database import connect_options
from server.core.migrations import migrate, migration_files
from server.core.settings import Settings
from tests.channels import key, make_channel, order
from tests.integration.test_events_reach_channels import eventually
from tests.receiver import Receiver

BOUNCED = Settings(pgbouncer=True)


async def queries(url: str, **options) -> list:
    """Eight clients, each running three statements in turn, each statement outside a transaction."""
    async def client() -> list:
        conn = await asyncpg.connect(url, **options)
        try:
            return [await conn.fetchval(f"select $1::int + {n % 3}", n) for n in range(15)]
        finally:
            await conn.close()

    return await asyncio.gather(*(client() for _ in range(8)), return_exceptions=True)


async def test_asyncpgs_statement_cache_breaks_through_transaction_pooling_and_the_pgbouncer_setting_does_not(pgbouncer, database_url):
    url = pgbouncer.url(database_url)

    trapped = await queries(url)
    assert any(isinstance(r, asyncpg.InvalidSQLStatementNameError) for r in trapped), trapped

    answers = await queries(url, **connect_options(BOUNCED))
    assert answers == [[n + n % 3 for n in range(15)]] * 8


async def test_instances_migrating_an_empty_database_through_pgbouncer_apply_each_migration_once(pgbouncer, empty_database_url):
    url = pgbouncer.url(empty_database_url)

    results = await asyncio.gather(*(migrate(url, **connect_options(BOUNCED)) for _ in range(3)))

    assert sorted(name for result in results for name in result) == [name for name, _ in migration_files()]
    conn = await asyncpg.connect(empty_database_url)
    try:
        assert await conn.fetchval("select count(*) from schema_migrations") == len(migration_files())
        # no lock left behind on a server connection PgBouncer keeps
        assert not await conn.fetchval("select count(*) from pg_locks where locktype = 'advisory'")
    finally:
        await conn.close()


async def test_behind_pgbouncer_with_no_listen_url_the_webhook_worker_polls_and_delivers(pgbouncer, database_url, conn):
    shop = await make_channel(conn)
    receiver = Receiver(shop.webhook_secret)
    app = create_app(Settings(database_url=pgbouncer.url(database_url), pgbouncer=True, pool_min=1, pool_max=5))
    try:
        async with AsyncTestClient(app) as client:
            subscribed = await client.post("/api/v1/webhooks", json={"url": receiver.url, "event_types": ["order.accepted"]},
                                           headers=key(shop))
            assert subscribed.status_code == 201, subscribed.text
            assert (await client.post("/api/v1/orders", json=order(), headers=key(shop))).status_code == 201
            await eventually(lambda: len(receiver.accepted) == 1, seconds=5)  # within a poll (a second)
            # nothing LISTENs on a server connection PgBouncer would hand to others
            assert not await conn.fetchval("select count(*) from pg_stat_activity where datname = current_database() and query ilike 'listen%'")
    finally:
        receiver.stop()
