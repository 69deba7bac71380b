"""Scanners, with real serial ports: a pty pair (a scanner's device file), pyserial's socket://
(a scanner that can vanish and come back), and a keyboard wedge. A burst of scans is never merged
or lost, the scanner's suffix is honoured, and an unplugged scanner is reconnected by itself."""

import os
import socket
import threading
import time

import pytest

from handheld.scanner import KeyboardWedge, SerialScanner, split_scans

GS = "\x1d"


def wait_for(condition, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


@pytest.mark.parametrize("suffix, ending", [("CR", b"\r"), ("LF", b"\n"), ("CRLF", b"\r\n")])
def test_a_burst_of_a_thousand_scans_on_a_pty_arrives_whole_and_in_order(suffix, ending):
    master, slave = os.openpty()
    got = []
    scanner = SerialScanner(os.ttyname(slave), got.append, baudrate=115200, suffix=suffix)
    scanner.start()
    try:
        wait_for(lambda: scanner.state == "connected")
        sent = [f"]C101059012341234{n % 10}10LOT{n}{GS}17271231" if n % 3 else f"]E0590123412345{n % 10}" for n in range(1000)]
        os.write(master, b"".join(s.encode() + ending for s in sent))
        wait_for(lambda: len(got) >= len(sent))
    finally:
        scanner.stop()
        os.close(master)
        os.close(slave)
    assert [scan.raw for scan in got] == sent
    assert all(a.at <= b.at for a, b in zip(got, got[1:]))


def test_suffixes_are_split_cleanly_and_a_half_scan_waits_for_its_end():
    assert split_scans(b"]E05901234123457\r\nBIN-1\r\n\r\nTOTE", "CRLF") == (["]E05901234123457", "BIN-1"], b"TOTE")
    assert split_scans(b"A\r\nB\r\n", "CR") == (["A", "B"], b"\n")  # a CR scanner that sends CRLF
    assert split_scans(b"01" + GS.encode() + b"10X\n", "LF") == (["01" + GS + "10X"], b"")


class ScannerOverTcp:
    """A scanner behind pyserial's socket:// URL, which can be unplugged and plugged in again."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.client: socket.socket | None = None
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        try:
            self.client, _ = self.listener.accept()
        except OSError:
            pass

    def send(self, *scans: str) -> None:
        wait_for(lambda: self.client is not None)
        self.client.sendall(b"".join(s.encode() + b"\r" for s in scans))

    def unplug(self) -> None:
        if self.client:
            self.client.close()
        self.listener.close()

    def plug_in_again(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", self.port))
        self.client = None
        threading.Thread(target=self._accept, daemon=True).start()


def test_an_unplugged_scanner_is_shown_gone_and_reconnected_by_itself():
    device = ScannerOverTcp()
    got, states = [], []
    scanner = SerialScanner(f"socket://127.0.0.1:{device.port}", got.append, on_state=states.append, retry_seconds=0.1)
    scanner.start()
    try:
        device.send("BIN-1", "TOTE-7")
        wait_for(lambda: len(got) == 2)
        device.unplug()
        wait_for(lambda: scanner.state == "gone")
        device.plug_in_again()
        wait_for(lambda: scanner.state == "connected")
        device.send("]E05901234123457")
        wait_for(lambda: len(got) == 3)
    finally:
        scanner.stop()
        device.unplug()
    assert [scan.raw for scan in got] == ["BIN-1", "TOTE-7", "]E05901234123457"]
    assert states[:3] == ["connected", "gone", "connected"] and states[-1] == "stopped"


def test_a_keyboard_wedge_gives_the_same_scans_ended_by_enter():
    got = []
    wedge = KeyboardWedge(got.append)
    for character in "]C10105901234123457" + "10AB" + GS + "21S1":
        wedge.text(character)
    wedge.enter()
    wedge.enter()  # Enter alone is no scan
    wedge.text("BIN-2")
    wedge.enter()
    assert [scan.raw for scan in got] == ["]C1010590123412345710AB" + GS + "21S1", "BIN-2"]


def test_wms_scanner_emulator_sends_typed_lines_as_scans_on_a_pty():
    import subprocess
    import sys

    emulator = subprocess.Popen(
        [sys.executable, "-m", "server.cli", "scanner-emulator", "--suffix", "CRLF"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    got = []
    try:
        path = emulator.stdout.readline().split(" on ")[1].split(" ")[0]
        scanner = SerialScanner(path, got.append, suffix="CRLF")
        scanner.start()
        wait_for(lambda: scanner.state == "connected")
        emulator.stdin.write("]C10105901234123457<GS>10AB\nBIN-1\n\n")
        emulator.stdin.flush()
        wait_for(lambda: len(got) == 2)
        scanner.stop()
    finally:
        emulator.stdin.close()
        emulator.wait(timeout=10)
    assert [scan.raw for scan in got] == ["]C10105901234123457" + GS + "10AB", "BIN-1"]
