# Newsroom — `make run` serves the demo site, `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
DEV_ENV := DEBUG=1

.PHONY: help install run serve tasks migrate demo test e2e lint format bench soak backup clean

help:
	@echo "make run    - install, migrate, load the demo and serve http://$(HOST):$(PORT) with gunicorn + the job worker"
	@echo "make tasks  - the background-job worker alone (manage.py run_tasks --forever; make run starts one)"
	@echo "make test   - the whole test suite (pytest)"
	@echo "make lint   - ruff and the import-linter layer contract (.importlinter)"
	@echo "make bench  - benchmark figures"
	@echo "make backup - database + media into BACKUP_DIR/<timestamp>/ (restore: manage.py restore_site DIR --yes)"
	@echo "make clean  - remove the virtualenv, the SQLite database and media"

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

migrate: install
	$(DEV_ENV) $(PY) manage.py migrate --noinput

demo: migrate
	$(DEV_ENV) $(PY) manage.py load_demo --if-empty
	$(DEV_ENV) $(PY) manage.py render_pages

run: demo serve

# The background-job worker runs beside gunicorn and stops when gunicorn stops (after finishing its current job).
serve: install
	@echo "Newsroom: http://$(HOST):$(PORT)/  (editors: http://$(HOST):$(PORT)/admin/; background jobs: admin → 背景工作)"
	$(DEV_ENV) $(PY) manage.py run_tasks --forever & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(DEV_ENV) GUNICORN_BIND=$(HOST):$(PORT) WEB_CONCURRENCY=2 $(VENV)/bin/gunicorn newsroom.wsgi

tasks: install
	$(DEV_ENV) $(PY) manage.py run_tasks --forever

test: install
	$(PY) -m pytest

bench: install
	$(PY) -m bench

soak: install
	$(PY) -m bench.soak

e2e: install
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)
	$(PY) -m pytest tests/e2e

# Uses the environment's settings (DATABASE_URL, MEDIA_ROOT, BACKUP_DIR); on a dev checkout: DEBUG=1 make backup.
backup: install
	$(PY) manage.py backup_site

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm media staticfiles test-db.sqlite3*
