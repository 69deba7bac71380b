"""Scan input, with no Kivy inside: every scanner gives the app whole scans, one at a time, in
the order they were made, through the same callback, whether it is a serial scanner (pyserial:
a device, a Bluetooth rfcomm port, or any pyserial URL) or a keyboard-wedge scanner typing into
the app. Flows never know where a scan came from.

On Android, a USB scanner that pyserial cannot open goes through `usbserial4a` (see
deploy/android/README.md); the same SerialScanner reads it through pyserial's URL handlers.
"""

from handheld.scanner.reading import (
    Scan,
    ScannerState,
    ScanSink,
    SerialScanner,
    Suffix,
    split_scans,
)
from handheld.scanner.wedge import KeyboardWedge

__all__ = ["KeyboardWedge", "Scan", "ScanSink", "ScannerState", "SerialScanner", "Suffix", "split_scans"]
