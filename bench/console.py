"""The console's figures, through HTTP against `wms serve` with 100,000 orders in the database:

    .venv/bin/python -m bench.console [--orders 100000] [--requests 200]

- server time of the order search (by part of a customer's name, by SKU and status, the first
  page) and of an order's page: median and p99 of --requests requests each, one after another,
  timed from the request sent to the page received (loopback, so the time is the server's);
- live update: an order's page open in Chromium (Debian's, driven by Playwright), an order put
  on hold through the API; from the commit (the API's answer) to the page showing on_hold, median
  of 20.
"""

import argparse
import asyncio
import re
import statistics
import time

import asyncpg
import httpx
from playwright.sync_api import sync_playwright

from bench._database import scratch_database
from bench._server import running_server
from schema.catalog import SkuCreate
from schema.channels import ChannelCreate
from schema.locations import WarehouseCreate
from schema.users import UserCreate
from server.auth import users
from server.core.tokens import token_digest
from server.inventory import catalog, locations
from server.orders import channels

PASSWORD = "bench console password"
SURNAMES = ["Lovelace", "Hopper", "Turing", "Noether", "Curie", "Meitner", "Franklin", "Goodall", "Sagan", "Feynman"]

# Orders like a year of a small shop's: 1 to 3 lines of 50 SKUs, most shipped, some open; their
# creation event each, for the timeline.
SEED = """
insert into orders (channel_id, external_id, status, ship_to, service_level, carrier, priority, ship_by, notes,
                    allow_partial, created_at, updated_at)
select $1, 'WEB-' || n,
       (array['shipped','shipped','shipped','shipped','allocated','backordered','picking','packed','cancelled','on_hold'])[1 + n % 10],
       jsonb_build_object('name', (array['Ada','Grace','Alan','Emmy','Marie','Lise','Rosalind','Jane','Carl','Richard'])[1 + n % 10]
                                  || ' ' || ($3::text[])[1 + (n / 10) % 10] || ' ' || n,
                          'line1', n || ' Long Street', 'city', 'London', 'postal_code', 'N1', 'country', 'GB'),
       'standard', '', 5, current_date + (n % 5), '', false,
       now() - make_interval(mins => ($2 - n)), now() - make_interval(mins => ($2 - n))
  from generate_series(1, $2) n
"""
SEED_LINES = """
insert into order_lines (order_id, line_no, sku_id, quantity)
select o.id, l, (select id from skus order by id offset (o.id * 7 + l) % 50 limit 1), 1 + l
  from orders o, generate_series(1, 3) l where l <= 1 + o.id % 3
"""
SEED_EVENTS = """
insert into events (channel_id, stream, type, order_id, payload)
select channel_id, 'order:' || id, 'order.accepted', id, '{"note": "accepted"}'::json from orders
"""


async def seed(url: str, count: int) -> int:
    conn = await asyncpg.connect(url)
    try:
        await locations.create_warehouse(conn, WarehouseCreate(code="WH1", name="Bench"))
        for i in range(50):
            await catalog.create_sku(conn, SkuCreate(code=f"SKU-{i:03}", description=f"Article {i}"))
        await users.create_user(conn, UserCreate(username="sam", name="Sam", role="supervisor", password=PASSWORD))
        shop = await channels.create_channel(conn, ChannelCreate(name="webshop"))
        await conn.execute(SEED, shop.channel.id, count, SURNAMES)
        await conn.execute(SEED_LINES)
        await conn.execute(SEED_EVENTS)
        await conn.execute("analyze")
        await conn.execute(
            "insert into sessions (token_hash, user_id, expires_at) select $1, id, now() + interval '1 day' from users"
            " where username = 'sam'", token_digest("bench-sam"),
        )
        return await conn.fetchval("select id from orders where status = 'allocated' order by id desc limit 1")
    finally:
        await conn.close()


def log_in(client: httpx.Client) -> None:
    form = client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)[1]
    assert client.post("/login", data={"csrf": csrf, "username": "sam", "password": PASSWORD}).status_code == 200


def timed(client: httpx.Client, paths: list[str]) -> tuple[float, float]:
    """Median and p99 in ms of GETting the paths in turn."""
    times = []
    for path in paths:
        start = time.perf_counter()
        answer = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        assert answer.status_code == 200, (path, answer.status_code)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.99) - 1]


def live(base: str, order_ids: list[int]) -> float:
    """Median ms from a hold's commit to the open page showing it."""
    api = httpx.Client(base_url=base, headers={"Authorization": "Bearer bench-sam"})
    delays = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page()
        page.goto(base + "/login")
        page.fill("#username", "sam")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        for order_id in order_ids:
            page.goto(f"{base}/orders/{order_id}")
            page.wait_for_selector("body[data-live-ready]")
            page.wait_for_timeout(100)  # the ready refresh done
            assert api.post(f"/api/v1/orders/{order_id}/hold").status_code == 200
            committed = time.perf_counter()
            page.wait_for_selector("#status:text-is('on_hold')")
            delays.append((time.perf_counter() - committed) * 1000)
        browser.close()
    return statistics.median(delays)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    async with scratch_database() as url:
        started = time.perf_counter()
        open_order = await seed(url, args.orders)
        print(f"seeded {args.orders:,} orders in {time.perf_counter() - started:.1f} s")
        with running_server(url) as base:
            client = httpx.Client(base_url=base, follow_redirects=True)
            log_in(client)
            n = args.requests
            figures = {
                "search by part of a customer's name": [f"/orders?q={SURNAMES[i % 10].lower()}%20{i * 37 % args.orders}" for i in range(n)],
                "search by SKU and status": [f"/orders?sku=SKU-{i % 50:03}&status=shipped" for i in range(n)],
                "the first page of all orders": ["/orders"] * n,
                "an order's page": [f"/orders/{1 + i * 499 % args.orders}" for i in range(n)],
            }
            for name, paths in figures.items():
                median, p99 = timed(client, paths)
                print(f"{name}: median {median:.1f} ms, p99 {p99:.1f} ms ({n} requests)")
            allocated = [r for r in range(open_order, 0, -10)][:20]
            print(f"live update, commit to the page: median {await asyncio.to_thread(live, base, allocated):.0f} ms (20 holds)")


if __name__ == "__main__":
    asyncio.run(main())
