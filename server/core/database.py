"""Where the database comes from: an embedded PostgreSQL, or any server named by URL."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from server.core import embedded
from server.core.migrations import migrate
from server.core.outages import BROKEN, connection
from server.core.settings import Settings

log = logging.getLogger("wms.database")

EMBEDDED_DATABASE = "wms"


def embedded_server_url(data_dir: Path) -> str:
    """Start (or reuse) the embedded PostgreSQL in data_dir and return the URL of its wms database.

    The server keeps running while this process lives, is started again if it dies under us (see
    embedded.py), and is stopped at exit; a second process on the same data directory shares it.
    """
    server = embedded.start(data_dir.resolve() / "postgres")
    exists = server.psql(f"select 1 from pg_database where datname = '{EMBEDDED_DATABASE}'")
    if "(1 row)" not in exists:
        server.psql(f"create database {EMBEDDED_DATABASE}")
    return server.get_uri(EMBEDDED_DATABASE)


def with_database(url: str, name: str) -> str:
    """The same server URL, naming another database."""
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


async def database_url(settings: Settings) -> str:
    if settings.database_url:
        return settings.database_url
    return await asyncio.to_thread(embedded_server_url, settings.data_dir)


def connect_options(settings: Settings) -> dict:
    """asyncpg's options for this database. Through PgBouncer in transaction pooling each
    transaction (and each statement outside one) may run on another server connection, where a
    statement asyncpg prepared by name on the last one does not exist. With no statement cache,
    asyncpg sends each statement's Parse again with its Bind, which any server connection runs.
    (PgBouncer 1.21 can keep prepared statements itself, max_prepared_statements; Debian 12 has 1.18.)"""
    return {"statement_cache_size": 0} if settings.pgbouncer else {}


@contextlib.asynccontextmanager
async def listening_connection(pool: asyncpg.Pool, settings: Settings) -> AsyncIterator[asyncpg.Connection | None]:
    """A connection to LISTEN on, or None where there is none and the caller must poll.

    Through PgBouncer in transaction pooling a LISTEN stays on whichever server connection ran it,
    and its notifications go to whoever holds that connection next: so it is made straight to
    PostgreSQL (listen_url), never through the pool."""
    if settings.listen_url:
        conn = await asyncpg.connect(settings.listen_url)
        try:
            yield conn
        finally:
            with contextlib.suppress(*BROKEN):
                await conn.close()
    elif settings.pgbouncer:
        yield None
    else:
        async with connection(pool) as conn:
            yield conn


async def _keep_session(conn: asyncpg.Connection) -> None:
    """What a connection goes through on its way back to the pool, beyond asyncpg's own rollback of
    an open transaction: nothing.

    asyncpg's default sends `SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL`, a
    round trip on every release (two per request when authentication used its own connection). The
    server leaves no session state behind: advisory locks are transaction-scoped, cursors live in
    transactions, no session settings are changed, and the one LISTEN (webhook delivery) is removed
    by its owner. Code that changes session state must undo it itself."""


async def open_pool(settings: Settings) -> asyncpg.Pool:
    """Connect, bring the schema up to date, and return a pool."""
    url = await database_url(settings)
    options = connect_options(settings)
    await migrate(url, **options)
    return await asyncpg.create_pool(url, min_size=settings.pool_min, max_size=settings.pool_max, reset=_keep_session, **options)
