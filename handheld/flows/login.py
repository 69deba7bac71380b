"""Logging in on a handheld: scan the badge, key the PIN. The session is kept on the device, so
a picker's session survives an app restart (until it expires or they log out)."""

from pathlib import Path

import httpx
import msgspec

from handheld.client import ApiClient, Refused
from handheld.flows import Feedback
from schema import scans
from schema.users import Session


class LoginView(msgspec.Struct, frozen=True, kw_only=True):
    step: str  # "scan_badge", "key_pin", "logged_in"
    badge: str = ""
    pin_length: int = 0
    feedback: Feedback | None = None
    user: str = ""


class LoginFlow:
    def __init__(self, api: ApiClient, data_dir: Path) -> None:
        self.api, self.file = api, data_dir / "session.json"
        self.badge, self.pin = "", ""
        self.session: Session | None = None

    def resume(self) -> LoginView:
        """The session the device kept, if the server still takes it."""
        if self.file.exists():
            session = msgspec.json.decode(self.file.read_bytes(), type=Session)
            self.api.use(session.token)
            try:
                if self.api.http.get("/api/v1/auth/me").status_code == 200:
                    self.session = session
                    return LoginView(step="logged_in", user=session.user.name)
            except httpx.TransportError:  # no network: trust the session kept until it is refused
                self.session = session
                return LoginView(step="logged_in", user=session.user.name)
        return LoginView(step="scan_badge", feedback=Feedback("info", "Scan your badge"))

    def scan(self, raw: str) -> LoginView:
        try:
            found = scans.parse(raw)
        except scans.ScanError as error:
            return LoginView(step="scan_badge", feedback=Feedback("wrong", error.reason))
        if not isinstance(found, scans.Text):
            return LoginView(step="scan_badge", feedback=Feedback("wrong", "That is not a badge: scan your badge"))
        self.badge, self.pin = found.value.strip(), ""
        return LoginView(step="key_pin", badge=self.badge, feedback=Feedback("good", "Key your PIN"))

    def key(self, digit: str) -> LoginView:
        self.pin = (self.pin + digit)[:8]
        return LoginView(step="key_pin", badge=self.badge, pin_length=len(self.pin))

    def submit(self) -> LoginView:
        try:
            self.session = self.api.login_badge(self.badge, self.pin)
        except httpx.TransportError:
            return LoginView(step="key_pin", badge=self.badge, feedback=Feedback("wrong", "No network: try again where the Wi-Fi works"))
        except Refused as refused:
            self.pin = ""
            return LoginView(step="scan_badge", feedback=Feedback("wrong", refused.reason))
        self.file.write_bytes(msgspec.json.encode(self.session))
        return LoginView(step="logged_in", user=self.session.user.name, feedback=Feedback("good", f"Hello {self.session.user.name}"))

    def logout(self) -> LoginView:
        try:
            self.api.http.post("/api/v1/auth/logout")
        except httpx.TransportError:
            pass
        self.file.unlink(missing_ok=True)
        self.session = None
        return LoginView(step="scan_badge", feedback=Feedback("info", "Scan your badge"))
