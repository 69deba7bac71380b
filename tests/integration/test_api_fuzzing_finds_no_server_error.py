"""Schemathesis throws generated requests at every operation of the OpenAPI document of a real
`wms serve`: whatever it sends, the answer is never a 5xx.

One worker: Python 3.11 before 3.11.9 can raise a spurious SystemError ("AST constructor recursion
depth mismatch", CPython gh-106905) when schemathesis builds ASTs in two threads at once."""

import os
import subprocess
import sys

from tests.conftest import bearer
from tests.serving import free_port, wait_healthy


def test_generated_requests_to_every_operation_never_get_a_server_error(database_url, tmp_path):
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "server.cli", "serve", "--port", str(port)],
        env=os.environ | {"WMS_DATABASE_URL": database_url}, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )
    try:
        wait_healthy(f"http://127.0.0.1:{port}/health", server)
        result = subprocess.run(
            [
                sys.executable, "-m", "schemathesis.cli", "run", f"http://127.0.0.1:{port}/schema/openapi.json",
                "--checks", "not_a_server_error", "--max-examples", "15", "--workers", "1", "--seed", "1",
                "--exclude-path", "/api/v1/auth/logout",
                "-H", f"Authorization: {bearer('admin')['Authorization']}",
            ],
            capture_output=True, text=True, timeout=300, cwd=tmp_path,
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert result.returncode == 0, result.stdout[-4000:]
