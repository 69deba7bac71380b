from tests.handheld.conftest import served  # noqa: F401 (a real `wms serve` for the station to talk to)
