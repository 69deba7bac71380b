"""A badge number is printed on the badge and a PIN has four digits: a user is locked after five
wrong tries in a row until a supervisor unlocks them, an address that keeps failing waits, an admin
logs in by password only, and supervisors see each lock as a security event."""

import asyncio

from tests.conftest import bearer
from tests.seed import PASSWORD, PIN


async def badge(client, pin: str, badge_: str = "BADGE-PICKER"):
    return await client.post("/api/v1/auth/badge", json={"badge": badge_, "pin": pin})


async def test_five_wrong_pins_lock_the_badge_and_the_right_pin_then_does_not_open_it(client, conn):
    answers = [await badge(client, f"000{n}") for n in range(5)]

    assert [a.status_code for a in answers] == [401] * 5
    assert answers[0].json()["detail"] == "badge or PIN not recognised"
    assert "locked" in answers[4].json()["detail"]
    right = await badge(client, PIN)
    assert right.status_code == 401 and "ask a supervisor" in right.json()["detail"]
    events = (await client.get("/api/v1/security-events", headers=bearer("supervisor"))).json()["items"]
    assert [(e["kind"], e["username"]) for e in events] == [("user_locked", "picker")]
    listed = (await client.get("/api/v1/users", headers=bearer("supervisor"))).json()["items"]
    assert [u["username"] for u in listed if u["locked_at"]] == ["picker"]


async def test_a_supervisor_unlocks_and_the_right_pin_works_again(client, conn):
    for n in range(5):
        await badge(client, f"000{n}")

    unlocked = await client.post("/api/v1/users/picker/unlock", headers=bearer("supervisor"))

    assert unlocked.status_code == 200 and unlocked.json()["locked_at"] is None
    assert (await badge(client, PIN)).status_code == 201
    kinds = [e["kind"] for e in (await client.get("/api/v1/security-events", headers=bearer("supervisor"))).json()["items"]]
    assert kinds == ["user_locked", "user_unlocked"]
    assert (await client.post("/api/v1/users/picker/unlock", headers=bearer("picker"))).status_code == 403


async def test_a_right_pin_resets_the_count_of_wrong_ones(client, conn):
    for _ in range(2):
        for n in range(4):
            assert (await badge(client, f"000{n}")).status_code == 401
        assert (await badge(client, PIN)).status_code == 201


async def test_three_hundred_guesses_at_once_never_open_a_badge(client, conn):
    guesses = await asyncio.gather(*(badge(client, f"{n:04d}") for n in range(300) if f"{n:04d}" != PIN))

    assert {g.status_code for g in guesses} <= {401, 429}
    assert await conn.fetchval("select locked_at is not null from users where username = 'picker'")
    assert await conn.fetchval("select count(*) from security_events where kind = 'user_locked'") == 1
    await conn.execute("delete from login_failures")  # not this address's slowdown, the badge's lock
    assert (await badge(client, PIN)).status_code == 401


async def test_an_address_that_keeps_failing_waits_with_retry_after(client, conn):
    for n in range(20):
        assert (await badge(client, "1234", f"NO-SUCH-BADGE-{n}")).status_code == 401

    slowed = await badge(client, PIN)

    assert slowed.status_code == 429
    assert 1 <= int(slowed.headers["Retry-After"]) <= 600
    assert "try again" in slowed.json()["detail"]
    assert await conn.fetchval("select count(*) from security_events where kind = 'source_throttled'") == 1
    await conn.execute("update login_failures set at = at - interval '11 minutes'")
    assert (await badge(client, PIN)).status_code == 201


async def test_wrong_passwords_lock_a_user_too(client, conn):
    for n in range(5):
        assert (await client.post("/api/v1/auth/login", json={"username": "supervisor", "password": f"wrong {n}"})).status_code == 401
    right = await client.post("/api/v1/auth/login", json={"username": "supervisor", "password": PASSWORD})
    assert right.status_code == 401 and "locked" in right.json()["detail"]


async def test_an_admin_logs_in_by_password_only(client, conn):
    created = await client.post(
        "/api/v1/users", json={"username": "boss", "name": "Boss", "role": "admin", "badge": "BADGE-BOSS", "pin": "9876"},
        headers=bearer("admin"),
    )
    assert created.status_code == 422 and created.json()["errors"][0]["field"] == "badge"
    await conn.execute("update users set badge = 'OLD-ADMIN-BADGE' where username = 'admin'")
    assert (await badge(client, PIN, "OLD-ADMIN-BADGE")).status_code == 401
    assert (await client.post("/api/v1/auth/login", json={"username": "admin", "password": PASSWORD})).status_code == 201
