import json
import os
import subprocess
import sys

import asyncpg


def wms(database_url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "server.cli", *args], env=os.environ | {"WMS_DATABASE_URL": database_url},
        capture_output=True, text=True, timeout=60,
    )


async def test_wms_channel_create_prints_the_credentials_as_one_json_object_and_the_key_works(database_url):
    result = wms(database_url, "channel", "create", "my-shop", "--kind", "shopify")

    assert result.returncode == 0, result.stderr
    created = json.loads(result.stdout)
    assert created["channel"]["name"] == "my-shop" and created["channel"]["kind"] == "shopify"
    assert created["api_key"].startswith("wms_ck_") and created["webhook_secret"].startswith("whsec_")
    conn = await asyncpg.connect(database_url)
    try:
        stored = await conn.fetchval("select api_key_hash from channels where name = 'my-shop'")
        assert created["api_key"].encode() not in stored
    finally:
        await conn.close()
    assert wms(database_url, "channel", "create", "my-shop").returncode == 1
    assert json.loads(wms(database_url, "channel", "list").stdout)[0]["name"] == "my-shop"
