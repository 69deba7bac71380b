import signal

import pytest

from tests.handheld.test_the_offline_queue_loses_nothing_and_repeats_nothing import (
    serve,
)
from tests.integration.test_wms_serve_from_a_fresh_data_directory import free_port


@pytest.fixture
def served(database_url):
    """A real `wms serve` on the test's database, stopped after the test: its base URL."""
    port = free_port()
    server = serve(database_url, port)
    yield f"http://127.0.0.1:{port}"
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)
