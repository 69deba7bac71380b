"""A real `wms serve` for tests that talk to the product as its clients do, over HTTP: a free
port, waiting until it is healthy, and the server on a test's database."""

import os
import socket
import subprocess
import sys
import time
import urllib.request


def free_port() -> int:
    """A loopback port nothing listens on (yet)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, process: subprocess.Popen, seconds: float = 60) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read() if process.stdout else process.returncode
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                return {"status": response.status, "body": response.read().decode()}
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the server did not become healthy")


def serve(database_url: str, port: int) -> subprocess.Popen:
    """`wms serve` on this database and port, healthy."""
    server = subprocess.Popen(
        [sys.executable, "-m", "server.cli", "serve", "--port", str(port)],
        env=os.environ | {"WMS_DATABASE_URL": database_url}, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )
    wait_healthy(f"http://127.0.0.1:{port}/health", server)
    return server
