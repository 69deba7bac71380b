"""The console's security as a browser meets it, through HTTP: no page without a session, no form
without its CSRF token, the API's roles, a hostile customer name shown as text, the CSP sent."""

from server.console.session import COOKIE
from tests.channels import ADDRESS, key, make_channel, order
from tests.console.console import csrf_of, log_in
from tests.seed import PASSWORD


async def test_a_page_without_a_session_sends_the_browser_to_the_login(client):
    answer = await client.get("/orders", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/login?next=/orders"


async def test_the_login_sets_a_strict_http_only_cookie_and_a_wrong_password_is_refused_in_words(client):
    form = await client.get("/login")
    wrong = await client.post("/login", data={"csrf": csrf_of(form.text), "username": "supervisor", "password": "nope"})
    assert wrong.status_code == 401 and "user name or password not recognised" in wrong.text
    form = await client.get("/login")
    answer = await client.post(
        "/login", data={"csrf": csrf_of(form.text), "username": "supervisor", "password": PASSWORD}, follow_redirects=False
    )
    cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith(COOKIE + "="))
    assert "HttpOnly" in cookie and "samesite=strict" in cookie.lower() and "Max-Age=" in cookie


async def test_a_form_without_its_csrf_token_changes_nothing(client, conn):
    shop = await make_channel(conn)
    placed = (await client.post("/api/v1/orders", json=order("CSRF-1"), headers=key(shop))).json()
    await log_in(client)
    refused = await client.post(f"/orders/{placed['id']}/cancel", data={"reason": "forged"})
    assert refused.status_code == 403 and "security token" in refused.text
    forged = await client.post(f"/orders/{placed['id']}/cancel", data={"reason": "forged", "csrf": "0" * 64})
    assert forged.status_code == 403
    assert await conn.fetchval("select status from orders where id = $1", placed["id"]) != "cancelled"
    page = await client.get(f"/orders/{placed['id']}")
    done = await client.post(f"/orders/{placed['id']}/cancel", data={"reason": "asked", "csrf": csrf_of(page.text)})
    assert done.status_code in (200, 303)
    assert await conn.fetchval("select status from orders where id = $1", placed["id"]) == "cancelled"


async def test_a_logout_without_the_token_is_refused_and_with_it_ends_the_session(client):
    await log_in(client)
    assert (await client.post("/logout")).status_code == 403
    page = await client.get("/")
    assert (await client.post("/logout", data={"csrf": csrf_of(page.text)}, follow_redirects=False)).status_code == 303
    assert (await client.get("/", follow_redirects=False)).status_code == 303


async def test_a_pickers_session_cannot_reach_the_admin_pages_nor_the_orders(client):
    await log_in(client, "picker")
    for path in ("/admin/channels", "/admin/users", "/admin/import", "/orders", "/floor", "/dashboards"):
        answer = await client.get(path)
        assert answer.status_code == 403, path
        assert "this needs the role" in answer.text
    home = await client.get("/")
    assert "/admin/channels" not in home.text and "/stock" in home.text
    refused = await client.post("/admin/channels", data={"csrf": csrf_of(home.text), "name": "sneaky"})
    assert refused.status_code == 403


async def test_a_supervisor_cannot_manage_channels_as_in_the_api(client):
    await log_in(client, "supervisor")
    assert (await client.get("/admin/channels")).status_code == 403
    assert (await client.get("/admin/users")).status_code == 200


async def test_a_hostile_customer_name_is_shown_as_text(client, conn):
    shop = await make_channel(conn)
    hostile = ADDRESS | {"name": "<script>alert(1)</script>"}
    placed = (await client.post("/api/v1/orders", json=order("XSS-1", ship_to=hostile), headers=key(shop))).json()
    await log_in(client)
    for path in ("/orders?q=script", f"/orders/{placed['id']}"):
        page = await client.get(path)
        assert "<script>alert(1)</script>" not in page.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


async def test_every_page_is_sent_with_a_policy_that_runs_no_inline_script(client):
    await log_in(client)
    page = await client.get("/orders")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "<script>" not in page.text and ' style="' not in page.text
    assert page.headers["x-content-type-options"] == "nosniff"
