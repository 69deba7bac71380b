"""A real serial scanner on a pty feeding a flow with no window: each scan is written as a
scanner sends it (the data, then CR) and read back by handheld.scanner.SerialScanner, which hands
it to the flow; scan() waits for the flow's view."""

import os
import time
from collections.abc import Callable

from handheld.scanner import Scan, SerialScanner


class PtyScanner:
    def __init__(self, flow_scan: Callable[[str], object]) -> None:
        self.flow_scan, self.views = flow_scan, []

    def __enter__(self) -> "PtyScanner":
        self.master, self.slave = os.openpty()
        self.scanner = SerialScanner(os.ttyname(self.slave), self._scanned)
        self.scanner.start()
        deadline = time.monotonic() + 5
        while self.scanner.state != "connected":
            assert time.monotonic() < deadline, "the scanner did not connect to its pty"
            time.sleep(0.01)
        return self

    def _scanned(self, scan: Scan) -> None:
        self.views.append(self.flow_scan(scan.raw))

    def scan(self, text: str):
        """The flow's view after the scan of `text`."""
        seen = len(self.views)
        os.write(self.master, text.encode() + b"\r")
        deadline = time.monotonic() + 10
        while len(self.views) == seen:
            assert time.monotonic() < deadline, f"no view for the scan {text!r}"
            time.sleep(0.01)
        return self.views[-1]

    def __exit__(self, *exc) -> None:
        self.scanner.stop()
        os.close(self.master)
        os.close(self.slave)
