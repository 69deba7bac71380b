"""Printer transports and `send`: CUPS queue (`zebra`), raw TCP port 9100, serial (pyserial).

    with Tcp9100("10.0.0.17") as printer:
        send(printer, to_zpl(label))          # asks ~HS first, raises PrinterFault on a fault

A transport has `write(bytes)`, and where the printer can answer, `query(bytes) -> bytes`
(`can_query` tells which). CUPS queues are one-way, so no status check goes through them.
"""

from __future__ import annotations

import os
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from typing import Protocol

from .errors import PrinterFault, TransportError
from .status import (
    HQES_REQUEST, HS_REQUEST, SILENT, PrinterStatus, StatusError, extended_status_complete, parse_extended_status,
    parse_host_status, reply_complete,
)


class Transport(Protocol):
    name: str
    can_query: bool
    # A live connection means a powered printer (TCP: its network card accepted us); a serial
    # port opens whether or not a printer is on the other end.
    connection_proves_power: bool

    def write(self, data: bytes) -> None: ...

    def query(self, data: bytes, timeout: float = 2.0, complete: Callable[[bytes], bool] = ...) -> bytes: ...

    def close(self) -> None: ...


class _Closing:
    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:  # pragma: no cover - overridden
        pass


class Tcp9100(_Closing):
    """A network Zebra's raw port. The connection is opened on first use and kept."""

    can_query = True
    connection_proves_power = True

    def __init__(self, host: str, port: int = 9100, timeout: float = 5.0) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.name = f"tcp://{host}:{port}"
        self._sock: socket.socket | None = None

    def _connect(self) -> socket.socket:
        if self._sock is None:
            try:
                self._sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
            except OSError as e:
                raise TransportError(f"{self.name}: cannot connect: {e}") from e
            self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return self._sock

    def write(self, data: bytes) -> None:
        for attempt in (1, 2):  # a kept connection may have been dropped by the printer
            sock = self._connect()
            try:
                sock.sendall(data)
                return
            except OSError as e:
                self.close()
                if attempt == 2:
                    raise TransportError(f"{self.name}: send failed: {e}") from e

    def query(self, data: bytes, timeout: float = 2.0, complete: Callable[[bytes], bool] = reply_complete) -> bytes:
        self.write(data)
        sock = self._connect()
        buf = b""
        deadline = time.monotonic() + timeout
        while not complete(buf):
            left = deadline - time.monotonic()
            if left <= 0:
                break
            sock.settimeout(left)
            try:
                chunk = sock.recv(4096)
            except TimeoutError:
                break
            except OSError as e:
                self.close()
                raise TransportError(f"{self.name}: receive failed: {e}") from e
            if not chunk:
                self.close()
                break
            buf += chunk
        if self._sock is not None:
            self._sock.settimeout(self.timeout)
        return buf

    def close(self) -> None:
        if self._sock is not None:
            try:
                self._sock.close()
            finally:
                self._sock = None


class SerialPort(_Closing):
    """A serial or Bluetooth-serial printer (/dev/ttyUSB0, /dev/rfcomm0, a pty, loop://).

    `answers=False` for printers that cannot talk back on this link (no status check then).
    """

    def __init__(self, url: str, baudrate: int = 9600, timeout: float = 2.0,
                 answers: bool = True) -> None:
        import serial  # pyserial

        self.name = f"serial:{url}"
        self.can_query = answers
        self.connection_proves_power = False
        try:
            self._port = serial.serial_for_url(url, baudrate=baudrate, timeout=timeout,
                                               write_timeout=timeout)
        except (serial.SerialException, ValueError) as e:
            raise TransportError(f"{self.name}: cannot open: {e}") from e

    def write(self, data: bytes) -> None:
        try:
            self._port.write(data)
            self._port.flush()
        except Exception as e:  # serial.SerialException, SerialTimeoutException
            raise TransportError(f"{self.name}: send failed: {e}") from e

    def query(self, data: bytes, timeout: float = 2.0, complete: Callable[[bytes], bool] = reply_complete) -> bytes:
        self._port.reset_input_buffer()
        self.write(data)
        buf = b""
        deadline = time.monotonic() + timeout
        while not complete(buf) and time.monotonic() < deadline:
            self._port.timeout = max(0.01, min(0.2, deadline - time.monotonic()))
            buf += self._port.read(self._port.in_waiting or 1)
        return buf

    def close(self) -> None:
        self._port.close()


_cups_env_lock = threading.Lock()


class Cups(_Closing):
    """A CUPS queue (USB printer on the desk PC), written through `zebra.Zebra(queue)`.

    `server` ("host:port" or a socket path) selects a CUPS server other than the default one
    (it sets CUPS_SERVER for the `lpr` the zebra package runs).
    """

    can_query = False
    connection_proves_power = False

    def __init__(self, queue: str, server: str | None = None) -> None:
        import zebra

        self.queue, self.server = queue, server
        self.name = f"cups:{queue}"
        self._zebra = zebra.Zebra(queue)

    def _with_server(self, fn):
        if self.server is None:
            return fn()
        with _cups_env_lock:
            old = os.environ.get("CUPS_SERVER")
            os.environ["CUPS_SERVER"] = self.server
            try:
                return fn()
            finally:
                if old is None:
                    os.environ.pop("CUPS_SERVER", None)
                else:
                    os.environ["CUPS_SERVER"] = old

    def _check_queue(self) -> None:
        # zebra's lpr call does not report failures (and its getqueues() drops CUPS_SERVER),
        # so ask lpstat ourselves whether the queue exists and accepts jobs.
        env = dict(os.environ)
        if self.server is not None:
            env["CUPS_SERVER"] = self.server
        try:
            out = subprocess.run(["lpstat", "-a", self.queue], env=env, capture_output=True,
                                 text=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise TransportError(f"{self.name}: cannot ask CUPS (lpstat): {e}") from e
        if out.returncode != 0 or "not accepting" in out.stdout:
            why = (out.stderr or out.stdout).strip() or "not accepting jobs"
            raise TransportError(f"{self.name}: no such CUPS queue or not accepting jobs: {why}")

    def write(self, data: bytes) -> None:
        self._check_queue()
        try:
            self._with_server(lambda: self._zebra.output(data))
        except OSError as e:
            raise TransportError(f"{self.name}: lpr failed: {e}") from e

    def query(self, data: bytes, timeout: float = 2.0) -> bytes:
        raise TransportError(f"{self.name}: a CUPS queue cannot read the printer's answer")


def read_status(transport: Transport, timeout: float = 2.0) -> PrinterStatus:
    """Ask the printer ~HS and parse the answer. A printer that takes the question but stays
    silent is asked ~HQES, which a Zebra answers under the faults that silence ~HS; silent to
    both, it raises PrinterFault with the likely causes. TransportError: it cannot be reached,
    or answers what is not a status."""
    raw = transport.query(HS_REQUEST, timeout)
    try:
        if raw:
            return parse_host_status(raw)
        raw = transport.query(HQES_REQUEST, timeout, extended_status_complete)
        if raw:
            return parse_extended_status(raw)
    except StatusError as e:
        raise TransportError(f"{transport.name}: no valid status answer: {e}") from e
    if transport.connection_proves_power:
        raise PrinterFault([SILENT], transport.name)
    raise TransportError(f"{transport.name}: no answer to ~HS or ~HQES: off, unplugged, or {SILENT}")


def send(transport: Transport, zpl: str | bytes, check_status: bool = True,
         timeout: float = 2.0) -> PrinterStatus | None:
    """Send a ZPL program; first ask ~HS where the transport can, and refuse on a fault.

    Returns the status read before sending (None when not checked).
    Raises PrinterFault (with .faults) or TransportError.
    """
    data = zpl.encode("utf-8") if isinstance(zpl, str) else zpl
    status = None
    if check_status and transport.can_query:
        status = read_status(transport, timeout)
        if status.faults:
            raise PrinterFault(status.faults, transport.name)
    transport.write(data)
    return status
