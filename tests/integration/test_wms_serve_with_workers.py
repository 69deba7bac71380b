"""`wms serve --workers 2` with no database configured: the parent starts one PostgreSQL for both
workers, both answer, and the database stops with the server."""

import os
import signal
import subprocess
import sys
import time
import urllib.request

import psutil

from tests.integration.test_wms_serve_from_a_fresh_data_directory import postgres_processes
from tests.serving import free_port, wait_healthy


def uvicorn_workers(parent: int) -> list[psutil.Process]:
    return [p for p in psutil.Process(parent).children() if "spawn_main" in " ".join(p.cmdline())]


def test_wms_serve_with_two_workers_shares_one_embedded_database_and_stops_it_on_exit(tmp_path):
    data_dir = tmp_path / "data"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "WMS_DATABASE_URL"} | {"WMS_DATA_DIR": str(data_dir)}
    server = subprocess.Popen(
        [sys.executable, "-m", "server.cli", "serve", "--port", str(port), "--workers", "2"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        health = wait_healthy(f"http://127.0.0.1:{port}/health", server, seconds=90)
        assert health["status"] == 200 and '"database":"ok"' in health["body"]
        # Two worker processes under the parent, each with its own pool.
        deadline = time.monotonic() + 60
        while len(workers := uvicorn_workers(server.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(workers) == 2, workers
        for _ in range(20):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as response:
                assert response.status == 200
        # One PostgreSQL server (postmaster) for the data directory, not one per worker.
        # (a backend forked a moment ago still shows the postmaster's command line: its parent
        # is the postmaster, so it is not counted)
        found = postgres_processes(data_dir)
        pids = {p.pid for p in found}
        postmasters = [p for p in found if " -D " in " ".join(p.cmdline()) and p.ppid() not in pids]
        assert len(postmasters) == 1, postmasters
    finally:
        server.send_signal(signal.SIGINT)
        output, _ = server.communicate(timeout=60)
    assert server.returncode == 0, output
    assert output.count("Application startup complete") == 2, output
    deadline = time.monotonic() + 15
    while postgres_processes(data_dir) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not postgres_processes(data_dir)
    assert not [p for p in workers if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
