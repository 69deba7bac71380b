"""The handheld's set-up, made once: which server, this device's name, the scanner (port, baud,
suffix), the printer, and for a pack station its name, label printer and scale, kept as settings.json in the data directory, so that `wms handheld`
with no arguments starts the app as it was last set up. Arguments given change it, and are kept."""

from pathlib import Path

import msgspec

from handheld.scanner import Suffix


class Settings(msgspec.Struct, kw_only=True):
    server: str = ""
    device: str = ""  # in every scan id: unique per handheld
    scanner: str | None = None  # a serial device or pyserial URL; None: a keyboard-wedge scanner
    baud: int = 9600
    suffix: Suffix = "CR"
    printer: str | None = None  # tcp://HOST:9100, a serial device or pyserial URL; None: no printer
    # A pack station: its name (the app opens on the pack screen), the server's printer its carton
    # labels go to (print jobs: retried, visible), and its serial scale.
    station: str | None = None
    station_printer: str | None = None
    scale: str | None = None


def load(data_dir: Path) -> Settings:
    path = data_dir / "settings.json"
    return msgspec.json.decode(path.read_bytes(), type=Settings) if path.exists() else Settings()


def save(data_dir: Path, settings: Settings) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "settings.json"
    # written aside and renamed: a battery pulled while saving leaves the old set-up, not half of it
    partial = path.with_suffix(".json.partial")
    partial.write_bytes(msgspec.json.format(msgspec.json.encode(settings)))
    partial.replace(path)
