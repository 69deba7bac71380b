"""A real PgBouncer (Debian's `pgbouncer`, installed by tests/install_system_packages.sh)
with deploy/'s configuration (transaction pooling), on a free port, in front of the tests' PostgreSQL."""

import configparser
import os
import pwd
import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit, urlunsplit

from tests.serving import free_port

BINARY = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
DEPLOYED = Path(__file__).resolve().parents[2] / "deploy" / "pgbouncer" / "pgbouncer.ini"


def installed() -> bool:
    return os.access(BINARY, os.X_OK)


class PgBouncer:
    """`pool_size` server connections per database, whatever the number of clients. Servers are
    handed out in turn (server_round_robin), so a client's next transaction lands on another
    server connection as soon as there are two: what breaks a statement prepared on the last one."""

    def __init__(self, postgres_url: str, folder: Path, pool_size: int = 4) -> None:
        target = urlsplit(postgres_url)
        # asyncpg's URL for a Unix socket names its directory in ?host=; libpq's default port
        host = parse_qs(target.query).get("host", [target.hostname])[0]
        self.user = target.username or "postgres"
        self.port = free_port()
        self._target = target
        auth = folder / "users.txt"
        auth.write_text(f'"{self.user}" "{target.password or ""}"\n')
        ini = configparser.ConfigParser()
        ini.optionxform = str
        ini.read(DEPLOYED)
        ini["databases"] = {"*": f"host={host} port={target.port or 5432}"}  # any database: each test has its own
        ini["pgbouncer"].update({"listen_addr": "127.0.0.1", "listen_port": str(self.port), "auth_type": "trust",
                                 "auth_file": str(auth), "default_pool_size": str(pool_size), "server_round_robin": "1"})
        assert ini["pgbouncer"]["pool_mode"] == "transaction"
        config = folder / "pgbouncer.ini"
        with config.open("w") as out:
            ini.write(out)
        self.log = folder / "pgbouncer.log"
        # PgBouncer refuses to run as root; it reads its files first, then becomes the user who
        # may open PostgreSQL's socket (the embedded one's directory is its owner's alone)
        user = ["-u", pwd.getpwuid(Path(host).stat().st_uid if host.startswith("/") else 65534).pw_name] if os.geteuid() == 0 else []
        self.process = subprocess.Popen([BINARY, *user, str(config)], stdout=self.log.open("w"), stderr=subprocess.STDOUT)
        self._wait_listening()

    def _wait_listening(self) -> None:
        deadline = time.monotonic() + 10
        while "listening on" not in self.log.read_text():
            assert self.process.poll() is None and time.monotonic() < deadline, self.log.read_text()
            time.sleep(0.05)

    def url(self, database_url: str) -> str:
        """The same database as database_url, through PgBouncer."""
        database = urlsplit(database_url).path
        return urlunsplit(("postgresql", f"{self.user}@127.0.0.1:{self.port}", database, "", ""))

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
