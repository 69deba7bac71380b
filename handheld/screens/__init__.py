"""The screens: handheld.kv draws them, these thin views only hold what a flow's view says."""

from kivy.properties import NumericProperty, StringProperty
from kivy.uix.screenmanager import Screen

from handheld.flows import Feedback
from handheld.flows.counting import CountView
from handheld.flows.login import LoginView
from handheld.flows.lookup import LookupView
from handheld.flows.moving import MoveView
from handheld.flows.packing import PackView
from handheld.flows.picking import PickView
from handheld.flows.putaway import PutawayView
from handheld.flows.receiving import ReceiveView
from handheld.flows.refusals import RefusalView
from handheld.flows.returns import ReturnView


class Said:
    """What every screen has: the last feedback's words and flash."""

    def say(self, feedback: Feedback | None) -> None:
        if feedback:
            self.message, self.flash = feedback.message, feedback.kind


class LoginScreen(Said, Screen):
    message = StringProperty("Scan your badge")
    badge = StringProperty("")
    pin_length = NumericProperty(0)
    flash = StringProperty("info")

    def show(self, view: LoginView) -> None:
        self.badge, self.pin_length = view.badge, view.pin_length
        self.say(view.feedback)


class PickScreen(Said, Screen):
    bin = StringProperty("")
    item = StringProperty("")
    count = StringProperty("")
    message = StringProperty("")
    progress = StringProperty("")
    waiting = NumericProperty(0)
    flash = StringProperty("info")
    keyed = StringProperty("")  # digits on the number pad, not yet OK'd

    def show(self, view: PickView) -> None:
        self.bin = view.bin if view.step in ("go_to_bin", "scan_item") else ""
        self.item = f"{view.sku}  {view.description}" if view.sku else ""
        keyed = f"   next scan x {view.keyed}" if view.keyed else ""
        self.count = f"{view.picked} / {view.wanted}{keyed}" if view.step == "scan_item" else ""
        self.progress, self.waiting = view.progress, view.waiting
        self.say(view.feedback)


class LookupScreen(Said, Screen):
    title = StringProperty("Look up")
    lines = StringProperty("")
    message = StringProperty("Scan a bin or an item")
    flash = StringProperty("info")

    def show(self, view: LookupView) -> None:
        self.title, self.lines = view.title or self.title, "\n".join(view.lines)
        self.say(view.feedback)


class MoveScreen(Said, Screen):
    what = StringProperty("")
    message = StringProperty("Scan the bin to take from")
    flash = StringProperty("info")
    keyed = StringProperty("")

    def show(self, view: MoveView) -> None:
        self.what = "  ".join(p for p in (view.source and f"from {view.source}", view.sku and f"{view.count} x {view.sku}") if p)
        self.say(view.feedback)


class RefusedScreen(Said, Screen):
    what = StringProperty("")
    reason = StringProperty("")
    left = NumericProperty(0)
    message = StringProperty("")
    flash = StringProperty("wrong")

    def show(self, view: RefusalView) -> None:
        self.what, self.reason, self.left = view.what, view.reason, view.left
        self.say(view.feedback)


class PackScreen(Said, Screen):
    station = StringProperty("")
    order = StringProperty("")
    ship_to = StringProperty("")
    lines = StringProperty("")
    carton = StringProperty("")
    suggestion = StringProperty("")
    weight = StringProperty("")
    message = StringProperty("Scan a tote or an order")
    flash = StringProperty("info")
    keyed = StringProperty("")  # a weight in grams, for a station without a scale
    digits = 6

    def show(self, view: PackView) -> None:
        self.order, self.ship_to, self.lines = view.order, view.ship_to, "\n".join(view.lines)
        self.carton, self.suggestion, self.weight = view.carton, view.suggestion, view.weight
        self.say(view.feedback)


class ReceiveScreen(Said, Screen):
    step = StringProperty("scan_dock")
    receipt = StringProperty("")
    dock = StringProperty("")
    lpn = StringProperty("")
    lines = StringProperty("")
    next_scan = StringProperty("")  # what the next scan carries: a lot held, damage, a keyed count
    message = StringProperty("Scan the dock")
    flash = StringProperty("info")
    keyed = StringProperty("")
    digits = 5

    def show(self, view: ReceiveView) -> None:
        self.step, self.receipt, self.dock = view.step, view.receipt, view.dock
        self.lpn = view.lpn or ("new LPN on the next scan" if view.step == "scan_items" else "")
        self.lines = "\n".join(view.lines)
        self.next_scan = "   ".join(p for p in (view.pending, view.damaged and f"DAMAGED: {view.damaged}",
                                                 view.keyed and f"next scan x {view.keyed}") if p)
        self.say(view.feedback)


class PutawayScreen(Said, Screen):
    lpn = StringProperty("")
    what = StringProperty("")
    bin = StringProperty("")
    rule = StringProperty("")
    then = StringProperty("")
    reason = StringProperty("")
    message = StringProperty("Scan a pallet's LPN label")
    flash = StringProperty("info")
    keyed = StringProperty("")

    def show(self, view: PutawayView) -> None:
        self.lpn, self.what, self.bin, self.rule = view.lpn, view.what, view.bin, view.rule
        self.then = ("then: " + ", ".join(view.then)) if view.then else ""
        self.reason = view.reason
        self.say(view.feedback)


class CountScreen(Said, Screen):
    location = StringProperty("")
    what = StringProperty("")
    counted = StringProperty("")
    next_scan = StringProperty("")  # the lot the next items count as, a keyed count
    message = StringProperty("")
    flash = StringProperty("info")
    keyed = StringProperty("")
    digits = 6

    def show(self, view: CountView) -> None:
        self.location, self.what = view.location, view.what
        self.next_scan = "   ".join(p for p in (view.lot and f"lot {view.lot}", view.keyed and f"next scan x {view.keyed}") if p)
        self.counted = "\n".join(view.counted) if view.step == "counting" else ""
        self.say(view.feedback)


class ReturnsScreen(Said, Screen):
    step = StringProperty("scan_desk")
    returned = StringProperty("")
    desk = StringProperty("")
    lpn = StringProperty("")
    lines = StringProperty("")
    next_scan = StringProperty("")  # what the next item is and where it goes, its note, a lot held, a keyed count
    message = StringProperty("Scan the returns desk")
    flash = StringProperty("info")
    keyed = StringProperty("")
    digits = 5

    def show(self, view: ReturnView) -> None:
        self.step, self.returned, self.desk = view.step, view.returned, view.desk
        self.lpn = f"back to stock on {view.lpn}" if view.lpn else ""
        self.lines = "\n".join(view.lines)
        self.next_scan = "   ".join(p for p in (view.condition and f"{view.condition.upper()}: {view.disposition}",
                                                 view.note and f"note: {view.note}", view.pending,
                                                 view.keyed and f"next scan x {view.keyed}") if p)
        self.say(view.feedback)
