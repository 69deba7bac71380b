# The two commands of the quick start: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test install install-test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

install: $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check -q -e .

install-test: $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check -q -e '.[test]'

run: install
	$(BIN)/wms serve --demo

# Debian packages some tests need (CUPS, Mesa, poppler, chromium, PgBouncer, Caddy) are installed
# when we are root with apt-get: tests/install_system_packages.sh says which and why.
test: install-test
	sh tests/install_system_packages.sh
	# Both cores: the suite mostly waits on servers, browsers and sleeps. A file's tests stay
	# together on one worker (module-wide fixtures: the console's browser and server).
	$(BIN)/pytest -n 2 --dist loadfile

# wrk (a C load generator) drives the single-order HTTP benchmark; installed when root with apt-get.
bench: install-test
	$(BIN)/pip install --disable-pip-version-check -q -e '.[test,bench]'
	command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null; } || true
	$(BIN)/python -m bench.cold_start
	$(BIN)/python -m bench.moves
	$(BIN)/python -m bench.orders
	$(BIN)/python -m bench.events
	$(BIN)/python -m bench.picking
	$(BIN)/python -m bench.handheld
	$(BIN)/python -m bench.packing
	$(BIN)/python -m bench.console
	$(BIN)/python -m bench.receiving
	$(BIN)/python -m bench.shift
	$(BIN)/python bench/labels_bench.py
	$(BIN)/python bench/walk_bench.py

clean:
	rm -rf $(VENV) .wms .pytest_cache
