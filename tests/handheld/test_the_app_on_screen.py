"""The real Kivy app, offscreen (SDL_VIDEODRIVER=offscreen, Mesa's software OpenGL), against a
real `wms serve`, fed through a real pty scanner: a picker logs in with badge and PIN, picks a
trip with a wrong bin and a wrong item in it, and the screen shows each step; the server has
every pick once. Screenshots of each screen are kept (UPDATE_SCREENSHOTS=1 copies them to
docs/screenshots/ for the README)."""

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from server.inventory.stock import check_ledger
from tests.handheld.test_the_offline_queue_loses_nothing_and_repeats_nothing import serve
from tests.integration.test_wms_serve_from_a_fresh_data_directory import free_port
from tests.picking_floor import BARCODES, orders, release, stock
from tests.seed import PIN

ROOT = Path(__file__).resolve().parents[2]


async def test_a_picker_logs_in_and_picks_a_trip_on_the_screen(client, conn, database_url, tmp_path):
    await stock(client, "BIN-1", 20)
    await orders(client, conn, [{"sku": "APPLE", "quantity": 2}])
    await release(client)
    bin_barcode = await conn.fetchval("select barcode from locations where code = 'BIN-1'")
    bin2_barcode = await conn.fetchval("select barcode from locations where code = 'BIN-2'")
    port = free_port()
    server = serve(database_url, port)
    steps = [
        ["shot", "login"],
        ["scan", "BADGE-PICKER"], ["key", PIN], ["shot", "login-pin"], ["ok"],
        ["shot", "pick-tote"],
        ["scan", "TOTE-5"], ["scan", "]C0BIN-9"], ["shot", "pick-wrong-bin"],
        ["scan", bin_barcode], ["scan", f"]E0{BARCODES['MILK']}"], ["shot", "pick-wrong-item"],
        ["scan", f"]E0{BARCODES['APPLE']}"], ["shot", "pick-one-more"],
        ["scan", f"]E0{BARCODES['APPLE']}"], ["sent"], ["shot", "pick-done"],
        ["tap", "lookup"], ["scan", bin_barcode], ["shot", "lookup-bin"],
        ["tap", "move"], ["scan", bin_barcode], ["scan", f"]E0{BARCODES['APPLE']}"], ["scan", bin2_barcode], ["sent"],
        ["shot", "move-done"],
    ]
    try:
        driver = subprocess.run(
            [sys.executable, str(ROOT / "tests/handheld/drive_app.py"), f"http://127.0.0.1:{port}", str(tmp_path / "data"),
             str(tmp_path / "shots"), json.dumps(steps)],
            capture_output=True, text=True, timeout=120, cwd=ROOT,
            env=os.environ | {"KIVY_HOME": str(tmp_path / "kivy"), "SDL_VIDEODRIVER": "offscreen", "SDL_AUDIODRIVER": "dummy"},
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    assert driver.returncode == 0, driver.stderr[-3000:]
    seen = {s["shot"]: s for s in json.loads(driver.stdout.strip().splitlines()[-1])}
    assert seen["login"]["screen"] == "login" and seen["login"]["message"] == "Scan your badge"
    assert seen["login-pin"]["message"] == "Key your PIN"
    assert seen["pick-tote"]["screen"] == "pick" and seen["pick-tote"]["message"] == "Scan a tote"
    assert (seen["pick-wrong-bin"]["flash"], seen["pick-wrong-bin"]["message"]) == ("wrong", "Wrong bin: you are at BIN-9, go to BIN-1")
    assert seen["pick-wrong-item"]["flash"] == "wrong" and seen["pick-wrong-item"]["message"].startswith("Wrong item")
    assert (seen["pick-one-more"]["flash"], seen["pick-one-more"]["message"]) == ("good", "1 more")
    assert seen["pick-done"]["flash"] == "done" and seen["pick-done"]["waiting"] == 0
    assert (seen["lookup-bin"]["screen"], seen["lookup-bin"]["message"]) == ("lookup", "18 units on hand")
    assert (seen["move-done"]["screen"], seen["move-done"]["message"]) == ("move", "Moved 1 x APPLE from BIN-1 to BIN-2")
    assert await conn.fetchval("select count(*) from movements where reason = 'move'") == 1
    assert await conn.fetchval("select coalesce(sum(quantity), 0) from movements where reason = 'pick'") == 2
    assert (await check_ledger(conn)).consistent
    for shot in seen.values():
        assert Path(shot["file"]).stat().st_size > 1000
        if os.environ.get("UPDATE_SCREENSHOTS"):
            (ROOT / "docs/screenshots").mkdir(parents=True, exist_ok=True)
            shutil.copy(shot["file"], ROOT / "docs/screenshots" / f"handheld-{shot['shot']}.png")
