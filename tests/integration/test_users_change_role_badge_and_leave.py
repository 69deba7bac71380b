"""A supervisor changes a user's role, gives a new badge with its PIN, or takes a user off the
floor; the user's sessions end with the change. Only an admin makes, changes or takes away an
admin; an admin keeps to a password; a badge needs its PIN; nobody takes themself off."""

from tests.conftest import bearer
from tests.seed import PIN


async def test_a_supervisor_moves_a_picker_to_packing_and_the_old_session_ends(client):
    before = await client.post("/api/v1/auth/badge", json={"badge": "BADGE-PICKER", "pin": PIN})
    session = {"Authorization": f"Bearer {before.json()['token']}"}
    changed = await client.patch("/api/v1/users/picker", json={"role": "packer", "badge": "BADGE-NEW", "pin": "2468"},
                                 headers=bearer("supervisor"))
    assert changed.status_code == 200 and (changed.json()["role"], changed.json()["badge"]) == ("packer", "BADGE-NEW")
    assert (await client.get("/api/v1/auth/me", headers=session)).status_code == 401
    assert (await client.post("/api/v1/auth/badge", json={"badge": "BADGE-PICKER", "pin": PIN})).status_code == 401
    again = await client.post("/api/v1/auth/badge", json={"badge": "BADGE-NEW", "pin": "2468"})
    assert again.status_code == 201


async def test_a_user_taken_off_the_floor_cannot_log_in(client):
    assert (await client.patch("/api/v1/users/packer", json={"active": False}, headers=bearer("supervisor"))).status_code == 200
    assert (await client.post("/api/v1/auth/badge", json={"badge": "BADGE-PACKER", "pin": PIN})).status_code == 401
    assert (await client.get("/api/v1/auth/me", headers=bearer("packer"))).status_code == 401


async def test_what_a_supervisor_may_not_change_is_refused_in_words(client, conn):
    cases = [
        ("picker", {"role": "admin"}, 403, "only an admin"),
        ("admin", {"name": "Boss"}, 403, "only an admin"),
        ("picker", {"badge": "BADGE-X"}, 422, "a new badge needs its PIN"),
        ("supervisor", {"active": False}, 409, "you cannot take yourself off"),
        ("nobody", {"name": "N"}, 404, "no user nobody"),
    ]
    for username, body, status, said in cases:
        answer = await client.patch(f"/api/v1/users/{username}", json=body, headers=bearer("supervisor"))
        assert answer.status_code == status and said in answer.text, (username, body, answer.text)
    by_admin = await client.patch("/api/v1/users/picker", json={"role": "admin"}, headers=bearer("admin"))
    assert by_admin.status_code == 422 and by_admin.json()["errors"][0]["field"] == "role"  # a badge holder
    assert await conn.fetchval("select role from users where username = 'picker'") == "picker"
