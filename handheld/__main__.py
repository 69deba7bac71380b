"""`wms handheld --server URL --scanner PORT_OR_URL`: the app on a Linux handheld or a PC."""

import argparse
import os
import socket
from pathlib import Path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="wms handheld", description=__doc__)
    parser.add_argument("--server", required=True, help="the WMS server, e.g. http://wms.local:8000")
    parser.add_argument("--scanner", help="a serial device or pyserial URL (none: a keyboard-wedge scanner)")
    parser.add_argument("--baud", type=int, default=9600)
    parser.add_argument("--suffix", choices=["CR", "LF", "CRLF"], default="CR")
    parser.add_argument("--device", default=socket.gethostname(), help="this handheld's name, in every scan id")
    parser.add_argument("--data", type=Path, default=Path.home() / ".wms-handheld", help="the offline queue and session")
    args = parser.parse_args(argv)
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    from handheld.app import HandheldApp

    HandheldApp(args.server, args.data, args.device, args.scanner, args.baud, args.suffix).run()


if __name__ == "__main__":
    main()
