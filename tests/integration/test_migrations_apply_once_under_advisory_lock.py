import asyncio

import asyncpg
import pytest

from server.core.migrations import MigrationError, migrate, migration_files


async def test_instances_starting_together_apply_each_migration_exactly_once(empty_database_url):
    results = await asyncio.gather(*(migrate(empty_database_url) for _ in range(6)))

    applied = [name for result in results for name in result]
    assert sorted(applied) == [name for name, _ in migration_files()]
    conn = await asyncpg.connect(empty_database_url)
    try:
        assert await conn.fetchval("select count(*) from schema_migrations") == len(migration_files())
    finally:
        await conn.close()


async def test_migrating_an_up_to_date_database_changes_nothing(database_url):
    assert await migrate(database_url) == []


async def test_a_failing_migration_leaves_the_database_as_it_was_and_names_the_file(database_url):
    broken = migration_files() + [
        ("9998_good.sql", "create table good_one (id int)"),
        ("9999_broken.sql", "create table half_done (id int); select no_such_function();"),
    ]

    with pytest.raises(MigrationError) as failure:
        await migrate(database_url, broken)

    assert failure.value.name == "9999_broken.sql"
    assert "no_such_function" in str(failure.value)
    conn = await asyncpg.connect(database_url)
    try:
        assert await conn.fetchval("select to_regclass('half_done')") is None
        recorded = {r["name"] for r in await conn.fetch("select name from schema_migrations")}
        assert "9999_broken.sql" not in recorded and "9998_good.sql" in recorded
    finally:
        await conn.close()
