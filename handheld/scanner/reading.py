"""A serial scanner read off the UI thread: bytes split into scans by the scanner's suffix, a
burst of scans never merged or lost, an unplugged scanner reported as gone and opened again by
itself when it comes back."""

import threading
import time
from collections.abc import Callable
from typing import Literal

import msgspec
import serial

Suffix = Literal["CR", "LF", "CRLF"]
ScannerState = Literal["connected", "gone", "stopped"]
_ENDINGS = {"CR": b"\r", "LF": b"\n", "CRLF": b"\r\n"}


class Scan(msgspec.Struct, frozen=True):
    """One scan as the scanner sent it (symbology identifier and GS separators kept), and when."""

    raw: str
    at: float  # time.monotonic() when its last byte arrived


# Where scans go: called on the reader's thread, so a Kivy app hands them to its UI thread
# (Clock.schedule_once); flows and tests take them as they come.
ScanSink = Callable[[Scan], None]


def split_scans(buffer: bytes, suffix: Suffix) -> tuple[list[str], bytes]:
    """The complete scans in `buffer` and what is left of an unfinished one. A scanner set to CR
    that sends CRLF (or the reverse) still gives clean scans: stray CR / LF around a scan are
    dropped, empty lines are not scans."""
    ending = _ENDINGS[suffix]
    *complete, rest = buffer.split(ending)
    scans = [line.strip(b"\r\n").decode("utf-8", "replace") for line in complete]
    return [scan for scan in scans if scan], rest


class SerialScanner:
    """Reads scans from `url` (a device path or any pyserial URL: /dev/ttyACM0, /dev/rfcomm0,
    loop://, socket://host:port, rfc2217://...) on a thread of its own, and gives each to `sink`.

    `on_state` hears "connected", "gone" (the port failed or vanished: it is opened again every
    `retry_seconds`) and "stopped"."""

    def __init__(
        self,
        url: str,
        sink: ScanSink,
        baudrate: int = 9600,
        suffix: Suffix = "CR",
        on_state: Callable[[ScannerState], None] = lambda state: None,
        retry_seconds: float = 1.0,
    ) -> None:
        self.url, self.baudrate, self.suffix = url, baudrate, suffix
        self.sink, self.on_state, self.retry_seconds = sink, on_state, retry_seconds
        self.state: ScannerState = "stopped"
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._port: serial.SerialBase | None = None

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"scanner {self.url}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._port is not None:
            try:
                self._port.cancel_read()
            except (AttributeError, OSError, serial.SerialException):
                pass
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._set("stopped")

    def _set(self, state: ScannerState) -> None:
        if state != self.state:
            self.state = state
            self.on_state(state)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._port = serial.serial_for_url(self.url, baudrate=self.baudrate, timeout=0.2)
            except (OSError, serial.SerialException, ValueError):
                self._set("gone")
                self._stop.wait(self.retry_seconds)
                continue
            self._set("connected")
            try:
                self._read(self._port)
            except (OSError, serial.SerialException):
                self._set("gone")
            finally:
                try:
                    self._port.close()
                except (OSError, serial.SerialException):
                    pass
                self._port = None

    def _read(self, port: serial.SerialBase) -> None:
        buffer = b""
        while not self._stop.is_set():
            chunk = port.read(port.in_waiting or 1)
            if not chunk:
                if isinstance(port, serial.Serial) and not _still_there(port):
                    raise serial.SerialException(f"{self.url} vanished")
                continue
            scans, buffer = split_scans(buffer + chunk, self.suffix)
            now = time.monotonic()
            for raw in scans:
                self.sink(Scan(raw=raw, at=now))


def _still_there(port: serial.Serial) -> bool:
    """A USB or Bluetooth serial device that was unplugged reads empty forever on some systems:
    ask the port for its modem lines, which fails once the device is gone."""
    try:
        port.in_waiting  # noqa: B018 - raises when the device went away
    except (OSError, serial.SerialException):
        return False
    return True
