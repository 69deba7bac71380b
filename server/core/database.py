"""Where the database comes from: an embedded PostgreSQL, or any server named by URL."""

import asyncio
import logging
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from server.core import embedded
from server.core.migrations import migrate
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
    await migrate(url)
    return await asyncpg.create_pool(url, min_size=settings.pool_min, max_size=settings.pool_max, reset=_keep_session)
