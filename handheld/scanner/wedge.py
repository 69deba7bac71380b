"""A keyboard-wedge scanner types its scans into the app and ends each with Enter: the same
scans, to the same sink, as a serial scanner. The app forwards its key events here (Kivy's
Window.on_textinput and on_key_down for Enter); a person typing on a keypad is a scanner too."""

import time

from handheld.scanner.reading import Scan, ScanSink

# A key event's text for the GS separator: scanners send it as Ctrl+] (0x1D).
GS = "\x1d"


class KeyboardWedge:
    def __init__(self, sink: ScanSink) -> None:
        self.sink = sink
        self._typed: list[str] = []

    def text(self, characters: str) -> None:
        """Characters the scanner typed (a GS separator among them)."""
        self._typed.append(characters)

    def enter(self) -> bool:
        """The scanner's Enter: what was typed since the last one is a scan (nothing: no scan, and
        False, so the app takes it as the Enter key a person pressed)."""
        raw, self._typed = "".join(self._typed).strip("\r\n"), []
        if raw:
            self.sink(Scan(raw=raw, at=time.monotonic()))
        return bool(raw)
