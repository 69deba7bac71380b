"""The Kivy app: screens that draw what the flows say, scans from the scanner handed to the UI
thread, the offline queue drained in the background, labels printed off the UI thread, and a
refused replay held on the screen until the picker acknowledges it. Who logs in decides where
the app opens: a pack station packs, a receiver starts at the dock (and reaches Put away, Count
and the returns desk from there), anyone else picks. No rule lives here."""

import threading
import time
from pathlib import Path

from kivy.app import App
from kivy.clock import Clock
from kivy.core.audio import SoundLoader
from kivy.core.window import Window
from kivy.lang import Builder
from kivy.uix.screenmanager import NoTransition, ScreenManager

from handheld.client import ApiClient
from handheld.flows import Feedback
from handheld.flows.counting import CountFlow
from handheld.flows.login import LoginFlow
from handheld.flows.lookup import LookupFlow
from handheld.flows.moving import MoveFlow
from handheld.flows.packing import PackFlow
from handheld.flows.picking import PickFlow
from handheld.flows.putaway import PutawayFlow
from handheld.flows.receiving import ReceiveFlow
from handheld.flows.refusals import RefusalFlow, RefusalView
from handheld.flows.returns import ReturnsFlow
from handheld.offline import OfflineQueue, drain
from handheld.printing import LabelPrinter
from handheld.scale import Scale
from handheld.scanner import KeyboardWedge, Scan, SerialScanner
from handheld.screens import (
    CountScreen,
    LoginScreen,
    LookupScreen,
    MoveScreen,
    PackScreen,
    PickScreen,
    PutawayScreen,
    ReceiveScreen,
    RefusedScreen,
    ReturnsScreen,
)
from handheld.settings import Settings
from handheld.sounds import sound_files
from handheld.vibration import vibrate

KEY_F1, KEY_F2 = 282, 283  # Short, Skip
KEYED = ("pick", "move", "pack", "receive", "putaway", "count", "returns")  # the screens with a number pad for counts
WORKING = ("pick", "pack", "receive", "putaway", "count", "returns")  # the screens a handheld left alone logs out of

Builder.load_file(str(Path(__file__).with_name("screens") / "handheld.kv"))


class HandheldApp(App):
    title = "WMS handheld"

    def __init__(self, settings: Settings, data_dir: Path, idle_logout_seconds: float = 1800, **kwargs) -> None:
        super().__init__(**kwargs)
        data_dir.mkdir(parents=True, exist_ok=True)
        self.api = ApiClient(settings.server, device=settings.device)
        self.queue = OfflineQueue(data_dir / "queue.sqlite")
        printer = LabelPrinter(settings.printer, settings.baud)
        self.login = LoginFlow(self.api, data_dir)
        self.picking = PickFlow(self.api, self.queue, settings.device)
        self.looking = LookupFlow(self.api, printer)
        self.moving = MoveFlow(self.api, self.queue, settings.device, printer)
        self.refusals = RefusalFlow(self.queue)
        self.station = settings.station
        self.scale = Scale(settings.scale, on_reading=self._weighed) if settings.scale else None
        self.packing = PackFlow(self.api, self.queue, settings.device, settings.station or "", settings.station_printer, self.scale)
        self.receiving = ReceiveFlow(self.api, self.queue, settings.device, printer, data_dir / "receiving.json")
        self.putting = PutawayFlow(self.api, self.queue, settings.device)
        self.counting = CountFlow(self.api, self.queue, settings.device)
        self.returning = ReturnsFlow(self.api, self.queue, settings.device)
        self.flows = {"login": self.login, "pick": self.picking, "lookup": self.looking, "move": self.moving, "refused": self.refusals,
                      "pack": self.packing, "receive": self.receiving, "putaway": self.putting, "count": self.counting,
                      "returns": self.returning}
        self.refused: RefusalView | None = None
        self._before_refusal = "login"  # the screen a refusal took over, given back once it is read
        self.scanner = (SerialScanner(settings.scanner, self._from_scanner, settings.baud, settings.suffix)
                        if settings.scanner else None)
        self.wedge = KeyboardWedge(self._from_scanner)
        self.sounds = {name: SoundLoader.load(str(path)) for name, path in sound_files(data_dir / "sounds").items()}
        self._stopping = threading.Event()
        self._last_action = time.monotonic()
        self.idle_logout_seconds = idle_logout_seconds

    def build(self):
        self.screens = ScreenManager(transition=NoTransition())
        self.screens.add_widget(LoginScreen(name="login"))
        self.screens.add_widget(PickScreen(name="pick"))
        self.screens.add_widget(LookupScreen(name="lookup"))
        self.screens.add_widget(MoveScreen(name="move"))
        self.screens.add_widget(RefusedScreen(name="refused"))
        self.screens.add_widget(PackScreen(name="pack", station=self.station or ""))
        self.screens.add_widget(ReceiveScreen(name="receive"))
        self.screens.add_widget(PutawayScreen(name="putaway"))
        self.screens.add_widget(CountScreen(name="count"))
        self.screens.add_widget(ReturnsScreen(name="returns"))
        Window.bind(on_textinput=lambda _, text: self.wedge.text(text), on_key_down=self._key)
        return self.screens

    def on_start(self) -> None:
        view = self.login.resume()
        if view.step == "logged_in":
            self._to_work()
        else:
            self.screens.get_screen("login").show(view)
        self._show_refusal()  # refused before the app was stopped, and not yet acknowledged
        if self.scanner:
            self.scanner.start()
        if self.scale:
            self.scale.start()
        threading.Thread(target=self._send, name="sender", daemon=True).start()
        Clock.schedule_interval(self._idle, 10)

    def on_stop(self) -> None:
        self._stopping.set()
        if self.scanner:
            self.scanner.stop()
        if self.scale:
            self.scale.stop()

    # -- input ---------------------------------------------------------------------------------

    def _from_scanner(self, scan: Scan) -> None:
        Clock.schedule_once(lambda _: self.scanned(scan.raw))  # from the reader's thread to the UI's

    def _key(self, window, key, scancode, codepoint, modifiers) -> bool:
        """Enter ends a wedge scanner's scan, or is the OK key when nothing was typed; the F-keys do
        what the buttons do, for gloves."""
        self._last_action = time.monotonic()
        if key == 13:
            if not self.wedge.enter():
                self.enter()
            return True
        if self.screens.current == "pick" and key in (KEY_F1, KEY_F2):
            (self.short if key == KEY_F1 else self.skip)()
            return True
        return False

    def _idle(self, _) -> None:
        """Log out a handheld left alone, so the next picker does not pick as this one."""
        if self.screens.current in WORKING and time.monotonic() - self._last_action > self.idle_logout_seconds:
            self.screens.current = "login"
            self.screens.get_screen("login").show(self.login.logout())

    def scanned(self, raw: str) -> None:
        self._last_action = time.monotonic()
        view = self.flows[self.screens.current].scan(raw)
        if view is not None:
            self.screens.current_screen.show(view)
            self._signal(view.feedback)

    # -- taps: the number pads (PIN, counts), the buttons ------------------------------------------

    def key(self, digit: str) -> None:
        if self.screens.current == "login":
            self.screens.get_screen("login").show(self.login.key(digit))
        elif self.screens.current in KEYED:
            screen = self.screens.current_screen
            screen.keyed = (screen.keyed + digit)[:getattr(screen, "digits", 4)]

    def clear(self) -> None:
        if self.screens.current == "login":
            self.login.pin = ""
            self.screens.get_screen("login").show(self.login.key(""))
        elif self.screens.current in KEYED:
            self.screens.current_screen.keyed = ""

    def enter(self) -> None:
        """OK: the PIN, a keyed count, or a refusal read."""
        screen = self.screens.current
        if screen == "login":
            view = self.login.submit()
            self._signal(view.feedback)
            if view.step == "logged_in":
                self._to_work()
            else:
                self.screens.get_screen("login").show(view)
        elif screen == "refused":
            self.acknowledge()
        elif screen in KEYED and self.screens.current_screen.keyed:
            count, self.screens.current_screen.keyed = int(self.screens.current_screen.keyed), ""
            self._show(self.flows[screen].key_count(count))

    def acknowledge(self) -> None:
        """The picker has read the refusal on the screen: the next one, or back to work."""
        if self.refused is not None:
            self.refused = self.refusals.acknowledge(self.refused.seq)
        if self.refused is not None:
            self.screens.get_screen("refused").show(self.refused)
            self._signal(self.refused.feedback)
        else:
            self.screens.current = self._before_refusal

    def print_label(self) -> None:
        """Asking the printer's status can take seconds: done off the UI thread, shown when answered."""
        screen = self.screens.current_screen
        flow = self.looking if screen.name == "lookup" else self.moving
        screen.say(Feedback("info", "Printing..."))

        def printing() -> None:
            view = flow.print_label()
            Clock.schedule_once(lambda _: (screen.show(view), self._signal(view.feedback)))

        threading.Thread(target=printing, name="printing", daemon=True).start()

    def close_carton(self) -> None:
        self._show(self.packing.close())

    def ship(self) -> None:
        self._show(self.packing.ship())

    def reprint(self) -> None:
        self._show(self.packing.reprint())

    def tap(self, action: str) -> None:
        """A button of the flow on the screen (Damaged, LPN full, Other bin, Undo, Done, Condition...)."""
        self._show(getattr(self.flows[self.screens.current], action)())

    def go(self, screen: str) -> None:
        """To another job's screen (a receiver's Put away, Count and Returns), its flow started or gone on with."""
        self.screens.current = screen
        self._show(self.flows[screen].start())

    def lookup(self) -> None:
        self.screens.current = "lookup"

    def move(self) -> None:
        self.screens.current = "move"

    def back(self) -> None:
        self.screens.current = self._home()

    def short(self) -> None:
        self._show(self.picking.short())

    def skip(self) -> None:
        self._show(self.picking.skip())

    # -- output --------------------------------------------------------------------------------

    def _show_refusal(self) -> None:
        """A refused replay takes the screen until the picker has acknowledged it."""
        if self.screens.current == "refused":
            return
        self.refused = self.refusals.first()
        if self.refused is None:
            return
        self._before_refusal = self.screens.current
        self.screens.get_screen("refused").show(self.refused)
        self.screens.current = "refused"
        self._signal(self.refused.feedback)

    def _home(self) -> str:
        """A pack station packs. A receiver works inbound: the dock first, where a truck waits,
        then putting away, counting and the returns desk; anyone else picks, where a tap off the
        trip costs time."""
        if self.station:
            return "pack"
        session = self.login.session
        return "receive" if session is not None and session.user.role == "receiver" else "pick"

    def _to_work(self) -> None:
        home = self._home()
        if home == "pack":
            self.screens.current = "pack"
        else:
            self.go(home)

    def _weighed(self, reading) -> None:
        """The scale's reading on the screen as it changes (from the scale's thread to the UI's)."""
        shown = f"{reading.grams / 1000:.3f} kg" + ("" if reading.stable else " ...")
        Clock.schedule_once(lambda _: setattr(self.screens.get_screen("pack"), "weight", shown))

    def _show(self, view) -> None:
        """A flow's view on the screen showing it."""
        self.screens.current_screen.show(view)
        self._signal(view.feedback)

    def _signal(self, feedback: Feedback | None) -> None:
        sound = self.sounds.get(feedback.kind) if feedback else None
        if sound is not None:
            sound.play()
        if feedback:
            vibrate(feedback.kind)

    def _send(self) -> None:
        """The queue drained whenever something waits: every second, for ever."""
        while not self._stopping.wait(1.0):
            if self.queue.waiting():
                drained = drain(self.queue, self.api.http)
                waiting = len(self.queue.waiting())
                Clock.schedule_once(lambda _, waiting=waiting: setattr(self.screens.get_screen("pick"), "waiting", waiting))
                if drained.refused:
                    Clock.schedule_once(lambda _: self._show_refusal())
