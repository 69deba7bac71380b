"""The screens: handheld.kv draws them, these thin views only hold what a flow's view says."""

from kivy.properties import NumericProperty, StringProperty
from kivy.uix.screenmanager import Screen

from handheld.flows import Feedback
from handheld.flows.login import LoginView
from handheld.flows.lookup import LookupView
from handheld.flows.moving import MoveView
from handheld.flows.packing import PackView
from handheld.flows.picking import PickView
from handheld.flows.refusals import RefusalView


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

    def show(self, view: PackView) -> None:
        self.order, self.ship_to, self.lines = view.order, view.ship_to, "\n".join(view.lines)
        self.carton, self.suggestion, self.weight = view.carton, view.suggestion, view.weight
        self.say(view.feedback)
