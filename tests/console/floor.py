"""The warehouse as the browser tests drive it besides the browser: over HTTP, as the API's clients
do (a channel placing orders, a supervisor's stock, a handheld picking)."""

import itertools

import httpx

from tests.channels import ADDRESS
from tests.seed import APPLE_GTIN, PASSWORD

_scans = itertools.count(1)


def api(base: str, role: str) -> httpx.Client:
    return httpx.Client(base_url=base, headers={"Authorization": f"Bearer test-token-{role}"}, timeout=30)


def channel(base: str, name: str) -> str:
    """A new channel's API key."""
    answer = api(base, "admin").post("/api/v1/channels", json={"name": name})
    assert answer.status_code == 201, answer.text
    return answer.json()["api_key"]


def place(base: str, api_key: str, external_id: str, quantity: int = 2, **address) -> dict:
    body = {"external_id": external_id, "ship_to": ADDRESS | address, "lines": [{"sku": "APPLE", "quantity": quantity}]}
    answer = httpx.post(base + "/api/v1/orders", json=body, headers={"Authorization": f"Bearer {api_key}"})
    assert answer.status_code == 201, answer.text
    return answer.json()


def stock(base: str, location: str, quantity: int) -> None:
    body = {"location": location, "sku": "APPLE", "quantity": quantity, "direction": "in", "reason": "found"}
    assert api(base, "supervisor").post("/api/v1/stock/adjustments", json=body).status_code == 201


def release(base: str, order_ids: list[int]) -> None:
    answer = api(base, "supervisor").post("/api/v1/waves", json={"orders": order_ids})
    assert answer.status_code == 201, answer.text


def next_trip(base: str) -> dict:
    answer = api(base, "picker").post("/api/v1/picking/next", json={})
    assert answer.status_code == 200, answer.text
    return answer.json()


def pick(base: str, task: dict) -> None:
    """A handheld's confirmation of a whole task."""
    body = {"scan_id": f"console-{next(_scans)}", "location": task["location_barcode"], "item": APPLE_GTIN,
            "tote": "TOTE-9", "count": task["quantity"] - task["picked"]}
    answer = api(base, "picker").post(f"/api/v1/picking/tasks/{task['id']}/confirm", json=body)
    assert answer.status_code in (200, 201), answer.text


def short(base: str, task: dict) -> None:
    body = {"scan_id": f"console-{next(_scans)}", "location": task["location_barcode"], "reason": "empty"}
    answer = api(base, "picker").post(f"/api/v1/picking/tasks/{task['id']}/short", json=body)
    assert answer.status_code == 200, answer.text


def log_in(tab, username: str = "supervisor") -> None:
    tab.goto("/login")
    tab.get_by_label("User name").fill(username)
    tab.get_by_label("Password").fill(PASSWORD)
    tab.get_by_role("button", name="Log in").click()
    tab.wait_for_url("**/")
