"""A shipping scale streaming readings over a real serial port (a pty): the station takes the
last stable weight, ignores readings while the carton still moves and lines that are not readings,
converts units, and reads another scale's format from a setting."""

import os
import re
import time

from handheld.scale import DEFAULT_FORMAT, Reading, Scale, parse_reading


def wait_for(check, seconds: float = 5.0):
    deadline = time.monotonic() + seconds
    while not check() and time.monotonic() < deadline:
        time.sleep(0.01)
    return check()


def test_the_scale_on_a_pty_gives_the_last_stable_weight():
    master, slave = os.openpty()
    readings: list[Reading] = []
    scale = Scale(os.ttyname(slave), on_reading=readings.append)
    scale.start()
    try:
        assert wait_for(lambda: scale.port.state == "connected")  # opening the port empties it
        os.write(master, b"US,GS,+  0.800kg\r\nST,GS,+  1.250kg\r\n")
        assert wait_for(lambda: scale.stable() == 1250)
        os.write(master, b"US,GS,+  1.900kg\r\n")
        assert wait_for(lambda: len(readings) == 3)
        assert scale.stable() is None  # moving again: no weight to close with
        os.write(master, b"garbage\r\nOL,GS,+ 99.999kg\r\nST,NT,+  2.5lb\r\n")
        assert wait_for(lambda: scale.stable() == 1134)
    finally:
        scale.stop()


def test_the_line_format_is_a_setting():
    other = re.compile(r"^(?P<state>ST|US),(?P<weight>[0-9.]+) (?P<unit>g)$")
    assert parse_reading("ST,1250 g", other) == Reading(grams=1250, stable=True)
    assert parse_reading("ST,GS,-  0.010kg", re.compile(DEFAULT_FORMAT)) == Reading(grams=-10, stable=True)
