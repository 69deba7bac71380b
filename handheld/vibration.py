"""Vibration on Android, so a picker in a loud aisle feels a wrong scan and a finished trip: two
buzzes for wrong, one short one for done (a good scan only beeps, dozens a minute would numb).
Through plyer's vibrator (the VIBRATE permission is in deploy/android/buildozer.spec); plyer is
installed only in the Android build, and everywhere else this does nothing."""

from kivy.utils import platform

# plyer's pattern: seconds to wait, to vibrate, to wait, to vibrate ...
PATTERNS = {"wrong": (0, 0.25, 0.1, 0.25), "done": (0, 0.15)}


def vibrate(kind: str) -> None:
    pattern = PATTERNS.get(kind)
    if platform != "android" or pattern is None:
        return
    from plyer import vibrator  # only in the Android build

    try:
        vibrator.pattern(pattern=pattern, repeat=-1)
    except Exception:  # a device without a vibrator (or plyer's bridge failing) must not stop a pick
        pass
