"""`wms handheld --server URL [--scanner PORT_OR_URL] [--printer PRINTER]`: the app on a Linux
handheld or a PC; with `--station NAME [--station-printer PRINTER] [--scale PORT]`, a pack station.
Set up once: the settings given are kept in the data directory, and the next `wms handheld` with
no arguments starts with them ("none" clears the scanner or printer)."""

import argparse
import os
import socket
from pathlib import Path

import msgspec

from handheld.settings import Settings, load, save


def configure(argv: list[str] | None = None) -> tuple[Settings, Path]:
    """The settings kept, changed by the arguments given (and kept again), and the data directory."""
    parser = argparse.ArgumentParser(prog="wms handheld", description=__doc__)
    parser.add_argument("--server", help="the WMS server, e.g. http://wms.local:8000")
    parser.add_argument("--scanner", help="a serial device or pyserial URL (none: a keyboard-wedge scanner)")
    parser.add_argument("--baud", type=int, help="the scanner's and a serial printer's baud rate (9600)")
    parser.add_argument("--suffix", choices=["CR", "LF", "CRLF"], help="what ends a scan (CR)")
    parser.add_argument("--printer", help="tcp://HOST:9100, a Bluetooth/serial device or pyserial URL, or none")
    parser.add_argument("--device", help="this handheld's name, in every scan id (the host name)")
    parser.add_argument("--station", help="a pack station's name: the app opens on the pack screen (none: a picker's handheld)")
    parser.add_argument("--station-printer", help="the server's printer (by name) the station's carton labels print on")
    parser.add_argument("--scale", help="the pack station's scale: a serial device or pyserial URL, or none")
    parser.add_argument("--data", type=Path, default=Path.home() / ".wms-handheld", help="set-up, offline queue, session")
    args = parser.parse_args(argv)
    given = {k: v for k, v in vars(args).items() if v is not None and k != "data"}
    given |= {k: None for k in ("scanner", "printer", "station", "station_printer", "scale") if given.get(k) == "none"}
    settings = msgspec.structs.replace(load(args.data), **given)
    if not settings.device:
        settings = msgspec.structs.replace(settings, device=socket.gethostname())
    if not settings.server:
        parser.error("set up once with --server URL (then it is kept)")
    save(args.data, settings)
    return settings, args.data


def main(argv: list[str] | None = None) -> None:
    settings, data_dir = configure(argv)
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    from handheld.app import HandheldApp

    HandheldApp(settings, data_dir).run()


if __name__ == "__main__":
    main()
