"""The handheld's paired printer: a bin, an item or a received pallet's LPN label, drawn by
labels.templates, sent as ZPL through labels.transports. `--printer` names it: `tcp://HOST:9100`
for a network Zebra, a serial device or pyserial URL for a belt printer (`/dev/rfcomm0` paired
over Bluetooth, `/dev/ttyUSB0`, `socket://HOST:PORT`), or nothing. Printing is not a stock
change, so it does not go through the offline queue: it works now or says in words why not
(out of paper, head open, not reachable), and never takes the app down."""

from collections.abc import Callable
from urllib.parse import urlsplit

from labels import Label, LabelError, PrinterFault, to_zpl
from labels.status import SILENT
from labels.templates import ItemData, LocationData, LpnData, item_label, location_label, lpn_label
from labels.transports import SerialPort, Tcp9100, Transport, send
from schema.catalog import Sku
from schema.locations import Location
from schema.receiving import Lpn

# labels.status's words for a fault -> the words a picker reads after "Printer "
SAID = {
    "paper out": "out of paper",
    "ribbon out": "out of ribbon",
    "head open": "head open: close it",
    "paused": "paused: press its pause key",
    "buffer full": "busy: wait and try again",
    SILENT: "not answering: check its paper and that its head is closed",
}


def bin_label(location: Location) -> Label:
    """The bin's barcode is what a scan must match, so it is what the label carries."""
    other = location.code if location.barcode != location.code else ""
    return location_label(LocationData(code=location.barcode, description=" ".join(p for p in (location.warehouse, other) if p)))


def sku_label(sku: Sku) -> Label:
    """The item's own (each) GTIN, the one a picker scans for one unit."""
    gtin = next((b.barcode for b in sku.barcodes if b.kind == "gtin" and b.pack == "each"), None)
    if gtin is None:
        raise LabelError("gtin", f"{sku.code} has no GTIN of its own to print")
    return item_label(ItemData(sku=sku.code, description=sku.description, gtin=gtin))


def pallet_label(lpn: Lpn) -> Label:
    """The LPN's barcode (what putaway scans), with its SKU (MIXED for several) and units."""
    skus = {c.sku for c in lpn.content}
    return lpn_label(LpnData(lpn=lpn.lpn, sku=skus.pop() if len(skus) == 1 else "MIXED" if skus else "",
                             quantity=sum(c.quantity for c in lpn.content) or None))


def transport(spec: str, baudrate: int = 9600) -> Transport:
    if spec.startswith("tcp://"):
        where = urlsplit(spec)
        return Tcp9100(where.hostname or "", where.port or 9100)
    return SerialPort(spec, baudrate)


class NotPrinted(Exception):
    """Why no label came out, in a picker's words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class LabelPrinter:
    """The printer named by `spec` (None: the handheld has none). Each label opens the port,
    asks the printer's status, sends, and closes: a Bluetooth link is not held all shift."""

    def __init__(self, spec: str | None, baudrate: int = 9600) -> None:
        self.spec, self.baudrate = spec, baudrate

    def print_bin(self, location: Location) -> str:
        return self._print(lambda: bin_label(location), f"bin {location.code}")

    def print_item(self, sku: Sku) -> str:
        return self._print(lambda: sku_label(sku), sku.code)

    def print_lpn(self, lpn: Lpn) -> str:
        return self._print(lambda: pallet_label(lpn), lpn.lpn)

    def _print(self, draw: Callable[[], Label], what: str) -> str:
        """What was printed; NotPrinted says why nothing was."""
        if not self.spec:
            raise NotPrinted("No printer set up: start the app with --printer")
        try:
            zpl = to_zpl(draw())
            printer = transport(self.spec, self.baudrate)
            try:
                send(printer, zpl)
            finally:
                printer.close()
        except PrinterFault as fault:
            raise NotPrinted("Printer " + ", ".join(SAID.get(f, f) for f in fault.faults)) from fault
        except LabelError as error:
            raise NotPrinted(f"No label printed: {error.reason}") from error
        except OSError as error:  # TransportError, and pyserial's own errors: the port or host cannot be reached
            raise NotPrinted("Printer not reachable: is it on, and paired?") from error
        return f"Label for {what} printed"
