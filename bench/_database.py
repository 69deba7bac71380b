"""A throw-away database for a benchmark: embedded in a temp dir, or on WMS_DATABASE_URL's server."""

import contextlib
import os
import tempfile
import uuid
from pathlib import Path

import asyncpg

from server.core.database import embedded_server_url, with_database
from server.core.migrations import migrate


@contextlib.asynccontextmanager
async def scratch_database():
    with tempfile.TemporaryDirectory(prefix="wms-bench-") as tmp:
        server = os.environ.get("WMS_DATABASE_URL") or embedded_server_url(Path(tmp))
        name = "wms_bench_" + uuid.uuid4().hex[:8]
        admin = await asyncpg.connect(server)
        await admin.execute(f"create database {name}")
        url = with_database(server, name)
        try:
            await migrate(url)
            yield url
        finally:
            await admin.execute(f"drop database {name} with (force)")
            await admin.close()
