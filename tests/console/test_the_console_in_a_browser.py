"""The console in Debian's Chromium through Playwright, against a real `wms serve`: a supervisor
logs in, finds an order and watches it picked live by a handheld's calls; customer service holds
and cancels one and is told why an order being picked cannot be; a wave is previewed and
released; a short pick resolved; an admin creates a channel and sees its key once. Screenshots of
each page (UPDATE_SCREENSHOTS=1) go to docs/screenshots/ for the README."""

import re

import httpx
from playwright.sync_api import expect

from tests.console.conftest import screenshot
from tests.console.floor import channel, log_in, next_trip, pick, place, release, short, stock

LIVE_SECONDS = 5_000  # ms: a live change shows well within this


def test_a_supervisor_finds_an_order_and_watches_a_handheld_pick_it_live(page, console_url):
    key = channel(console_url, "shop-live")
    stock(console_url, "BIN-1", 100)
    order = place(console_url, key, "LIVE-1001", name="Grace Hopper")
    log_in(page)
    screenshot(page, "home")
    page.get_by_role("navigation").get_by_role("link", name="Orders").click()
    page.get_by_label("Order reference or customer").fill("hopper")
    page.get_by_role("button", name="Search").click()
    screenshot(page, "orders")
    page.get_by_role("link", name="LIVE-1001").click()
    expect(page.locator("#status")).to_have_text("allocated")
    expect(page.locator("body[data-live-ready]")).to_have_count(1)
    release(console_url, [order["id"]])
    trip = next_trip(console_url)
    for task in trip["tasks"]:
        pick(console_url, task)
    expect(page.locator("#status")).to_have_text("picking", timeout=LIVE_SECONDS)
    expect(page.locator("#timeline")).to_contain_text("order.picked")
    expect(page.locator("#picking-h + table")).to_contain_text("2 / 2")
    screenshot(page, "order")


def test_customer_service_holds_and_cancels_an_order_and_is_told_why_one_being_picked_cannot_be(page, console_url):
    key = channel(console_url, "shop-hold")
    order = place(console_url, key, "HOLD-1", name="<script>alert(1)</script>")
    log_in(page)
    page.goto(f"/orders/{order['id']}")
    expect(page.get_by_role("heading", name="Order HOLD-1")).to_be_visible()
    expect(page.locator("dd").first).to_contain_text("<script>alert(1)</script>")  # as text, nothing ran
    page.get_by_label("Reason (for the timeline)").fill("customer called to change the size")
    page.get_by_role("button", name="Hold").click()
    expect(page.locator("#status")).to_have_text("on_hold")
    expect(page.locator("#timeline")).to_contain_text("customer called to change the size (by supervisor)")
    page.get_by_role("button", name="Cancel order").click()
    expect(page.locator("#status")).to_have_text("cancelled")
    page.get_by_role("button", name="Release").click()
    expect(page.get_by_role("alert")).to_contain_text("is not on hold (status cancelled)")
    picked = httpx.get(console_url + "/api/v1/orders?external_id=LIVE-1001", headers={"Authorization": "Bearer test-token-supervisor"})
    page.goto(f"/orders/{picked.json()['items'][0]['id']}")
    page.get_by_role("button", name="Cancel order").click()
    expect(page.get_by_role("alert")).to_contain_text("cannot be cancelled: picking has started")
    expect(page.locator("#status")).to_have_text("picking")
    screenshot(page, "order-refused")


def test_a_supervisor_previews_a_wave_then_releases_it(page, console_url):
    key = channel(console_url, "shop-wave")
    stock(console_url, "BIN-3", 100)
    for n in range(3):
        place(console_url, key, f"WAVE-{n}")
    log_in(page)
    page.goto("/floor")
    page.get_by_label("Pick mode").select_option("batch")
    page.get_by_label("Orders per cart (batch)").fill("2")
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#preview")
    expect(preview).to_contain_text("The wave would take 3 orders in 2 trips")
    expect(preview).to_contain_text(re.compile(r"\d+\.\d m"))
    screenshot(page, "wave-preview")
    page.get_by_role("button", name="Release this wave").click()
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"Wave \d+ released: 3 orders in 2 trips"))
    expect(page.locator("#waiting")).to_have_text("0")
    screenshot(page, "floor")


def test_a_supervisor_resolves_a_short_pick_seen_on_the_floor(page, console_url):
    trip = next_trip(console_url)
    short(console_url, trip["tasks"][0])
    log_in(page)
    page.goto("/floor")
    row = page.locator("tr", has_text="short_pick")
    expect(row).to_contain_text("empty")
    row.get_by_role("textbox").fill("found two behind the bin, counted")
    row.get_by_role("button", name="Resolve").click()
    expect(page.locator("tr", has_text="short_pick")).to_have_count(0)
    expect(page.get_by_text("Nothing to resolve.")).to_be_visible()


def test_an_admin_creates_a_channel_and_sees_its_key_once(page, console_url):
    log_in(page, "admin")
    page.goto("/admin/channels")
    page.get_by_label("Name").fill("marketplace")
    page.get_by_role("button", name="Create channel").click()
    api_key = page.locator("#api-key").inner_text()
    assert api_key.startswith("wms_ck_")
    screenshot(page, "channel-key")
    polled = httpx.get(console_url + "/api/v1/events", headers={"Authorization": f"Bearer {api_key}"})
    assert polled.status_code == 200
    page.get_by_role("link", name="Back to the channels").click()
    expect(page.get_by_role("link", name="marketplace")).to_be_visible()
    assert api_key not in page.content() and api_key[:12] in page.content()
    screenshot(page, "channels")


def test_the_other_pages_show_for_a_screenshot(page, console_url):
    log_in(page, "admin")
    for path, name in [("/stock?sku=APPLE", "stock"), ("/stock/locations/BIN-1", "location"), ("/stock/ledger?sku=APPLE", "ledger"),
                       ("/printing", "printing"), ("/dashboards", "dashboards"), ("/admin/users", "users"),
                       ("/admin/shipping", "shipping"), ("/admin/import", "import")]:
        page.goto(path)
        expect(page.locator("h1")).to_be_visible()
        screenshot(page, name)
    page.get_by_label("It holds").select_option("stock")
    page.get_by_label("File").set_input_files(files=[{
        "name": "stock.csv", "mimeType": "text/csv",
        "buffer": b"location,sku,quantity\nBIN-1,APPLE,5\nBIN-1,APPLE,many\nBIN-2,APPLE,1\n",
    }])
    page.get_by_role("button", name="Import").click()
    expect(page.locator("tr.wrong")).to_have_count(1)
    expect(page.locator("tr.wrong")).to_contain_text("BIN-1,APPLE,many")
    expect(page.locator("tr.wrong")).to_contain_text("quantity")
    expect(page.get_by_role("alert")).to_contain_text("nothing was imported")
    screenshot(page, "import-errors")
