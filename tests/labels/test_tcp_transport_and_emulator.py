"""Labels travel over raw TCP (port 9100 style) to the printer emulator, which checks ~HS."""

import asyncio
import subprocess
import sys
import time
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from samples import SAMPLES, SSCC

from labels import PrinterFault, TransportError, to_zpl
from labels.emulator import EmulatorThread, PrinterEmulator
from labels.status import parse_extended_status, parse_host_status
from labels.transports import Tcp9100, read_status, send

ROOT = Path(__file__).resolve().parents[2]


def test_a_label_arrives_byte_for_byte_and_is_saved_as_zpl_and_png(tmp_path):
    zpl = to_zpl(SAMPLES["sscc"])
    with EmulatorThread(out_dir=tmp_path) as emu, Tcp9100("127.0.0.1", emu.port) as printer:
        status = send(printer, zpl)
        assert status is not None and status.ready
        deadline = time.monotonic() + 10
        while not (tmp_path / "0001.png").exists() and time.monotonic() < deadline:
            time.sleep(0.01)
    assert bytes(emu.raw) == b"~HS" + zpl.encode("utf-8")
    assert emu.received == [zpl.strip().encode("utf-8")]
    assert (tmp_path / "0001.zpl").read_bytes() == zpl.strip().encode("utf-8")
    img = Image.open(tmp_path / "0001.png").convert("L")
    texts = {r.text for r in zxingcpp.read_barcodes(img, text_mode=zxingcpp.TextMode.Plain)}
    assert f"00{SSCC}" in texts


def test_a_printer_reporting_paper_out_refuses_the_job_with_that_reason(tmp_path):
    with EmulatorThread(out_dir=tmp_path, faults={"paper_out"}) as emu, \
            Tcp9100("127.0.0.1", emu.port) as printer:
        with pytest.raises(PrinterFault) as err:
            send(printer, to_zpl(SAMPLES["shipping"]))
        assert err.value.faults == ["paper out"]
        assert "paper out" in str(err.value)
        assert emu.status_requests == 1
    assert emu.received == []


def test_the_emulator_can_be_told_the_head_is_open_while_running(tmp_path):
    thread = EmulatorThread(out_dir=None)
    with thread as emu, Tcp9100("127.0.0.1", emu.port) as printer:
        send(printer, to_zpl(SAMPLES["lpn"]))
        emu.faults = {"head_open"}
        with pytest.raises(PrinterFault, match="head open"):
            send(printer, to_zpl(SAMPLES["lpn"]))
        emu.faults = set()
        send(printer, to_zpl(SAMPLES["lpn"]))
        assert len(thread.wait_for_labels(2)) == 2


def test_several_labels_on_one_connection_are_kept_apart():
    thread = EmulatorThread()
    with thread as emu, Tcp9100("127.0.0.1", emu.port) as printer:
        zpls = [to_zpl(SAMPLES[n]) for n in ("location", "lpn", "item_upca")]
        for z in zpls:
            send(printer, z, check_status=False)
        got = thread.wait_for_labels(3)
    assert got == [z.strip().encode() for z in zpls]
    assert bytes(emu.raw) == "".join(zpls).encode()


async def test_the_emulator_answers_host_status_over_asyncio_streams():
    emu = PrinterEmulator(port=0, faults={"paused", "buffer_full"})
    await emu.start()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", emu.port)
        writer.write(b"~HS")
        await writer.drain()
        raw = b""
        while raw.count(b"\x03") < 3:
            raw += await asyncio.wait_for(reader.read(1024), 5)
        writer.close()
    finally:
        await emu.stop()
    assert parse_host_status(raw).faults == ["paused", "buffer full"]


async def test_like_a_zebra_the_emulator_is_silent_to_hs_under_paper_out_and_answers_hqes():
    emu = PrinterEmulator(port=0, faults={"paper_out", "head_open"})
    await emu.start()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", emu.port)
        writer.write(b"~HS")
        await writer.drain()
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(reader.read(1024), 0.5)
        writer.write(b"~HQES")
        await writer.drain()
        raw = b""
        while b"\x03" not in raw:
            raw += await asyncio.wait_for(reader.read(1024), 5)
        writer.close()
    finally:
        await emu.stop()
    assert parse_extended_status(raw).faults == ["paper out", "head open"]


def test_a_printer_silent_under_a_fault_is_told_apart_from_one_that_cannot_be_reached():
    with EmulatorThread(faults={"ribbon_out"}) as emu:
        with Tcp9100("127.0.0.1", emu.port) as printer:
            assert read_status(printer, timeout=0.3).faults == ["ribbon out"]  # through ~HQES
    with EmulatorThread() as emu:
        port = emu.port
    with Tcp9100("127.0.0.1", port, timeout=0.5) as printer, pytest.raises(TransportError, match="cannot connect"):
        read_status(printer, timeout=0.3)


def test_a_printer_that_takes_the_connection_and_answers_nothing_is_a_likely_fault():
    import socket

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        with Tcp9100("127.0.0.1", silent.getsockname()[1]) as printer, pytest.raises(PrinterFault) as fault:
            read_status(printer, timeout=0.3)
    assert "paper or ribbon out" in fault.value.faults[0]


def test_printer_emulator_command_reports_a_fault_it_was_started_with(tmp_path):
    proc = subprocess.Popen(
        [sys.executable, "-m", "labels.emulator", "--port", "0", "--out", str(tmp_path),
         "--fault", "paper_out"], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        port = int(line.split(" on ")[1].split(",")[0].rsplit(":", 1)[1])
        assert "paper out" in line
        with Tcp9100("127.0.0.1", port) as printer:
            assert read_status(printer).faults == ["paper out"]
    finally:
        proc.terminate()
        proc.wait(10)
