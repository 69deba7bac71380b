"""What the picker does, step by step, as plain Python with no window: each flow takes scans and
taps and returns what the screen shows next (a view) and the feedback (good, wrong, done) with
the reason in words a picker understands. Screens only draw views."""

from typing import Literal

import msgspec


class Feedback(msgspec.Struct, frozen=True):
    """What a scan or a tap got: the screen's flash and sound, and the reason in words."""

    kind: Literal["good", "wrong", "done", "info"]
    message: str
