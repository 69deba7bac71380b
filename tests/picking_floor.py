"""Helpers for picking tests: stock, orders and a released wave, through the API."""

from tests.channels import key, make_channel, order
from tests.conftest import bearer

BARCODES = {"APPLE": "4006381333931", "MILK": "5901234123457"}


async def log_in(conn, username: str) -> dict[str, str]:
    """Headers of a session for this user, made in the database as a login would."""
    await conn.execute(
        "insert into sessions (token_hash, user_id, expires_at)"
        " select sha256($1::bytea), id, now() + interval '1 hour' from users where username = $2",
        f"token-{username}".encode(), username,
    )
    return {"Authorization": f"Bearer token-{username}"}


async def stock(client, location: str, quantity: int, sku: str = "APPLE", **lot) -> None:
    body = {"location": location, "sku": sku, "quantity": quantity, "direction": "in", "reason": "found"} | lot
    response = await client.post("/api/v1/stock/adjustments", json=body, headers=bearer("supervisor"))
    assert response.status_code == 201, response.text


async def orders(client, conn, *line_sets: list[dict], shop=None, **fields) -> list[dict]:
    shop = shop or await make_channel(conn)
    placed = []
    for i, lines in enumerate(line_sets):
        response = await client.post("/api/v1/orders", json=order(f"P-{i}", lines=lines, **fields), headers=key(shop))
        assert response.status_code == 201, response.text
        placed.append(response.json())
    return placed


async def release(client, **wave) -> dict:
    response = await client.post("/api/v1/waves", json=wave, headers=bearer("supervisor"))
    assert response.status_code == 201, response.text
    return response.json()


async def next_trip(client, role: str = "picker", **body) -> dict:
    response = await client.post("/api/v1/picking/next", json=body, headers=bearer(role))
    assert response.status_code == 200, response.text
    return response.json()


async def confirm(client, task: dict, scan_id: str, item: str = "4006381333931", count: int | None = None, tote: str = "TOTE-1", role: str = "picker", location: str | None = None):
    body = {"scan_id": scan_id, "location": location or task["location_barcode"], "item": item, "tote": tote,
            "count": count if count is not None else task["quantity"] - task["picked"]}
    return await client.post(f"/api/v1/picking/tasks/{task['id']}/confirm", json=body, headers=bearer(role))
