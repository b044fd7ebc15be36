# Everyday commands. `make run` starts the site on http://127.0.0.1:8000 with demo accounts;
# `make test` runs the whole suite (see scripts/run_tests.py).
#
# The virtualenv is made by uv from uv.lock. If uv is not installed, it is fetched from PyPI
# into .tools/ first. No Python is ever downloaded: the machine's python3 (>= 3.11) is used.

PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed-from-lock
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
MANAGE := $(VENV)/bin/python manage.py
# Extra arguments for pytest: make test ARGS="-k portfolio -x"
ARGS ?=

export UV_PYTHON_DOWNLOADS := never

.PHONY: run install test lint format worker beat clean bench bench-reminders

## run: install, migrate, load the demo accounts and start the development server
run: install
	DEBUG=1 $(MANAGE) migrate
	DEBUG=1 $(MANAGE) seed_demo
	DEBUG=1 $(MANAGE) runserver 127.0.0.1:8000

## install: create or update .venv from uv.lock (does nothing when it is up to date)
install: $(STAMP)

$(STAMP): uv.lock pyproject.toml
	@if [ ! -x "$(UV)" ]; then \
		echo "uv is not installed: installing it into .tools/"; \
		$(PYTHON) -m venv .tools && .tools/bin/pip install --quiet --disable-pip-version-check uv; \
	fi
	$(UV) sync --frozen
	@touch $@

## test: lint, migration and deployment checks, then pytest (PostgreSQL, Redis, Chromium)
test: install
	$(VENV)/bin/python scripts/run_tests.py $(ARGS)

## lint: ruff's checks and formatting, without changing anything
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

## format: fix what ruff can fix and format the code
format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## bench: upload a 200 MB file through the real upload path and print the server's peak
## memory growth (must stay under 30 MB), then the reminder-sweep benchmark; benchmarks, not
## part of `make test`
bench: install
	$(VENV)/bin/python scripts/bench_upload.py
	$(VENV)/bin/python scripts/bench_reminders.py

## bench-reminders: time the reminder sweeps at 10,000 and 100,000 rows with the same 200 due
## and print the ratio (needs PostgreSQL); ARGS="--control" also shows what following N looks like
bench-reminders: install
	$(VENV)/bin/python scripts/bench_reminders.py $(ARGS)

## worker: a Celery worker for local use; the site and the worker both need CELERY_BROKER_URL
worker: install
	@test -n "$$CELERY_BROKER_URL" || { echo "Set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0) for both make run and make worker." >&2; exit 2; }
	DEBUG=1 $(VENV)/bin/celery -A lssc worker -l info

## beat: the periodic-job scheduler for local use (schedule in lssc/celery.py)
beat: install
	@test -n "$$CELERY_BROKER_URL" || { echo "Set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0) for make beat and make worker." >&2; exit 2; }
	DEBUG=1 $(VENV)/bin/celery -A lssc beat -l info --scheduler django_celery_beat.schedulers:DatabaseScheduler

## clean: remove the virtualenv, tools and caches (keeps var/, the local database and files)
clean:
	rm -rf $(VENV) .tools .ruff_cache .pytest_cache test-results
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
