"""What the picker does, step by step, as plain Python with no window: each flow takes scans and
taps and returns what the screen shows next (a view) and the feedback (good, wrong, done) with
the reason in words a picker understands. Screens only draw views. Here: what every flow shares,
the feedback, and a label printed for a bin or an item (Look up and Move print them)."""

from typing import Literal

import httpx
import msgspec

from handheld.client import ApiClient, Refused
from handheld.printing import LabelPrinter, NotPrinted
from schema.locations import Location


class Feedback(msgspec.Struct, frozen=True):
    """What a scan or a tap got: the screen's flash and sound, and the reason in words."""

    kind: Literal["good", "wrong", "done", "info"]
    message: str


def print_label(printer: LabelPrinter, api: ApiClient, found: Location | str) -> Feedback:
    """A bin's label, or an item's by its SKU's code (fetched, so it needs the network)."""
    try:
        return Feedback("good", printer.print_bin(found) if isinstance(found, Location) else printer.print_item(api.sku(found)))
    except NotPrinted as why:
        return Feedback("wrong", why.reason)
    except httpx.TransportError:
        return Feedback("wrong", "No network: print where the Wi-Fi works")
    except Refused as refused:
        return Feedback("wrong", refused.reason)
