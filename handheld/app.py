"""The Kivy app: screens that draw what the flows say, scans from the scanner handed to the UI
thread, the offline queue drained in the background. No rule lives here."""

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
from handheld.flows.login import LoginFlow
from handheld.flows.lookup import LookupFlow
from handheld.flows.moving import MoveFlow
from handheld.flows.picking import PickFlow
from handheld.offline import OfflineQueue, drain
from handheld.scanner import KeyboardWedge, Scan, SerialScanner
from handheld.screens import LoginScreen, LookupScreen, MoveScreen, PickScreen
from handheld.sounds import sound_files

KEY_F1, KEY_F2 = 282, 283  # Short, Skip

Builder.load_file(str(Path(__file__).with_name("screens") / "handheld.kv"))


class HandheldApp(App):
    title = "WMS handheld"

    def __init__(self, server: str, data_dir: Path, device: str, scanner: str | None = None,
                 baudrate: int = 9600, suffix: str = "CR", idle_logout_seconds: float = 1800, **kwargs) -> None:
        super().__init__(**kwargs)
        data_dir.mkdir(parents=True, exist_ok=True)
        self.api = ApiClient(server)
        self.queue = OfflineQueue(data_dir / "queue.sqlite")
        self.login = LoginFlow(self.api, data_dir)
        self.picking = PickFlow(self.api, self.queue, device)
        self.looking = LookupFlow(self.api)
        self.moving = MoveFlow(self.api, self.queue, device)
        self.scanner = SerialScanner(scanner, self._from_scanner, baudrate, suffix) if scanner else None
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
        Window.bind(on_textinput=lambda _, text: self.wedge.text(text), on_key_down=self._key)
        return self.screens

    def on_start(self) -> None:
        view = self.login.resume()
        if view.step == "logged_in":
            self._pick()
        else:
            self.screens.get_screen("login").show(view)
        if self.scanner:
            self.scanner.start()
        threading.Thread(target=self._send, name="sender", daemon=True).start()
        Clock.schedule_interval(self._idle, 10)

    def on_stop(self) -> None:
        self._stopping.set()
        if self.scanner:
            self.scanner.stop()

    # -- input ---------------------------------------------------------------------------------

    def _from_scanner(self, scan: Scan) -> None:
        Clock.schedule_once(lambda _: self.scanned(scan.raw))  # from the reader's thread to the UI's

    def _key(self, window, key, scancode, codepoint, modifiers) -> bool:
        """Enter ends a wedge scanner's scan; the F-keys do what the buttons do, for gloves."""
        self._last_action = time.monotonic()
        if key == 13:
            self.wedge.enter()
            return True
        if self.screens.current == "pick" and key in (KEY_F1, KEY_F2):
            (self.short if key == KEY_F1 else self.skip)()
            return True
        return False

    def _idle(self, _) -> None:
        """Log out a handheld left alone, so the next picker does not pick as this one."""
        if self.screens.current == "pick" and time.monotonic() - self._last_action > self.idle_logout_seconds:
            self.screens.current = "login"
            self.screens.get_screen("login").show(self.login.logout())

    def scanned(self, raw: str) -> None:
        self._last_action = time.monotonic()
        if self.screens.current == "login":
            view = self.login.scan(raw)
            self.screens.get_screen("login").show(view)
            self._signal(view.feedback)
            return
        if self.screens.current in ("lookup", "move"):
            view = (self.looking if self.screens.current == "lookup" else self.moving).scan(raw)
            self.screens.current_screen.show(view)
            self._signal(view.feedback)
            return
        view = self.picking.scan(raw)
        self.screens.get_screen("pick").show(view)
        self._signal(view.feedback)

    def key(self, digit: str) -> None:
        self.screens.get_screen("login").show(self.login.key(digit))

    def clear_pin(self) -> None:
        self.login.pin = ""
        self.screens.get_screen("login").show(self.login.key(""))

    def submit_pin(self) -> None:
        view = self.login.submit()
        self._signal(view.feedback)
        if view.step == "logged_in":
            self._pick()
        else:
            self.screens.get_screen("login").show(view)

    def lookup(self) -> None:
        self.screens.current = "lookup"

    def move(self) -> None:
        self.screens.current = "move"

    def back(self) -> None:
        self.screens.current = "pick"

    def short(self) -> None:
        self._show_pick(self.picking.short())

    def skip(self) -> None:
        self._show_pick(self.picking.skip())

    # -- output --------------------------------------------------------------------------------

    def _pick(self) -> None:
        self.screens.current = "pick"
        self._show_pick(self.picking.start())

    def _show_pick(self, view) -> None:
        self.screens.get_screen("pick").show(view)
        self._signal(view.feedback)

    def _signal(self, feedback: Feedback | None) -> None:
        sound = self.sounds.get(feedback.kind) if feedback else None
        if sound is not None:
            sound.play()

    def _send(self) -> None:
        """The queue drained whenever something waits: every second, for ever."""
        while not self._stopping.wait(1.0):
            if self.queue.waiting():
                drain(self.queue, self.api.http)
                waiting = len(self.queue.waiting())
                Clock.schedule_once(lambda _: setattr(self.screens.get_screen("pick"), "waiting", waiting))
