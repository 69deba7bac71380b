"""What the picker does, step by step, as plain Python with no window: each flow takes scans and
taps and returns what the screen shows next (a view) and the feedback (good, wrong, done) with
the reason in words a picker understands. Screens only draw views. Here: what every flow shares,
the feedback, an action sent at once for its answer (the pack station's and the dock's scans),
and a label printed for a bin or an item (Look up and Move print them)."""

from typing import Literal, TypeVar

import httpx
import msgspec

from handheld.client import ApiClient, Refused, reason_of
from handheld.offline import OfflineQueue, drain
from handheld.printing import LabelPrinter, NotPrinted
from schema.locations import Location


class Feedback(msgspec.Struct, frozen=True):
    """What a scan or a tap got: the screen's flash and sound, and the reason in words."""

    kind: Literal["good", "wrong", "done", "info"]
    message: str


T = TypeVar("T")
KEPT = Feedback("wrong", "No network: the scan is kept and sent when the server answers")


def sent_now(queue: OfflineQueue, http: httpx.Client, scan_id: str, answer: type[T]) -> T | None:
    """The action just queued as `scan_id`, sent at once, for a screen that needs the server's
    answer to go on: the answer; None when the server cannot be reached (the action stays queued
    and goes when it can: say KEPT). A refusal raises Refused, acknowledged here since the screen
    says it now rather than on the refusal screen later."""
    drain(queue, http)
    action = queue.action(scan_id)
    if action.state == "waiting":
        return None
    if action.state == "refused":
        queue.acknowledge(action.seq)
        raise Refused(action.status or 0, reason_of(action.status or 0, action.answer or b""))
    return msgspec.json.decode(action.answer, type=answer)


def keyed_for_next_scan(count: int) -> tuple[int, Feedback]:
    """A count keyed on the number pad for the next scan of an item (at the dock, in a count):
    the count taken (0: none) and what to say."""
    if not 1 <= count <= 100_000:
        return 0, Feedback("wrong", "Key 1 to 100000")
    return count, Feedback("info", f"{count} keyed: scan the item once")


def following(choices: tuple[T, ...], current: T) -> T:
    """The next of a button's choices (a damage or override reason), round to the first."""
    return choices[(choices.index(current) + 1) % len(choices)]


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
