"""Real PostgreSQL for every test: embedded unless WMS_DATABASE_URL names a server.

The schema and a small warehouse are built once into a template database; each test gets its
own copy (CREATE DATABASE ... TEMPLATE), so tests are isolated and can run concurrent
transactions for real.
"""

import asyncio
import os
import signal
import uuid
from pathlib import Path

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from server.app import create_app
from server.core.database import embedded_server_url, with_database
from server.core.migrations import migrate
from server.core.settings import Settings
from tests.seed import seed
from tests.serving import free_port, serve

# One template per test run, so two runs on one cluster do not drop each other's.
TEMPLATE = f"wms_test_template_{os.getpid()}"


TEST_CLUSTER = Path(__file__).resolve().parent.parent / ".wms" / "test"


@pytest.fixture(scope="session")
def server_url() -> str:
    """URL of a PostgreSQL server on which tests may create databases.

    The embedded test cluster lives in .wms/test and is reused by later runs. It runs without
    fsync: it holds nothing but throw-away test databases, and dropping one then takes
    milliseconds instead of a second.
    """
    if os.environ.get("WMS_DATABASE_URL"):
        return os.environ["WMS_DATABASE_URL"]
    url = embedded_server_url(TEST_CLUSTER)

    async def no_fsync() -> None:
        conn = await asyncpg.connect(url)
        try:
            for setting in ("fsync", "synchronous_commit", "full_page_writes"):
                await conn.execute(f"alter system set {setting} = off")
            await conn.execute("select pg_reload_conf()")
        finally:
            await conn.close()

    asyncio.run(no_fsync())
    return url


@pytest.fixture(scope="session")
def template_url(server_url):
    async def build() -> None:
        admin = await asyncpg.connect(server_url)
        try:
            await admin.execute(f"drop database if exists {TEMPLATE} with (force)")
            await admin.execute(f"create database {TEMPLATE}")
        finally:
            await admin.close()
        url = with_database(server_url, TEMPLATE)
        await migrate(url)
        conn = await asyncpg.connect(url)
        try:
            await seed(conn)
        finally:
            await conn.close()

    asyncio.run(build())
    yield with_database(server_url, TEMPLATE)
    asyncio.run(_drop_database(server_url, TEMPLATE))


async def _create_database(server_url: str, template: str) -> str:
    name = "wms_test_" + uuid.uuid4().hex[:12]
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(f"create database {name} template {template}")
    finally:
        await admin.close()
    return name


async def _drop_database(server_url: str, name: str) -> None:
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(f"drop database if exists {name} with (force)")
    finally:
        await admin.close()


@pytest.fixture
async def database_url(server_url, template_url):
    """A fresh database with the schema and the seed warehouse (see tests/seed.py)."""
    name = await _create_database(server_url, TEMPLATE)
    yield with_database(server_url, name)
    await _drop_database(server_url, name)


@pytest.fixture
async def empty_database_url(server_url):
    """A fresh database with nothing in it, not even the schema."""
    name = await _create_database(server_url, "template0")
    yield with_database(server_url, name)
    await _drop_database(server_url, name)


@pytest.fixture
async def pool(database_url):
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=20)
    yield pool
    await pool.close()


@pytest.fixture
async def conn(pool):
    async with pool.acquire() as connection:
        yield connection


@pytest.fixture
async def client(database_url):
    app = create_app(Settings(database_url=database_url, pool_min=1, pool_max=20))
    async with AsyncTestClient(app) as test_client:
        yield test_client


def bearer(role: str) -> dict[str, str]:
    """Headers of a logged-in user with this role (sessions made by tests/seed.py)."""
    return {"Authorization": f"Bearer test-token-{role}"}


@pytest.fixture
def served(database_url):
    """A real `wms serve` on the test's database, stopped after the test: its base URL."""
    port = free_port()
    server = serve(database_url, port)
    yield f"http://127.0.0.1:{port}"
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)
