"""Label figures: ZPL render and PNG preview time per shipping label (median), and labels per
second through the TCP transport to the printer emulator (loopback, bounded count).

    .venv/bin/python bench/labels_bench.py [--labels 500]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from labels import templates as t  # noqa: E402
from labels.emulator import EmulatorThread  # noqa: E402
from labels.preview import to_png  # noqa: E402
from labels.transports import Tcp9100, send  # noqa: E402
from labels.zpl import to_zpl  # noqa: E402


def shipping(i: int, dpi: int = 203) -> t.Label:
    a = t.Address(name="Zoë Ångström-Müller", lines=("Rue de la Paix 12",), postal_code="75002",
                  city="Paris", country="FR")
    return t.shipping_label(t.ShippingData(
        ship_from=a, ship_to=a, carrier="DHL", service="Express", tracking_number=f"1Z999AA1{i:010d}",
        order_ref=f"SO-{i:06d}", weight_grams=1200 + i, carton_no=1, carton_count=1), dpi=dpi)


def median_ms(fn, runs: int) -> float:
    times = []
    for i in range(runs):
        t0 = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def through_tcp(count: int, check_status: bool, render_png: bool) -> float:
    zpls = [to_zpl(shipping(i)) for i in range(count)]
    with tempfile.TemporaryDirectory() as out:
        thread = EmulatorThread(out_dir=out if render_png else None, render_png=render_png)
        with thread as emu, Tcp9100("127.0.0.1", emu.port) as printer:
            t0 = time.perf_counter()
            for z in zpls:
                send(printer, z, check_status=check_status)
            thread.wait_for_labels(count, timeout=120)
            elapsed = time.perf_counter() - t0
            assert len(emu.received) == count, "emulator lost labels"
    return count / elapsed


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--labels", type=int, default=500, help="labels sent through TCP")
    ap.add_argument("--runs", type=int, default=200, help="renders timed for the medians")
    a = ap.parse_args()
    rows = [
        ("ZPL render, shipping label 4x6 203 dpi (template + to_zpl)",
         f"{median_ms(lambda i: to_zpl(shipping(i)), a.runs):.2f} ms"),
        ("ZPL only (to_zpl of a built layout)",
         f"{median_ms(lambda i, lab=shipping(1): to_zpl(lab), a.runs):.2f} ms"),
        ("PNG preview, shipping label 4x6 203 dpi (to_png)",
         f"{median_ms(lambda i, lab=shipping(1): to_png(lab), max(20, a.runs // 4)):.2f} ms"),
        ("PNG preview, shipping label 4x6 300 dpi (to_png)",
         f"{median_ms(lambda i, lab=shipping(1, 300): to_png(lab), max(20, a.runs // 4)):.2f} ms"),
        (f"TCP to emulator, {a.labels} labels, ~HS before each",
         f"{through_tcp(a.labels, True, False):.0f} labels/s"),
        (f"TCP to emulator, {a.labels} labels, no status check",
         f"{through_tcp(a.labels, False, False):.0f} labels/s"),
        (f"TCP to emulator, {min(a.labels, 100)} labels, ~HS, emulator saves ZPL+PNG",
         f"{through_tcp(min(a.labels, 100), True, True):.0f} labels/s"),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'figure':<{width}}  value")
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
