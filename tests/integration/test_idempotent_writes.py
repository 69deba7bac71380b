import asyncio

from tests.conftest import bearer

ADJUSTMENT = {"location": "BIN-1", "sku": "APPLE", "quantity": 5, "direction": "in", "reason": "found"}


async def movements(conn) -> int:
    return await conn.fetchval("select count(*) from movements")


async def test_a_replayed_call_returns_the_first_answer_byte_for_byte_and_moves_nothing(client, conn):
    headers = bearer("supervisor") | {"Idempotency-Key": "scan-0001"}
    first = await client.post("/api/v1/stock/adjustments", json=ADJUSTMENT, headers=headers)
    second = await client.post("/api/v1/stock/adjustments", json=ADJUSTMENT, headers=headers)

    assert first.status_code == second.status_code == 201
    assert first.content == second.content
    assert second.headers["idempotent-replayed"] == "true"
    assert await movements(conn) == 1


async def test_the_same_key_with_a_different_body_is_refused(client, conn):
    headers = bearer("supervisor") | {"Idempotency-Key": "scan-0002"}
    await client.post("/api/v1/stock/adjustments", json=ADJUSTMENT, headers=headers)
    response = await client.post("/api/v1/stock/adjustments", json=ADJUSTMENT | {"quantity": 6}, headers=headers)

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"
    assert await movements(conn) == 1


async def test_keys_belong_to_the_caller_so_two_users_may_use_the_same_key(client, conn):
    for role in ("supervisor", "receiver"):
        response = await client.post(
            "/api/v1/stock/adjustments", json=ADJUSTMENT, headers=bearer(role) | {"Idempotency-Key": "same"}
        )
        assert response.status_code == 201
    assert await movements(conn) == 2


async def test_fifty_concurrent_requests_with_one_key_change_stock_once(client, conn):
    headers = bearer("supervisor") | {"Idempotency-Key": "burst"}
    responses = await asyncio.gather(
        *(client.post("/api/v1/stock/adjustments", json=ADJUSTMENT, headers=headers) for _ in range(50))
    )

    statuses = [r.status_code for r in responses]
    assert set(statuses) <= {201, 409}
    assert statuses.count(201) >= 1
    assert len({r.content for r in responses if r.status_code == 201}) == 1
    assert await movements(conn) == 1


async def test_a_failed_call_does_not_burn_its_key(client, conn):
    headers = bearer("supervisor") | {"Idempotency-Key": "retry-me"}
    out = ADJUSTMENT | {"direction": "out", "reason": "damaged"}
    assert (await client.post("/api/v1/stock/adjustments", json=out, headers=headers)).status_code == 409
    await client.post("/api/v1/stock/adjustments", json=ADJUSTMENT, headers=bearer("supervisor"))
    assert (await client.post("/api/v1/stock/adjustments", json=out, headers=headers)).status_code == 201
