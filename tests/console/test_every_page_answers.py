"""Every console page renders for the role that may see it, with data in it, through HTTP."""

from tests.console.console import log_in
from tests.picking_floor import orders, release, stock


async def test_every_page_renders_for_an_admin_with_orders_stock_and_a_wave(client, conn):
    await stock(client, "BIN-1", 20)
    placed = await orders(client, conn, [{"sku": "APPLE", "quantity": 2}], [{"sku": "APPLE", "quantity": 50}])
    await release(client)
    await log_in(client, "admin")
    pages = [
        "/", "/orders", "/orders?q=lovelace&status=allocated", "/orders?sku=APPLE&channel=webshop&created_from=2020-01-01",
        f"/orders/{placed[0]['id']}", f"/orders/{placed[0]['id']}/live", "/stock", "/stock?sku=APPLE", "/stock?sku=NOPE",
        "/stock/locations/BIN-1", "/stock/ledger?sku=APPLE", "/floor", "/floor/live", "/printing", "/admin/channels",
        "/admin/channels/webshop", "/admin/users", "/admin/shipping", "/admin/import", "/dashboards",
    ] + [f"/dashboards/charts/{name}" for name in ("orders-by-status", "picks-per-hour", "backorders", "on-time")]
    for path in pages:
        answer = await client.get(path)
        assert answer.status_code == (404 if "NOPE" in path else 200), (path, answer.text[-2000:])
    found = await client.get("/orders?q=lovelace")
    assert "P-0" in found.text and "P-1" in found.text
    chart = await client.get("/dashboards/charts/backorders")
    # shown through <img>, where no script runs; pygal's configuration script is refused by policy too
    assert chart.headers["content-type"].startswith("image/svg+xml") and b"units missing" in chart.content
    assert chart.headers["content-security-policy"].startswith("default-src 'none'")
