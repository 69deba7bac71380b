"""`wms serve` with no database configured: it starts its own PostgreSQL, serves, and stops it."""

import os
import signal
import subprocess
import sys
import time

import psutil
import pytest

from tests.serving import free_port, wait_healthy


def postgres_processes(data_dir) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(["name", "cmdline"]):
        if process.info["name"] == "postgres" and str(data_dir) in " ".join(process.info["cmdline"] or []):
            found.append(process)
    return found


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_wms_serve_starts_an_embedded_database_answers_health_and_stops_it_on_exit(tmp_path, stop):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "WMS_DATABASE_URL"} | {"WMS_DATA_DIR": str(tmp_path / "data")}
    server = subprocess.Popen(
        [sys.executable, "-m", "server.cli", "serve", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        health = wait_healthy(f"http://127.0.0.1:{port}/health", server)
        assert health["status"] == 200 and '"database":"ok"' in health["body"]
        assert postgres_processes(tmp_path / "data")
    finally:
        server.send_signal(stop)
        server.wait(timeout=30)
    deadline = time.monotonic() + 10
    while postgres_processes(tmp_path / "data") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not postgres_processes(tmp_path / "data")


def test_wms_migrate_on_an_up_to_date_database_says_so(database_url):
    env = os.environ | {"WMS_DATABASE_URL": database_url}
    result = subprocess.run(
        [sys.executable, "-m", "server.cli", "migrate"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and "up to date" in result.stdout
