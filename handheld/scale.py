"""A shipping scale on a serial port. Most bench scales stream a line per reading, such as
`ST,GS,+  1.250kg` (stable, gross, weight with its unit) or `US,GS,+  1.2kg` while the carton
still moves; the line's shape is a regular expression with the named groups `state`, `weight` and
`unit`, so another scale's format is a setting, not code. The port is read by the scanner's own
SerialScanner: the same thread, reconnection and line splitting."""

import re
import threading
from collections.abc import Callable

import msgspec

from handheld.scanner import Scan, ScannerState, SerialScanner, Suffix

# state: ST stable, US unstable, OL overload; GS gross, NT net
DEFAULT_FORMAT = r"^(?P<state>ST|US|OL),(?:GS|NT),\s*(?P<weight>[+-]?\s*[0-9]+(?:\.[0-9]+)?)\s*(?P<unit>kg|g|lb|oz)\s*$"
GRAMS_PER = {"kg": 1000.0, "g": 1.0, "lb": 453.59237, "oz": 28.349523125}


class Reading(msgspec.Struct, frozen=True):
    grams: int
    stable: bool


def parse_reading(line: str, pattern: re.Pattern[str]) -> Reading | None:
    """The weight a line says, in grams; None for a line that is not a reading (or an overload)."""
    found = pattern.match(line.strip())
    if found is None or found.group("state") == "OL":
        return None
    weight = float(found.group("weight").replace(" ", ""))
    return Reading(grams=round(weight * GRAMS_PER[found.group("unit")]), stable=found.group("state") == "ST")


class Scale:
    """The latest reading of a serial scale; `stable()` is the weight to close a carton with."""

    def __init__(self, url: str, baudrate: int = 9600, suffix: Suffix = "CRLF", line_format: str = DEFAULT_FORMAT,
                 on_reading: Callable[[Reading], None] = lambda reading: None,
                 on_state: Callable[[ScannerState], None] = lambda state: None) -> None:
        self.pattern = re.compile(line_format)
        self.on_reading = on_reading
        self.latest: Reading | None = None
        self._lock = threading.Lock()
        self.port = SerialScanner(url, self._line, baudrate, suffix, on_state)

    def start(self) -> None:
        self.port.start()

    def stop(self) -> None:
        self.port.stop()

    def stable(self) -> int | None:
        """Grams of the last reading if the scale said it was stable, else None."""
        with self._lock:
            return self.latest.grams if self.latest is not None and self.latest.stable else None

    def _line(self, line: Scan) -> None:
        reading = parse_reading(line.raw, self.pattern)
        if reading is None:
            return
        with self._lock:
            self.latest = reading
        self.on_reading(reading)
