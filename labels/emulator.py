"""A Zebra stand-in for development and tests: `wms printer-emulator --port 9100 [--dpi 203]`.

Accepts ZPL over TCP, answers ~HS (reporting the faults it was told to have) and ~HQES, and saves each
label format as NNNN.zpl plus NNNN.png drawn by our own preview (through labels.zpl_parse);
a format it cannot draw gets NNNN.error.txt instead of the PNG.

    emu = PrinterEmulator(port=0, out_dir=tmp)      # port 0: any free port
    await emu.start(); ...; emu.faults = {"paper_out"}; ...; await emu.stop()

Like a Zebra by its ZPL manual, it does not answer ~HS while it has a fault that silences a real
printer (paper or ribbon out, head open, over temperature), and answers ~HQES with the error bits.

`EmulatorThread` runs one in a background thread for synchronous code (tests, benchmarks).
"""

from __future__ import annotations

import argparse
import asyncio
import threading
import time
from pathlib import Path

from .preview import to_png
from .status import (
    FAULT_WORDS, HQES_REQUEST, HS_REQUEST, SILENT_FAULTS, PrinterStatus, extended_status_reply, host_status_reply,
)
from .zpl_parse import parse_zpl

_START, _END = b"^XA", b"^XZ"


class PrinterEmulator:
    def __init__(self, host: str = "127.0.0.1", port: int = 9100, dpi: int = 203,
                 out_dir: str | Path | None = None, faults: set[str] | None = None,
                 render_png: bool = True) -> None:
        unknown = set(faults or ()) - set(FAULT_WORDS)
        if unknown:
            raise ValueError(f"unknown fault(s) {sorted(unknown)}; known: {sorted(FAULT_WORDS)}")
        self.host, self.port, self.dpi = host, port, dpi
        self.out_dir = Path(out_dir) if out_dir else None
        self.faults: set[str] = set(faults or ())
        self.render_png = render_png
        self.received: list[bytes] = []  # every label format, ^XA through ^XZ
        self.raw = bytearray()  # every byte received, in order (~HS requests included)
        self.status_requests = 0
        self._server: asyncio.base_events.Server | None = None
        self._clients: dict[asyncio.Task, asyncio.StreamWriter] = {}
        self._lock = threading.Lock()

    def status(self) -> PrinterStatus:
        flags = {f: True for f in self.faults}
        return PrinterStatus(label_length_dots=6 * self.dpi, labels_remaining=0, **flags)

    async def start(self) -> None:
        if self.out_dir:
            self.out_dir.mkdir(parents=True, exist_ok=True)
        self._server = await asyncio.start_server(self._client, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            for writer in self._clients.values():
                writer.transport.abort()  # the handler then sees end of stream and returns
            if self._clients:
                await asyncio.wait(list(self._clients), timeout=10)
            await self._server.wait_closed()
            self._server = None

    async def serve_forever(self) -> None:
        await self.start()
        assert self._server is not None
        async with self._server:
            await self._server.serve_forever()

    async def wait_for_labels(self, count: int, timeout: float = 5.0) -> list[bytes]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        return list(self.received)

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._clients[task] = writer
        buf = b""
        try:
            while True:
                chunk = await reader.read(65536)
                if not chunk:
                    break
                self.raw += chunk
                buf += chunk
                buf = await self._consume(buf, writer)
        except ConnectionError:
            pass
        finally:
            self._clients.pop(task, None)
            writer.close()

    async def _consume(self, buf: bytes, writer: asyncio.StreamWriter) -> bytes:
        """Handle every complete ~HS and ^XA..^XZ in buf; return the unfinished rest."""
        while True:
            hqes, hs, start = buf.find(HQES_REQUEST), buf.find(HS_REQUEST), buf.find(_START)
            if hqes >= 0 and (start < 0 or hqes < start) and (hs < 0 or hqes < hs):
                writer.write(extended_status_reply(self.status()))
                await writer.drain()
                buf = buf[hqes + len(HQES_REQUEST):]
                continue
            if hs >= 0 and (start < 0 or hs < start):
                self.status_requests += 1
                if not self.faults & SILENT_FAULTS:  # a real printer says nothing under these
                    writer.write(host_status_reply(self.status()))
                    await writer.drain()
                buf = buf[hs + len(HS_REQUEST):]
                continue
            if start >= 0:
                end = buf.find(_END, start)
                if end < 0:
                    return buf[start:]
                fmt = buf[start:end + len(_END)]
                buf = buf[end + len(_END):]
                await self._store(fmt)
                continue
            return buf[-2:] if len(buf) > 2 else buf  # keep a partial "~H" / "^X"

    async def _store(self, fmt: bytes) -> None:
        with self._lock:
            self.received.append(fmt)
            number = len(self.received)
        if not self.out_dir:
            return
        stem = self.out_dir / f"{number:04d}"
        stem.with_suffix(".zpl").write_bytes(fmt)
        if self.render_png:
            await asyncio.to_thread(self._render, fmt, stem)

    def _render(self, fmt: bytes, stem: Path) -> None:
        try:
            png = to_png(parse_zpl(fmt.decode("utf-8"), dpi=self.dpi))
        except Exception as e:  # a format we cannot draw is still kept as ZPL
            stem.with_suffix(".error.txt").write_text(f"{type(e).__name__}: {e}\n")
            return
        stem.with_suffix(".png").write_bytes(png)


class EmulatorThread:
    """A PrinterEmulator on its own event loop in a daemon thread (context manager)."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("port", 0)
        self.emulator = PrinterEmulator(**kwargs)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True,
                                        name="printer-emulator")

    @property
    def port(self) -> int:
        return self.emulator.port

    def __enter__(self) -> PrinterEmulator:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.emulator.start(), self._loop).result(10)
        return self.emulator

    def __exit__(self, *exc) -> None:
        asyncio.run_coroutine_threadsafe(self.emulator.stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    def wait_for_labels(self, count: int, timeout: float = 5.0) -> list[bytes]:
        deadline = time.monotonic() + timeout
        while len(self.emulator.received) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return list(self.emulator.received)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="wms printer-emulator",
                                 description="A Zebra ZPL printer stand-in on a TCP port.")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=9100)
    ap.add_argument("--dpi", type=int, choices=(203, 300), default=203)
    ap.add_argument("--out", default="printed-labels", help="directory for NNNN.zpl / NNNN.png")
    ap.add_argument("--fault", action="append", default=[], choices=sorted(FAULT_WORDS),
                    help="report this fault on ~HS (repeatable)")
    ap.add_argument("--no-png", action="store_true", help="save ZPL only")
    args = ap.parse_args(argv)
    emu = PrinterEmulator(host=args.host, port=args.port, dpi=args.dpi, out_dir=args.out,
                          faults=set(args.fault), render_png=not args.no_png)

    async def run() -> None:
        await emu.start()
        faults = ", ".join(FAULT_WORDS[f] for f in sorted(emu.faults)) or "none"
        print(f"printer emulator on {emu.host}:{emu.port}, {emu.dpi} dpi, saving to "
              f"{emu.out_dir}, faults: {faults}", flush=True)
        assert emu._server is not None
        async with emu._server:
            await emu._server.serve_forever()

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
