import asyncpg

from server.core.migrations import migrate
from server.demo import load_demo
from server.inventory.stock import check_ledger


async def test_the_demo_warehouse_has_everything_a_first_walkthrough_needs_and_loads_once(empty_database_url):
    await migrate(empty_database_url)
    conn = await asyncpg.connect(empty_database_url)
    try:
        assert await load_demo(conn) is True
        assert await load_demo(conn) is False

        types = {r["type"] for r in await conn.fetch("select distinct type from locations")}
        assert {"receiving", "storage", "pick_face", "packing", "staging", "shipping"} <= types
        assert await conn.fetchval("select count(*) from locations where kind = 'zone'") == 2
        assert await conn.fetchval("select count(*) from locations where kind = 'aisle'") >= 6
        unsequenced = "select count(*) from locations where kind = 'bin' and (pick_sequence is null or x is null)"
        assert await conn.fetchval(unsequenced) == 0
        assert await conn.fetchval("select count(*) from skus") >= 200
        assert await conn.fetchval("select count(*) from skus where tracks_expiry") > 0
        assert await conn.fetchval("select count(distinct sku_id) from stock where quantity > 0") >= 200
        roles = {r["role"] for r in await conn.fetch("select role from users where badge is not null")}
        assert roles == {"supervisor", "receiver", "picker", "packer", "shipper"}  # an admin logs in by password only
        assert await conn.fetchval("select password_hash is not null from users where role = 'admin'")
        assert await conn.fetchval("select count(*) from carton_types where active") == 3  # the pack station suggests from these
        assert (await check_ledger(conn)).consistent
    finally:
        await conn.close()
