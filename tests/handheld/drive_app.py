"""Runs the real handheld app offscreen and does what a picker does, through a real pty scanner:
`python tests/handheld/drive_app.py SERVER DATA_DIR SHOTS_DIR SCANS_JSON [PRINTER]`. Prints one
JSON line: the screens seen and the messages shown, each with its screenshot file. Its own
process, so Kivy starts fresh each time. DRIVE_SETTINGS (JSON) adds to the app's settings, with
"scale": "pty" for a scale on a pty of its own; DRIVE_SIZE sets the window (480x800: a handheld)."""

import json
import os
import signal
import sys
import time
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")

from kivy.config import Config  # noqa: E402

WIDTH, HEIGHT = os.environ.get("DRIVE_SIZE", "480x800").split("x")
Config.set("graphics", "width", WIDTH)
Config.set("graphics", "height", HEIGHT)
Config.set("kivy", "log_enable", "0")

import httpx  # noqa: E402
from kivy.clock import Clock  # noqa: E402
from kivy.core.window import Window  # noqa: E402

from handheld.app import HandheldApp  # noqa: E402
from handheld.settings import Settings  # noqa: E402

server, data_dir, shots, steps = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), json.loads(sys.argv[4])
printer = sys.argv[5] if len(sys.argv) > 5 else None
shots.mkdir(parents=True, exist_ok=True)
master, slave = os.openpty()
extra = json.loads(os.environ.get("DRIVE_SETTINGS", "{}"))
if extra.get("scale") == "pty":
    scale_master, scale_slave = os.openpty()
    extra["scale"] = os.ttyname(scale_slave)
app = HandheldApp(Settings(server=server, device="drive", scanner=os.ttyname(slave), suffix="CR", printer=printer, **extra),
                  data_dir)
seen: list[dict] = []


def screen_text() -> dict:
    screen = app.screens.current_screen
    return {"screen": screen.name, "message": getattr(screen, "message", ""), "flash": getattr(screen, "flash", ""),
            "bin": getattr(screen, "bin", ""), "waiting": getattr(screen, "waiting", 0),
            "progress": getattr(screen, "progress", ""), "count": getattr(screen, "count", ""),
            "reason": getattr(screen, "reason", ""), "order": getattr(screen, "order", ""),
            "carton": getattr(screen, "carton", ""), "weight": getattr(screen, "weight", ""),
            "receipt": getattr(screen, "receipt", ""), "lpn": getattr(screen, "lpn", ""), "lines": getattr(screen, "lines", ""),
            "what": getattr(screen, "what", ""), "location": getattr(screen, "location", ""),
            "counted": getattr(screen, "counted", ""), "returned": getattr(screen, "returned", ""),
            "next_scan": getattr(screen, "next_scan", "")}


def run(steps: list[list]):
    """Each step: ["scan", text] | ["key", digits] | ["ok"] | ["tap", method, *args] | ["shot", name] | ["sent"]
    | ["wait", seconds] | ["supervisor", method, path, body] (a supervisor's call to the server meanwhile)
    | ["kill"] (the battery pulled: what was seen is printed, then SIGKILL) | ["weigh", line] (the scale
    sends a reading)."""
    yield 0.5
    for step in steps:
        kind = step[0]
        if kind == "scan":
            os.write(master, step[1].encode() + b"\r")
            yield 0.6
        elif kind == "key":
            for digit in step[1]:
                app.key(digit)
            yield 0.1
        elif kind == "ok":
            app.enter()
            yield 0.6
        elif kind == "weigh":
            os.write(scale_master, step[1].encode() + b"\r\n")
            yield 0.4
        elif kind == "wait":
            yield step[1]
        elif kind == "supervisor":
            answer = httpx.request(step[1], server + step[2], json=step[3], headers={"Authorization": "Bearer test-token-supervisor"})
            assert answer.is_success, answer.text
        elif kind == "kill":
            print(json.dumps(seen), flush=True)
            os.kill(os.getpid(), signal.SIGKILL)
        elif kind == "tap":
            getattr(app, step[1])(*step[2:])
            yield 0.3
        elif kind == "sent":
            deadline = time.monotonic() + 15
            while app.queue.waiting() and time.monotonic() < deadline:
                yield 0.2
            yield 1.5  # the screen hears it within a second
        elif kind == "shot":
            path = Window.screenshot(name=str(shots / f"{step[1]}.png"))
            seen.append(screen_text() | {"shot": step[1], "file": path})
    print(json.dumps(seen), flush=True)
    app.stop()


script = run(steps)


def tick(_):
    try:
        Clock.schedule_once(tick, next(script))
    except StopIteration:
        pass


Clock.schedule_once(tick, 0.5)
app.run()
os.close(master)
os.close(slave)
