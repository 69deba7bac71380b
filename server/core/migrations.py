"""Plain-SQL migrations from schema/migrations, applied in name order, each once, in a transaction.

Instances that start together serialise on an advisory lock, so each file runs exactly once. The
lock is a transaction's, taken by each file's transaction: a session's lock, taken and released
by two statements, could be taken on one server connection and released on another through
PgBouncer in transaction pooling, and stay held for ever.
"""

import hashlib
from importlib import resources

import asyncpg

# Any fixed 64-bit number; it names "the migration lock" for every instance on this database.
MIGRATION_LOCK = 0x776D735F6D6967  # "wms_mig"


class MigrationError(RuntimeError):
    def __init__(self, name: str, error: Exception):
        super().__init__(f"migration {name} failed: {error}")
        self.name = name


def migration_files() -> list[tuple[str, str]]:
    folder = resources.files("schema") / "migrations"
    files = sorted(f for f in folder.iterdir() if f.name.endswith(".sql"))
    return [(f.name, f.read_text(encoding="utf-8")) for f in files]


async def migrate(url: str, files: list[tuple[str, str]] | None = None, **connect) -> list[str]:
    """Apply the migrations not yet recorded; return the names applied by this call. `connect`:
    asyncpg's options (database.connect_options)."""
    files = migration_files() if files is None else files
    conn = await asyncpg.connect(url, **connect)
    try:
        return await _apply_pending(conn, files)
    finally:
        await conn.close()


async def _apply_pending(conn: asyncpg.Connection, files: list[tuple[str, str]]) -> list[str]:
    async with conn.transaction():
        await conn.execute("select pg_advisory_xact_lock($1)", MIGRATION_LOCK)
        await conn.execute(
            """
            create table if not exists schema_migrations (
                name       text primary key,
                checksum   text not null,
                applied_at timestamptz not null default now()
            )
            """
        )
        done = {r["name"] for r in await conn.fetch("select name from schema_migrations")}
    applied = []
    for name, sql in files:
        if name in done:
            continue
        try:
            async with conn.transaction():
                await conn.execute("select pg_advisory_xact_lock($1)", MIGRATION_LOCK)
                # another instance may have applied it while we waited for the lock
                if await conn.fetchval("select true from schema_migrations where name = $1", name):
                    continue
                await conn.execute(sql)
                await conn.execute(
                    "insert into schema_migrations (name, checksum) values ($1, $2)",
                    name,
                    hashlib.sha256(sql.encode()).hexdigest(),
                )
        except asyncpg.PostgresError as error:
            raise MigrationError(name, error) from error
        applied.append(name)
    return applied
