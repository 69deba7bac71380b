"""An Idempotency-Key that is empty, blank or too long is the caller's mistake: a 400 that names
the header, and nothing stored, so the next call with a good key (or none) still works."""

import pytest

from tests.channels import key, make_channel, order


@pytest.mark.parametrize("sent", ["", "   ", "x" * 256])
async def test_a_bad_idempotency_key_is_a_400_naming_the_header(client, conn, sent):
    shop = await make_channel(conn)
    headers = key(shop) | {"Idempotency-Key": sent}

    response = await client.post("/api/v1/orders", json=order(), headers=headers)

    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == ["Idempotency-Key"]
    assert await conn.fetchval("select count(*) from idempotency_keys") == 0
    assert await conn.fetchval("select count(*) from orders") == 0


async def test_after_an_empty_key_the_next_empty_key_is_refused_the_same_way_not_as_a_reuse(client, conn):
    shop = await make_channel(conn)
    first = await client.post("/api/v1/orders", json=order("A-1"), headers=key(shop) | {"Idempotency-Key": ""})
    second = await client.post("/api/v1/orders", json=order("A-2"), headers=key(shop) | {"Idempotency-Key": ""})

    assert (first.status_code, second.status_code) == (400, 400)
    assert (await client.post("/api/v1/orders", json=order("A-3"), headers=key(shop))).status_code == 201


async def test_a_bad_key_on_a_staff_write_is_refused_too(client):
    adjustment = {"location": "BIN-1", "sku": "APPLE", "quantity": 1, "direction": "in", "reason": "found"}
    response = await client.post(
        "/api/v1/stock/adjustments", json=adjustment,
        headers={"Authorization": "Bearer test-token-supervisor", "Idempotency-Key": " "},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"
