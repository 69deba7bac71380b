"""The screens: handheld.kv draws them, these thin views only hold what a flow's view says."""

from kivy.properties import NumericProperty, StringProperty
from kivy.uix.screenmanager import Screen

from handheld.flows.login import LoginView
from handheld.flows.lookup import LookupView
from handheld.flows.moving import MoveView
from handheld.flows.picking import PickView


class LoginScreen(Screen):
    message = StringProperty("Scan your badge")
    badge = StringProperty("")
    pin_length = NumericProperty(0)
    flash = StringProperty("info")

    def show(self, view: LoginView) -> None:
        self.badge, self.pin_length = view.badge, view.pin_length
        if view.feedback:
            self.message, self.flash = view.feedback.message, view.feedback.kind


class PickScreen(Screen):
    bin = StringProperty("")
    item = StringProperty("")
    count = StringProperty("")
    message = StringProperty("")
    progress = StringProperty("")
    waiting = NumericProperty(0)
    flash = StringProperty("info")

    def show(self, view: PickView) -> None:
        self.bin = view.bin if view.step in ("go_to_bin", "scan_item") else ""
        self.item = f"{view.sku}  {view.description}" if view.sku else ""
        self.count = f"{view.picked} / {view.wanted}" if view.step == "scan_item" else ""
        self.progress, self.waiting = view.progress, view.waiting
        if view.feedback:
            self.message, self.flash = view.feedback.message, view.feedback.kind


class LookupScreen(Screen):
    title = StringProperty("Look up")
    lines = StringProperty("")
    message = StringProperty("Scan a bin or an item")
    flash = StringProperty("info")

    def show(self, view: LookupView) -> None:
        self.title, self.lines = view.title or self.title, "\n".join(view.lines)
        if view.feedback:
            self.message, self.flash = view.feedback.message, view.feedback.kind


class MoveScreen(Screen):
    what = StringProperty("")
    message = StringProperty("Scan the bin to take from")
    flash = StringProperty("info")

    def show(self, view: MoveView) -> None:
        self.what = "  ".join(p for p in (view.source and f"from {view.source}", view.sku and f"{view.count} x {view.sku}") if p)
        if view.feedback:
            self.message, self.flash = view.feedback.message, view.feedback.kind
