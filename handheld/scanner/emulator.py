"""A scanner with no hardware: `wms scanner-emulator` opens a pty (the scanner's device file),
prints its path, and sends each line typed on stdin, or each line of a file, as a scanner would:
AIM identifiers as written (`]C1...`), `<GS>` for the GS separator, the suffix after each scan.

    wms scanner-emulator [--suffix CR|LF|CRLF] [--file scans.txt] [--delay 0.2]

Point the app at the path it prints (`wms handheld --scanner /dev/pts/N`)."""

import argparse
import os
import sys
import time
import tty

ENDINGS = {"CR": b"\r", "LF": b"\n", "CRLF": b"\r\n"}


def encode(line: str, suffix: str) -> bytes:
    return line.rstrip("\r\n").replace("<GS>", "\x1d").encode() + ENDINGS[suffix]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="wms scanner-emulator", description=__doc__.splitlines()[0])
    parser.add_argument("--suffix", choices=sorted(ENDINGS), default="CR")
    parser.add_argument("--file", help="send each line of this file as a scan (default: what is typed on stdin)")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds between the scans of a file")
    args = parser.parse_args(argv)
    master, slave = os.openpty()
    tty.setraw(slave)
    print(f"scanner on {os.ttyname(slave)} (suffix {args.suffix}); a line is a scan, <GS> the GS separator", flush=True)
    source = open(args.file, encoding="utf-8") if args.file else sys.stdin  # noqa: SIM115 - closed below
    try:
        for line in source:
            if line.strip():
                os.write(master, encode(line, args.suffix))
                time.sleep(args.delay)
    except KeyboardInterrupt:
        pass
    finally:
        if args.file:
            source.close()
        time.sleep(0.5)  # let the reader take the last scan before the device goes
        os.close(master)
        os.close(slave)
    return 0


if __name__ == "__main__":
    sys.exit(main())
