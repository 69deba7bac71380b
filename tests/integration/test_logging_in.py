from tests.conftest import bearer
from tests.seed import PASSWORD, PIN


async def test_a_picker_logs_in_with_badge_and_pin_and_the_token_works(client):
    response = await client.post("/api/v1/auth/badge", json={"badge": "BADGE-PICKER", "pin": PIN})
    assert response.status_code == 201
    session = response.json()
    assert session["user"]["role"] == "picker"

    me = await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {session['token']}"})
    assert me.json()["username"] == "picker"


async def test_a_wrong_pin_is_refused_without_saying_which_part_was_wrong(client):
    response = await client.post("/api/v1/auth/badge", json={"badge": "BADGE-PICKER", "pin": "0000"})
    assert response.status_code == 401
    assert response.json()["detail"] == "badge or PIN not recognised"


async def test_a_supervisor_logs_in_with_a_password_from_a_browser(client):
    response = await client.post("/api/v1/auth/login", json={"username": "supervisor", "password": PASSWORD})
    assert response.status_code == 201
    assert response.json()["user"]["role"] == "supervisor"


async def test_a_logged_out_token_no_longer_works(client):
    token = (await client.post("/api/v1/auth/login", json={"username": "admin", "password": PASSWORD})).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert (await client.post("/api/v1/auth/logout", headers=headers)).status_code == 204
    assert (await client.get("/api/v1/auth/me", headers=headers)).status_code == 401


async def test_a_picker_may_not_create_users_or_adjust_stock(client):
    user = {"username": "x", "name": "X", "role": "admin", "password": "long enough pw"}
    response = await client.post("/api/v1/users", json=user, headers=bearer("picker"))
    assert response.status_code == 403
    assert "supervisor" in response.json()["detail"]
    adjustment = {"location": "BIN-1", "sku": "APPLE", "quantity": 1, "direction": "in", "reason": "found"}
    assert (await client.post("/api/v1/stock/adjustments", json=adjustment, headers=bearer("picker"))).status_code == 403


async def test_a_supervisor_creates_a_picker_who_can_then_log_in(client):
    user = {"username": "newbie", "name": "New Picker", "role": "picker", "badge": "BADGE-NEW", "pin": "9876"}
    created = await client.post("/api/v1/users", json=user, headers=bearer("supervisor"))
    assert created.status_code == 201
    login = await client.post("/api/v1/auth/badge", json={"badge": "BADGE-NEW", "pin": "9876"})
    assert login.status_code == 201


async def test_the_ledger_records_who_moved_the_stock(client):
    adjustment = {"location": "BIN-1", "sku": "APPLE", "quantity": 3, "direction": "in", "reason": "found"}
    await client.post("/api/v1/stock/adjustments", json=adjustment, headers=bearer("receiver"))
    ledger = (await client.get("/api/v1/stock/movements", headers=bearer("supervisor"))).json()["items"]
    assert ledger[-1]["user"] == "receiver"
