"""The serial / Bluetooth-serial transport, through a real pty pair (the test plays the printer)."""

import os
import threading
import tty

import pytest
from samples import SAMPLES

from labels import PrinterFault, TransportError, to_zpl
from labels.status import PrinterStatus, host_status_reply
from labels.transports import SerialPort, send


class PtyPrinter:
    """The master side of a pty, answering ~HS like a belt printer and collecting the rest."""

    def __init__(self, status: PrinterStatus, answers: bool = True):
        self.master, slave = os.openpty()
        tty.setraw(slave)
        tty.setraw(self.master)
        self.path = os.ttyname(slave)
        self._slave = slave
        self.status, self.answers = status, answers
        self.received = bytearray()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        import select

        pending = b""
        while not self._stop.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(self.master, 4096)
            except OSError:
                return
            pending += chunk
            if b"~HS" in pending:
                before, _, pending = pending.partition(b"~HS")
                self.received += before
                if self.answers:
                    os.write(self.master, host_status_reply(self.status))
            else:
                self.received += pending
                pending = b""

    def wait_for(self, n: int, timeout: float = 5.0) -> bytes:
        import time

        deadline = time.monotonic() + timeout
        while len(self.received) < n and time.monotonic() < deadline:
            time.sleep(0.01)
        return bytes(self.received)

    def close(self):
        self._stop.set()
        self._thread.join(2)
        os.close(self.master)
        os.close(self._slave)


@pytest.fixture
def printer():
    made = []

    def make(**kw):
        p = PtyPrinter(kw.pop("status", PrinterStatus()), **kw)
        made.append(p)
        return p

    yield make
    for p in made:
        p.close()


def test_a_label_goes_through_a_serial_port_after_a_status_check(printer):
    pty = printer()
    zpl = to_zpl(SAMPLES["item_ean13"])
    with SerialPort(pty.path, baudrate=115200) as port:
        status = send(port, zpl)
    assert status is not None and status.ready
    assert pty.wait_for(len(zpl.encode())) == zpl.encode()


def test_a_serial_printer_with_its_head_open_refuses_the_job(printer):
    pty = printer(status=PrinterStatus(head_open=True))
    with SerialPort(pty.path) as port, pytest.raises(PrinterFault) as err:
        send(port, to_zpl(SAMPLES["lpn"]))
    assert err.value.faults == ["head open"]
    assert pty.wait_for(1, timeout=0.3) == b""


def test_a_serial_printer_that_does_not_answer_is_a_transport_error(printer):
    pty = printer(answers=False)
    with SerialPort(pty.path, timeout=0.3) as port, pytest.raises(TransportError, match="~HS"):
        send(port, to_zpl(SAMPLES["lpn"]), timeout=0.3)


def test_a_one_way_link_sends_without_asking(printer):
    pty = printer(answers=False)
    zpl = to_zpl(SAMPLES["location"])
    with SerialPort(pty.path, answers=False) as port:
        assert send(port, zpl) is None
    assert pty.wait_for(len(zpl.encode())) == zpl.encode()


def test_pyserial_urls_work_too():
    with SerialPort("loop://") as port:
        port.write(b"^XA^XZ")
        assert port._port.read(6) == b"^XA^XZ"


def test_a_missing_port_is_a_transport_error():
    with pytest.raises(TransportError, match="cannot open"):
        SerialPort("/dev/does-not-exist-printer")
