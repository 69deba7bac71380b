"""A benchmark's clients played by wrk, a C load generator (a Python client on the same 2 cores
would measure itself): a thread and a connection per client, running a Lua script of ours
(bench/*_wrk.lua) that reads its data from the Lua file named by WMS_BENCH_DATA and ends by
printing one line `WMS name=count ... p50=us p99=us`."""

import os
import re
import subprocess
import tempfile
from pathlib import Path


def run(script: str, data: str, clients: int, seconds: float, base: str,
        zero: tuple[str, ...] = (), positive: tuple[str, ...] = ()) -> dict[str, int]:
    """The counts of the WMS line; the bench stops, showing wrk's output, when a request went
    unanswered, a count in `zero` is not 0, or one in `positive` is 0."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as file:
        file.write(data)
        file.flush()
        result = subprocess.run(
            ["wrk", f"-t{clients}", f"-c{clients}", f"-d{seconds:.0f}s", "--timeout", "10s", "-s",
             str(Path(__file__).with_name(script)), base],
            capture_output=True, text=True, env=os.environ | {"WMS_BENCH_DATA": file.name}, check=True,
        )
    found = re.search(r"^WMS (.*)$", result.stdout, re.MULTILINE)
    counts = {name: int(value) for name, value in (pair.split("=") for pair in found[1].split())} if found else {}
    if (not found or "Socket errors" in result.stdout or any(counts[name] for name in zero)
            or not all(counts[name] for name in positive)):
        raise SystemExit(f"{script}: requests refused or not answered:\n{result.stdout}")
    return counts
