"""The embedded PostgreSQL survives what happens to processes: after `wms serve` is killed with
SIGKILL, the next `wms serve` adopts the database it left running and, on a clean exit, stops
it; a PostgreSQL killed under a running server is started again by the server, which answers
503 with Retry-After meanwhile (never a 500) and serves again by itself."""

import os
import signal
import subprocess
import sys
import time

import httpx

from server.core import embedded
from tests.integration.test_wms_serve_from_a_fresh_data_directory import postgres_processes
from tests.serving import free_port, wait_healthy


def start(data_dir, port: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "WMS_DATABASE_URL"} | {"WMS_DATA_DIR": str(data_dir)}
    server = subprocess.Popen([sys.executable, "-m", "server.cli", "serve", "--port", str(port)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    wait_healthy(f"http://127.0.0.1:{port}/health", server)
    return server


def gone(data_dir, seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while postgres_processes(data_dir) and time.monotonic() < deadline:
        time.sleep(0.2)
    return not postgres_processes(data_dir)


def test_a_server_killed_with_sigkill_leaves_a_database_the_next_server_stops_on_exit(tmp_path):
    first = start(tmp_path, free_port())
    first.send_signal(signal.SIGKILL)
    first.wait()
    assert postgres_processes(tmp_path)  # left running, as a killed process cannot stop it

    second = start(tmp_path, free_port())
    second.send_signal(signal.SIGTERM)
    assert second.wait(timeout=30) == 0
    assert gone(tmp_path)


def test_a_database_killed_under_the_server_is_started_again_and_503_meanwhile(tmp_path):
    port = free_port()
    server = start(tmp_path, port)
    try:
        postmaster = int((tmp_path / "postgres" / "postmaster.pid").read_text().split()[0])
        os.kill(postmaster, signal.SIGKILL)
        seen = set()
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                health = http.get("/health")
                seen.add(health.status_code)
                if health.status_code == 503:
                    assert health.headers["retry-after"] == "2"
                    answer = http.get("/api/v1/skus", headers={"Authorization": "Bearer no-such-token"})
                    assert answer.status_code in (401, 503), answer.text
                    if answer.status_code == 503:
                        assert answer.headers["retry-after"] == "2"
                        assert answer.headers["content-type"].startswith("application/problem+json")
                if health.status_code == 200 and 503 in seen:
                    break
                time.sleep(0.1)
        assert seen == {503, 200} and embedded.running(tmp_path / "postgres")
    finally:
        server.send_signal(signal.SIGTERM)
        output = server.communicate(timeout=30)[0]
    assert server.returncode == 0, output
    assert "Traceback" not in output, output
    assert "stopped under the server; starting it again" in output
    assert gone(tmp_path)
