"""Cold start of `wms serve` to a healthy /health, with the embedded PostgreSQL.

    .venv/bin/python -m bench.cold_start [--runs 3]

First run: an empty data directory (initdb, create the database, apply migrations).
Second run: the same directory again (the database is reused).
"""

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def time_to_healthy(data_dir: str) -> float:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "WMS_DATABASE_URL"} | {"WMS_DATA_DIR": data_dir}
    started = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "server.cli", "serve", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            if server.poll() is not None:
                raise SystemExit("wms serve exited before it was healthy")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as response:
                    if response.status == 200:
                        return time.perf_counter() - started
            except OSError:
                time.sleep(0.02)
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    first, second = [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="wms-cold-") as data_dir:
            first.append(time_to_healthy(data_dir))
            second.append(time_to_healthy(data_dir))
    print(f"first run (new database):  median {statistics.median(first):.2f} s  ({', '.join(f'{t:.2f}' for t in first)})")
    print(f"second run (reused):       median {statistics.median(second):.2f} s  ({', '.join(f'{t:.2f}' for t in second)})")


if __name__ == "__main__":
    main()
