"""Helpers for console tests: logging in through the login form, and the CSRF token of a page."""

import re

from tests.seed import PASSWORD


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html)[1]


async def log_in(client, username: str = "supervisor") -> None:
    """The console's session cookie in the client, as a browser gets it."""
    form = await client.get("/login")
    answer = await client.post(
        "/login", data={"csrf": csrf_of(form.text), "username": username, "password": PASSWORD, "next": "/"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
