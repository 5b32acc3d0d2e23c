# Every target sets itself up: a virtualenv in .venv built from the pinned requirements.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run test lint bench loadtest demo remind clean

$(VENV)/.app-installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: $(VENV)/.app-installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.app-installed
	$(PY) -m streamlit run app.py --server.port $(PORT)

demo: $(VENV)/.app-installed
	$(PY) -m lib.sample

# Reminder emails, for a daily cron job; `make remind ARGS=--dry-run` prints them instead.
remind: $(VENV)/.app-installed
	$(PY) -m lib.remind $(ARGS)

lint: $(VENV)/.dev-installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

test: lint
	$(PY) -m pytest

bench: $(VENV)/.dev-installed
	$(PY) -m bench.run

loadtest: $(VENV)/.dev-installed
	$(PY) -m bench.loadtest

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-output

# st-gsheets-connection pins gspread below 6, so it gets a virtualenv of its own, with the same
# streamlit, pandas and requests as the app where they are compatible.
PEER_VENV := .venv-peer
PEER_PINS := $(shell grep -E '^(streamlit|pandas|requests)==' requirements.txt | cut -d' ' -f1)

$(PEER_VENV)/.installed: requirements.txt
	test -x $(PEER_VENV)/bin/python || python3.11 -m venv $(PEER_VENV)
	$(PEER_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(PEER_VENV)/bin/python -m pip install --quiet st-gsheets-connection==0.1.0 $(PEER_PINS)
	touch $@

.PHONY: bench-compare
bench-compare: $(VENV)/.dev-installed $(PEER_VENV)/.installed
	$(PY) -m bench.compare
