"""The CUPS path: zebra.Zebra(queue) -> a private cupsd raw queue -> socket:// -> the emulator."""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from samples import SAMPLES

from labels import TransportError, to_zpl
from labels.emulator import EmulatorThread
from labels.transports import Cups, send

QUEUE = "wms_test_zebra"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def cups_server():
    """A private cupsd (own config, spool, port and socket under tmp_path); yields its address."""
    missing = [c for c in ("cupsd", "lpadmin", "lpr", "lpstat") if shutil.which(c) is None]
    if missing:
        pytest.skip(f"CUPS is not installed (missing {', '.join(missing)}); "
                    "run tests/install_system_packages.sh as root")
    if os.geteuid() != 0:
        pytest.skip("a private cupsd needs root here")
    # not under pytest's tmp_path: its parents are private to root, and the backends run as lp
    root = Path(tempfile.mkdtemp(prefix="wms-cups-"))
    os.chmod(root, 0o755)
    for d in ("spool", "cache", "state", "log", "tmp", "ppd"):
        (root / d).mkdir()
    port = _free_port()
    sock = root / "cups.sock"
    (root / "cupsd.conf").write_text(f"""
LogLevel warn
Listen 127.0.0.1:{port}
Listen {sock}
Browsing No
WebInterface No
DefaultAuthType None
<Location />
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
""")
    (root / "cups-files.conf").write_text(f"""
ServerRoot {root}
RequestRoot {root / 'spool'}
CacheDir {root / 'cache'}
StateDir {root / 'state'}
TempDir {root / 'tmp'}
AccessLog {root / 'log' / 'access_log'}
ErrorLog {root / 'log' / 'error_log'}
PageLog {root / 'log' / 'page_log'}
FileDevice Yes
""")
    proc = subprocess.Popen(["cupsd", "-f", "-c", str(root / "cupsd.conf"),
                             "-s", str(root / "cups-files.conf")],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    server = str(sock)
    env = {**os.environ, "CUPS_SERVER": server}
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"cupsd exited: {proc.stdout.read().decode(errors='replace')}")
            check = subprocess.run(["lpstat", "-r"], env=env, capture_output=True, text=True)
            if check.stdout.strip() == "scheduler is running":
                break
            time.sleep(0.1)
        else:
            pytest.fail("cupsd did not start in 15 s")
        yield server, env
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(root, ignore_errors=True)


def test_a_label_printed_through_a_cups_raw_queue_reaches_the_printer_unchanged(
        cups_server, tmp_path):
    server, env = cups_server
    with EmulatorThread(out_dir=tmp_path / "printed") as emu:
        made = subprocess.run(
            ["lpadmin", "-p", QUEUE, "-E", "-v", f"socket://127.0.0.1:{emu.port}", "-m", "raw"],
            env=env, capture_output=True, text=True)
        assert made.returncode == 0, made.stderr
        zpl = to_zpl(SAMPLES["shipping"])
        printer = Cups(QUEUE, server=server)
        assert send(printer, zpl) is None  # a CUPS queue cannot be asked ~HS
        deadline = time.monotonic() + 30
        while len(emu.raw) < len(zpl.encode()) and time.monotonic() < deadline:
            time.sleep(0.05)
    assert bytes(emu.raw) == zpl.encode("utf-8")
    assert (tmp_path / "printed" / "0001.zpl").exists()


def test_an_unknown_cups_queue_is_a_transport_error(cups_server):
    server, _ = cups_server
    with pytest.raises(TransportError, match="no such CUPS queue"):
        Cups("no_such_queue", server=server).write(b"^XA^XZ")
