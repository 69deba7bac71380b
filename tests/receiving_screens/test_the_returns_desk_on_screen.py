"""The returns desk as a receiver sees it: the real app offscreen at a handheld's size, against a
real `wms serve`, fed through a real pty scanner. A receiver's badge opens the receive screen;
Returns opens the desk: the desk, the RMA label, an item back to stock, one damaged with a note
to quarantine, a defective carton to scrap; expected against received, what the next item is
and where it goes, and a count keyed, on the screen; Close return (tapped twice) shows what came back where; Back returns to the
dock. Screenshots go to docs/screenshots/ with UPDATE_SCREENSHOTS=1."""

import json
import os
import subprocess
import sys

from server.inventory.stock import check_ledger
from tests.channels import key, make_channel
from tests.handheld.test_the_app_on_screen import ROOT, seen_by
from tests.receiving.warehouse import APPLE, NEXT_YEAR, carton_label, on_hand, shipped_order, storage
from tests.seed import MILK_GTIN, PIN


async def test_a_receiver_takes_a_return_at_the_desk_on_the_screen(client, conn, served, tmp_path):
    await storage(conn, bins=2)  # and a quarantine area
    shop = await make_channel(conn)
    await shipped_order(client, conn, shop)  # W-1: 3 x APPLE, 1 x MILK
    body = {"reference": "RMA-1", "order": "W-1", "lines": [{"line": 1, "quantity": 2}, {"sku": "MILK", "quantity": 1}]}
    lpn = f"RET-{(await client.post('/api/v1/returns', json=body, headers=key(shop))).json()['id']}"
    steps = [
        ["scan", "BADGE-RECEIVER"], ["key", PIN], ["ok"], ["tap", "go", "returns"],
        ["scan", "]C0DOCK"], ["scan", "]C0RMA-1"], ["scan", APPLE],
        ["tap", "tap", "condition"], ["tap", "tap", "condition"], ["tap", "tap", "note"], ["tap", "tap", "note"], ["scan", APPLE],
        ["tap", "tap", "condition"], ["tap", "tap", "condition"], ["tap", "tap", "condition"],
        ["scan", carton_label(MILK_GTIN, 1, "L1", NEXT_YEAR)],
        ["key", "2"], ["shot", "returns"],
        ["tap", "tap", "close_return"], ["tap", "tap", "close_return"], ["shot", "returns-closed"],
        ["tap", "back"], ["shot", "returns-back"],
    ]
    app = subprocess.Popen(
        [sys.executable, str(ROOT / "tests/handheld/drive_app.py"), served, str(tmp_path / "data"), str(tmp_path / "shots"),
         json.dumps(steps)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        env=os.environ | {"KIVY_HOME": str(tmp_path / "kivy"), "SDL_VIDEODRIVER": "offscreen", "SDL_AUDIODRIVER": "dummy"},
    )
    seen = seen_by(app)

    desk = seen["returns"]
    assert (desk["screen"], desk["returned"], desk["lpn"]) == ("returns", "RMA-1  order W-1  webshop", f"back to stock on {lpn}")
    assert desk["lines"] == "APPLE  2 of 2\nMILK  1 of 1" and desk["message"] == "1 x MILK scrapped"
    assert desk["next_scan"] == "NEW: back to stock"
    closed = seen["returns-closed"]
    assert (closed["flash"], closed["returned"]) == ("done", "RMA-1 closed")
    assert closed["message"] == f"Return RMA-1 closed, 3 units: webshop is told what came back; put {lpn} away"
    assert closed["lines"] == (f"APPLE  1 new: on {lpn} at DOCK\nAPPLE  1 damaged: quarantine at QUARANTINE\n"
                               "MILK lot L1  1 defective: scrapped")
    assert seen["returns-back"]["screen"] == "receive"
    assert (await on_hand(conn, "DOCK", lpn=lpn), await on_hand(conn, "QUARANTINE")) == (1, 1)
    assert await conn.fetchval("select note from return_items where condition = 'damaged'") == "scratched"
    assert (await check_ledger(conn)).consistent
