"""The real Kivy app, offscreen (SDL_VIDEODRIVER=offscreen, Mesa's software OpenGL), against a
real `wms serve`, fed through a real pty scanner: a picker logs in with badge and PIN, picks a
trip with a wrong bin and a wrong item in it, and the screen shows each step; the server has
every pick once. A count keyed on the number pad, labels printed on the printer emulator (and
one refused for paper out), a move the server refuses on replay held on a red screen until it is
acknowledged, and the app killed mid-trip starting again on the same bin. Screenshots of each
screen are kept (UPDATE_SCREENSHOTS=1 copies them to docs/screenshots/ for the README)."""

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from labels.emulator import EmulatorThread
from server.inventory.stock import check_ledger
from tests.picking_floor import BARCODES, orders, release, stock
from tests.seed import PIN
from tests.serving import free_port, serve

ROOT = Path(__file__).resolve().parents[2]
LOG_IN = [["scan", "BADGE-PICKER"], ["key", PIN], ["ok"]]


def drive(port: int, steps: list, tmp_path: Path, printer: str | None = None) -> subprocess.Popen:
    """The app in its own process (tests/handheld/drive_app.py), its data kept in tmp_path/data."""
    return subprocess.Popen(
        [sys.executable, str(ROOT / "tests/handheld/drive_app.py"), f"http://127.0.0.1:{port}", str(tmp_path / "data"),
         str(tmp_path / "shots"), json.dumps(steps), *([printer] if printer else [])],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        env=os.environ | {"KIVY_HOME": str(tmp_path / "kivy"), "SDL_VIDEODRIVER": "offscreen", "SDL_AUDIODRIVER": "dummy"},
    )


def seen_by(app: subprocess.Popen, returncode: int = 0) -> dict[str, dict]:
    out, err = app.communicate(timeout=120)
    assert app.returncode == returncode, err[-3000:]
    seen = {s["shot"]: s for s in json.loads(out.strip().splitlines()[-1])}
    for shot in seen.values():
        assert Path(shot["file"]).stat().st_size > 1000
        if os.environ.get("UPDATE_SCREENSHOTS"):
            (ROOT / "docs/screenshots").mkdir(parents=True, exist_ok=True)
            shutil.copy(shot["file"], ROOT / "docs/screenshots" / f"handheld-{shot['shot']}.png")
    return seen


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
        seen = seen_by(drive(port, steps, tmp_path))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
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


async def test_a_keyed_count_printed_labels_and_a_refused_move_on_the_screen(client, conn, database_url, tmp_path):
    await stock(client, "BIN-1", 20)
    await orders(client, conn, [{"sku": "APPLE", "quantity": 6}])
    await release(client)
    bins = dict(await conn.fetch("select code, barcode from locations where code in ('BIN-1', 'BIN-2')"))
    apple = f"]E0{BARCODES['APPLE']}"
    out_of_stock = {"location": "BIN-1", "sku": "APPLE", "quantity": 14, "direction": "out", "reason": "damaged"}
    steps = [
        *LOG_IN, ["scan", "TOTE-7"], ["scan", bins["BIN-1"]], ["key", "6"], ["ok"], ["shot", "pick-count"],
        ["scan", apple], ["sent"], ["shot", "pick-bulk-done"],
        ["tap", "lookup"], ["scan", bins["BIN-1"]], ["tap", "print_label"], ["wait", 1.5], ["shot", "lookup-printed"],
        # the test has turned the printer's paper out by now
        ["tap", "move"], ["scan", bins["BIN-1"]], ["scan", apple], ["tap", "print_label"], ["wait", 4.5],
        ["shot", "move-paper-out"],
        ["key", "5"], ["ok"], ["shot", "move-count"],
        ["supervisor", "POST", "/api/v1/stock/adjustments", out_of_stock],  # the stock goes before the move is sent
        ["scan", bins["BIN-2"]], ["sent"], ["shot", "refused"],
        ["scan", bins["BIN-2"]], ["shot", "refused-scan"], ["ok"], ["shot", "after-refused"],
    ]
    port = free_port()
    server = serve(database_url, port)
    try:
        belt = EmulatorThread()
        with belt as printer:
            app = drive(port, steps, tmp_path, f"tcp://127.0.0.1:{printer.port}")
            labels = belt.wait_for_labels(1, timeout=60)
            printer.faults = {"paper_out"}
            seen = seen_by(app)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    assert (seen["pick-count"]["flash"], seen["pick-count"]["message"]) == ("info", "6 x APPLE: scan the item once")
    assert seen["pick-bulk-done"]["flash"] == "done" and seen["pick-bulk-done"]["waiting"] == 0
    assert (seen["lookup-printed"]["flash"], seen["lookup-printed"]["message"]) == ("good", "Label for bin BIN-1 printed")
    assert len(labels) == 1 and f"^FD{bins['BIN-1']}^FS".encode() in labels[0]
    assert (seen["move-paper-out"]["flash"], seen["move-paper-out"]["message"]) == ("wrong", "Printer out of paper")
    assert printer.received == labels  # nothing more came out
    assert seen["move-count"]["message"] == "5 x APPLE: scan the bin to put them in"
    refused = seen["refused"]
    assert (refused["screen"], refused["flash"]) == ("refused", "wrong") and "only 0 of" in refused["reason"]
    assert (seen["refused-scan"]["screen"], seen["refused-scan"]["message"]) == ("refused", "Scan not taken: tap OK first")
    assert seen["after-refused"]["screen"] == "move"
    assert await conn.fetchval("select coalesce(sum(quantity), 0) from movements where reason = 'pick'") == 6
    assert await conn.fetchval("select count(*) from pick_tasks where picked = 6") == 1
    assert await conn.fetchval("select count(*) from movements where reason = 'move'") == 0
    assert (await check_ledger(conn)).consistent


async def test_an_app_killed_mid_trip_starts_again_on_the_same_bin(client, conn, database_url, tmp_path):
    await stock(client, "BIN-1", 10)
    await orders(client, conn, [{"sku": "APPLE", "quantity": 2}], [{"sku": "APPLE", "quantity": 2}])
    await release(client, mode="batch", orders_per_trip=2)
    bin_barcode = await conn.fetchval("select barcode from locations where code = 'BIN-1'")
    apple = f"]E0{BARCODES['APPLE']}"
    port = free_port()
    server = serve(database_url, port)
    try:
        before = seen_by(drive(port, [*LOG_IN, ["scan", "TOTE-3"], ["scan", bin_barcode], ["scan", apple], ["sent"],
                                      ["shot", "before-kill"], ["kill"]], tmp_path), returncode=-signal.SIGKILL)
        after = seen_by(drive(port, [["shot", "restarted"], ["scan", bin_barcode], ["scan", apple], ["sent"],
                                     ["shot", "restarted-next"]], tmp_path))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    assert (before["before-kill"]["message"], before["before-kill"]["waiting"]) == ("1 more", 0)
    restarted = after["restarted"]
    assert (restarted["screen"], restarted["bin"], restarted["progress"]) == ("pick", "BIN-1", "1 of 2")
    assert restarted["message"] == "Go to BIN-1"
    assert after["restarted-next"]["progress"] == "2 of 2"
    # the unit scanned after the restart is a unit of its own, not taken for a resend of the first
    assert await conn.fetchval("select coalesce(sum(quantity), 0) from movements where reason = 'pick'") == 2
    assert (await check_ledger(conn)).consistent
