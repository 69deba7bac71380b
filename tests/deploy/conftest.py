import pytest

from tests.deploy.pgbouncer import PgBouncer, installed


@pytest.fixture
def pgbouncer(server_url, tmp_path):
    """A PgBouncer in transaction pooling in front of the tests' PostgreSQL (any database on it)."""
    if not installed():
        pytest.skip("no pgbouncer: make test installs Debian's when run as root with apt-get (tests/install_system_packages.sh)")
    bouncer = PgBouncer(server_url, tmp_path)
    yield bouncer
    bouncer.stop()
