# Two commands: `make run` and `make test`. Everything else is a helper for them.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
# Test processes: one per CPU. The real-worker tests (tests/workers) run alone afterwards,
# since they start Celery workers of their own and share the brokers.
TEST_PROCESSES ?= auto

.PHONY: install browser run migrate seed test bench load format clean

# Exact versions with hashes from requirements.lock (pyproject.toml gives the bounds; README
# says how to refresh the lock), then the project itself.
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) seed

# The web app and its Celery worker (with the beat schedule), stopped together by Ctrl-C.
run: seed
	$(FLASK) users demo
	@echo "Serving on http://$(HOST):$(PORT)/ with a Celery worker (Ctrl-C to stop both)"
	@export PUBLIC_BASE_URL="$${PUBLIC_BASE_URL:-http://$(HOST):$(PORT)}"; \
	$(BIN)/celery -A workers.worker worker -B --loglevel warning --concurrency 2 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; \
	$(FLASK) run --host $(HOST) --port $(PORT)

# Debian's Chromium for the browser tests (tests/browser); Playwright downloads no browser.
# Without root it cannot be installed here: the browser tests then skip (and fail under CI).
browser:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "Chromium is missing (apt-get install chromium): browser tests will skip."; fi; }

test: install browser
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n $(TEST_PROCESSES) --ignore=tests/workers
	$(BIN)/python -m pytest tests/workers

bench: install
	$(BIN)/python -m pytest -p no:cacheprovider tests/benchmarks/bench_pages.py tests/benchmarks/bench_feeds.py tests/benchmarks/bench_search.py tests/benchmarks/bench_reminders.py tests/benchmarks/bench_planning.py \
		--benchmark-only --benchmark-columns=min,median,max,rounds \
		--benchmark-sort=name -o filterwarnings=default

# gunicorn on loopback in production mode (PostgreSQL, Redis) driven by wrk: requests per
# second and p50/p95/p99 per endpoint (tests/benchmarks/load.py says what it needs).
load: install
	$(BIN)/python -m tests.benchmarks.load

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) instance/*.sqlite3 instance/broker instance/celerybeat-schedule* .pytest_cache
