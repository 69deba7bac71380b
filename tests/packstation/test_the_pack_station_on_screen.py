"""The pack station as the packer sees it: the real app offscreen at an office screen's size,
logged in by badge, with a scanner and a scale on ptys and the printer emulator: a tote, the
items (one refused), the scale's weight, Close carton (labels print), Ship. Screenshots go to
docs/screenshots/ with UPDATE_SCREENSHOTS=1."""

import json
import os
import subprocess
import sys

from labels.emulator import EmulatorThread
from tests.handheld.test_the_app_on_screen import ROOT, seen_by
from tests.packing_floor import APPLE, APPLE_CASE, MILK, picked
from tests.printers import add_printer
from tests.seed import PIN


async def test_a_packer_packs_weighs_and_ships_an_order_on_the_screen(client, conn, served, tmp_path):
    [placed] = await picked(client, conn, [{"sku": "APPLE", "quantity": 2}, {"sku": "MILK", "quantity": 1}])
    with EmulatorThread() as printer:
        await add_printer(client, "PACK-1", f"127.0.0.1:{printer.port}", label_size="4x6")
        steps = [
            ["scan", "BADGE-PACKER"], ["key", PIN], ["ok"], ["shot", "pack-start"],
            ["scan", placed["tote"]], ["shot", "pack-order"],
            ["scan", APPLE], ["scan", APPLE_CASE], ["shot", "pack-too-many"],
            ["scan", APPLE], ["scan", MILK], ["weigh", "ST,GS,+  3.290kg"], ["shot", "pack-weighed"],
            ["tap", "close_carton"], ["shot", "pack-closed"],
            ["tap", "ship"], ["shot", "pack-shipped"],
        ]
        app = subprocess.Popen(
            [sys.executable, str(ROOT / "tests/handheld/drive_app.py"), served, str(tmp_path / "data"), str(tmp_path / "shots"),
             json.dumps(steps)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
            env=os.environ | {"KIVY_HOME": str(tmp_path / "kivy"), "SDL_VIDEODRIVER": "offscreen", "SDL_AUDIODRIVER": "dummy",
                              "DRIVE_SIZE": "1360x768",
                              "DRIVE_SETTINGS": json.dumps({"station": "PS-1", "station_printer": "PACK-1", "scale": "pty"})},
        )
        seen = seen_by(app)
        assert len(printer.received) == 2

    assert (seen["pack-start"]["screen"], seen["pack-start"]["message"]) == ("pack", "Scan a tote or an order")
    assert seen["pack-order"]["message"] == "Order P-0: 3 to pack, take a BOX-S"
    assert seen["pack-too-many"]["flash"] == "wrong"
    assert seen["pack-too-many"]["message"] == "too many: 1 x APPLE left to pack, that scan is 12"
    assert seen["pack-weighed"]["weight"] == "3.290 kg" and seen["pack-weighed"]["flash"] == "done"
    assert seen["pack-closed"]["message"].endswith("labels printed: ship the order")
    assert seen["pack-shipped"]["message"].startswith("Order P-0 shipped (WMS")
    assert await conn.fetchval("select status from orders where id = $1", placed["id"]) == "shipped"
