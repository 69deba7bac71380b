"""One `wms serve` on one database and one Chromium per browser test module: each test its own
browser context (its own cookies) and its own orders, so the module stays quick."""

import asyncio
import os
import signal
from pathlib import Path

import pytest

from server.core.database import with_database
from tests.conftest import TEMPLATE, _create_database, _drop_database
from tests.serving import free_port, serve

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def console_url(server_url, template_url):
    """A real `wms serve` on a database of this module's own: its base URL."""
    name = asyncio.run(_create_database(server_url, TEMPLATE))
    port = free_port()
    server = serve(with_database(server_url, name), port)
    yield f"http://127.0.0.1:{port}"
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)
    asyncio.run(_drop_database(server_url, name))


@pytest.fixture(scope="module")
def browser(console_url):  # the server first: its set-up runs its own event loop, Playwright then keeps one
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make test installs it: tests/install_system_packages.sh)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, console_url):
    """A fresh browser tab at an office screen's size, failing the test on any script dialog."""
    context = browser.new_context(base_url=console_url, viewport={"width": 1366, "height": 768})
    tab = context.new_page()
    dialogs = []
    tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    errors = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    context.close()
    assert not dialogs, f"a script ran in the page: {dialogs}"
    assert not errors, errors


def screenshot(tab, name: str) -> None:
    """Kept for the README when UPDATE_SCREENSHOTS=1."""
    if os.environ.get("UPDATE_SCREENSHOTS"):
        (ROOT / "docs/screenshots").mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(ROOT / "docs/screenshots" / f"console-{name}.png"))


