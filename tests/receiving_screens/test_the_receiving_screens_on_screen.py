"""The receiver's screens as a receiver sees them: the real app offscreen at a handheld's size,
against a real `wms serve`, fed through a real pty scanner, with a belt printer (the emulator). A
receiver's badge opens the receive screen: the dock, the receipt, a carton label, cases keyed as
a count, an over-receipt refused in red with the server's reason (the count keyed stays for the
next scan), a damaged carton, Close receipt (the pallet on the dock is closed first and its label
prints) and the report; Put away the pallet where the screen says; Count a bin blind. Screenshots go to docs/screenshots/ with UPDATE_SCREENSHOTS=1."""

import json
import os
import subprocess
import sys

from labels.emulator import EmulatorThread
from server.inventory.stock import check_ledger
from tests.handheld.test_the_app_on_screen import ROOT, seen_by
from tests.picking_floor import stock
from tests.receiving.warehouse import (
    APPLE,
    APPLE_CASE,
    NEXT_YEAR,
    SUPERVISOR,
    announce,
    carton_label,
    on_hand,
    storage,
)
from tests.seed import MILK_GTIN, PIN


async def test_a_receiver_receives_puts_away_and_counts_on_the_screen(client, conn, served, tmp_path):
    await storage(conn)
    await announce(client)  # PO-1 from Fruit Co: 24 x APPLE, 10 x MILK
    await stock(client, "BIN-1", 10)
    assert (await client.post("/api/v1/counts", json={"locations": ["BIN-1"]}, headers=SUPERVISOR)).status_code == 201
    lpn = await conn.fetchval("select 'LPN' || lpad((case when is_called then last_value + 1 else last_value end)::text, 10, '0')"
                              " from lpn_serials")  # the one the first scan at the dock makes
    steps = [
        ["scan", "BADGE-RECEIVER"], ["key", PIN], ["ok"],
        ["scan", "]C0DOCK"], ["scan", "]C0PO-1"], ["scan", carton_label(MILK_GTIN, 6, "L7", NEXT_YEAR)],
        ["key", "2"], ["ok"], ["scan", APPLE_CASE], ["key", "3"], ["shot", "receive"],
        ["ok"], ["scan", APPLE], ["shot", "receive-over"],
        ["tap", "tap", "damaged"], ["scan", carton_label(MILK_GTIN, 1, "L7", NEXT_YEAR)],  # x 3: the count keyed is kept after a refusal
        ["tap", "tap", "close_receipt"], ["tap", "tap", "close_receipt"], ["shot", "receive-closed"],
        ["tap", "go", "putaway"], ["scan", f"]C0{lpn}"], ["shot", "putaway"], ["scan", "]C0S-1"], ["scan", "]C0S-2"],
        ["tap", "go", "count"], ["scan", "]C0BIN-1"], ["key", "9"], ["ok"], ["scan", APPLE], ["scan", APPLE], ["shot", "count"],
        ["tap", "tap", "done"], ["shot", "count-done"],
    ]
    emulator = EmulatorThread()
    with emulator as belt:
        app = subprocess.Popen(
            [sys.executable, str(ROOT / "tests/handheld/drive_app.py"), served, str(tmp_path / "data"), str(tmp_path / "shots"),
             json.dumps(steps), f"tcp://127.0.0.1:{belt.port}"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
            env=os.environ | {"KIVY_HOME": str(tmp_path / "kivy"), "SDL_VIDEODRIVER": "offscreen", "SDL_AUDIODRIVER": "dummy"},
        )
        seen = seen_by(app)
        labels = emulator.wait_for_labels(1)

    receive = seen["receive"]
    assert (receive["screen"], receive["receipt"], receive["lpn"]) == ("receive", "PO-1  Fruit Co", lpn)
    assert receive["lines"] == "APPLE  24 of 24\nMILK  6 of 10" and receive["message"] == f"24 x APPLE received onto {lpn}"
    over = seen["receive-over"]
    assert over["flash"] == "wrong" and over["message"].startswith("over-receipt: 24 x APPLE expected, 24 received, this scan is 3")
    closed = seen["receive-closed"]
    assert (closed["flash"], closed["lines"]) == ("done", "APPLE  24 of 24  exact\nMILK  9 of 10  short")
    assert closed["message"] == f"{lpn} closed, 30 units: label printed. Receipt PO-1 closed, 1 line differs: scan the next receipt"
    assert len(labels) == 1 and f"^FD{lpn}^FS".encode() in labels[0]
    putaway = seen["putaway"]
    assert (putaway["screen"], putaway["bin"], putaway["what"]) == ("putaway", "S-1", "24 x APPLE")
    count = seen["count"]
    assert (count["screen"], count["location"], count["counted"]) == ("count", "BIN-1", "APPLE  10")
    assert seen["count-done"]["message"] == "BIN-1 counted: thank you. Nothing more to count"
    assert (await on_hand(conn, "S-1"), await on_hand(conn, "S-2", "MILK"), await on_hand(conn, "QUARANTINE", "MILK")) == (24, 6, 3)
    assert await conn.fetchval("select status from count_tasks") == "done"
    assert (await check_ledger(conn)).consistent
