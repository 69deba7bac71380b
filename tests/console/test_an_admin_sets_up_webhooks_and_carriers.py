"""An admin adds a channel's webhook endpoint and a carrier from the console, through the same
services and checks as the API: a bad URL or format is refused in words and adds nothing, and a
supervisor (who may add carton types) may not add a carrier, as in the API."""

from tests.channels import make_channel
from tests.console.console import csrf_of, log_in


async def test_an_admin_adds_a_webhook_endpoint_and_a_carrier_and_bad_ones_are_refused(client, conn):
    await make_channel(conn, "shop")
    await log_in(client, "admin")
    page = await client.get("/admin/channels/shop")
    bad = await client.post("/admin/channels/shop/webhooks", data={"csrf": csrf_of(page.text), "url": "ftp://nope"})
    assert bad.status_code == 422 and "url" in bad.text
    added = await client.post("/admin/channels/shop/webhooks", data={
        "csrf": csrf_of(page.text), "url": "https://shop.example/hooks", "event_types": "order.shipped, order.cancelled"})
    assert added.status_code in (200, 303)
    assert "https://shop.example/hooks" in (await client.get("/admin/channels/shop")).text
    assert await conn.fetchval("select event_types from subscriptions") == ["order.shipped", "order.cancelled"]

    setup = await client.get("/admin/shipping")
    refused = await client.post("/admin/shipping/carriers", data={
        "csrf": csrf_of(setup.text), "code": "post", "name": "Post", "services": "parcel", "tracking_format": "NO-SERIAL"})
    assert refused.status_code == 422 and "{serial}" in refused.text
    made = await client.post("/admin/shipping/carriers", data={
        "csrf": csrf_of(setup.text), "code": "post", "name": "Post", "services": "parcel, express", "tracking_format": "PP{serial:08d}"})
    assert made.status_code in (200, 303)
    assert await conn.fetchval("select services from carriers where code = 'post'") == ["parcel", "express"]


async def test_a_supervisor_may_not_add_a_carrier(client, conn):
    await log_in(client, "supervisor")
    setup = await client.get("/admin/shipping")
    assert 'action="/admin/shipping/carriers"' not in setup.text
    refused = await client.post("/admin/shipping/carriers", data={"csrf": csrf_of(setup.text), "code": "x", "name": "X",
                                                                  "services": "s"})
    assert refused.status_code == 403
    assert await conn.fetchval("select count(*) from carriers where code = 'x'") == 0


async def test_a_supervisor_moves_a_user_to_another_role_and_may_not_make_an_admin(client, conn):
    await log_in(client, "supervisor")
    users = await client.get("/admin/users")
    moved = await client.post("/admin/users/change", data={"csrf": csrf_of(users.text), "username": "picker", "role": "receiver"})
    assert moved.status_code in (200, 303)
    refused = await client.post("/admin/users/change", data={"csrf": csrf_of(users.text), "username": "packer", "role": "admin"})
    assert refused.status_code == 403 and "only an admin" in refused.text
    assert dict(await conn.fetch("select username, role from users where username in ('picker', 'packer')")) == {
        "picker": "receiver", "packer": "packer"}
