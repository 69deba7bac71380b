"""When the database cannot be reached (restarting, failing over, its connections cut): callers
are told 503 with Retry-After, not 500; a connection that broke under its user is thrown away,
never handed to the next one; and the log says once that the database went away and once that
it came back, instead of a traceback per request."""

import contextlib
import logging
import time
from collections.abc import AsyncIterator

import asyncpg

from server.core.problems import Problem

log = logging.getLogger("wms.database")

RETRY_AFTER_SECONDS = 2

# The database or the connection to it failed, not the statement: the same call may work later.
# InternalClientError and InterfaceError are asyncpg's words for a connection left unusable by
# such a failure ("cannot switch to state 12; another operation is in progress").
BROKEN = (
    OSError,
    asyncpg.PostgresConnectionError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.CannotConnectNowError,
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,
)


def broken(error: BaseException) -> bool:
    return isinstance(error, BROKEN)


class Unavailable(Problem):
    status = 503
    title = "Service unavailable"

    def __init__(self, detail: str = "the database cannot be reached just now; retry shortly with the same Idempotency-Key") -> None:
        super().__init__(detail, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


class OutageLog:
    """One warning when the database goes away, one line when it is back, whatever the number of
    calls (requests, workers) that fail in between."""

    def __init__(self) -> None:
        self.since: float | None = None

    def failed(self, error: BaseException) -> None:
        if self.since is None:
            self.since = time.monotonic()
            log.warning("the database cannot be reached (%s: %s); answering 503 until it is back", type(error).__name__, error)

    def ok(self) -> None:
        if self.since is not None:
            log.warning("the database is back after %.1f s", time.monotonic() - self.since)
            self.since = None


DATABASE = OutageLog()


def _closed(conn: asyncpg.Connection) -> bool:
    """Closed, or already taken back by the pool (it does so when the server drops a connection)."""
    try:
        return conn.is_closed()
    except asyncpg.InterfaceError:
        return True


class _QuietWhileAway(logging.Filter):
    """asyncpg's pool retries its minimum of connections every second and logs each failure with
    a traceback; while the outage is known (and logged once) those say nothing new."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and broken(record.exc_info[1]):
            DATABASE.failed(record.exc_info[1])
            return False
        return True


logging.getLogger("asyncpg.pool").addFilter(_QuietWhileAway())


@contextlib.asynccontextmanager
async def connection(pool: asyncpg.Pool, timeout: float | None = None) -> AsyncIterator[asyncpg.Connection]:
    """A pool connection. One that broke while in use is terminated before it goes back: the
    server may have cut it mid-operation, leaving it in a state where the next user's first
    query fails, and the pool (whose reset we keep to nothing, see database.py) would not know."""
    try:
        async with pool.acquire(timeout=timeout) as conn:
            try:
                yield conn
            except BaseException as error:
                if broken(error) and not _closed(conn):
                    conn.terminate()
                raise
    except BaseException as error:
        if broken(error):
            DATABASE.failed(error)
        raise
    DATABASE.ok()
