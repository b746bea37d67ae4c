# Newsroom — `make run` serves the demo site, `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

# `make run` serves with production settings (DEBUG off, the real 404/500 pages, collected static files) on this
# machine. settings.py is not weakened for it: like any deploy, it passes SECRET_KEY and ALLOWED_HOSTS in the
# environment. Without SECRET_KEY in yours, a key is generated once into SECRET_KEY_FILE (git-ignored, mode 0600).
# Plain http on loopback: no HTTPS redirect, cookies not marked Secure, no HSTS.
SECRET_KEY_FILE ?= var/secret_key
RUN_ALLOWED_HOSTS ?= 127.0.0.1,localhost
ifdef SECRET_KEY
RUN_KEY :=
KEY_FILE :=
else
RUN_KEY = SECRET_KEY="$$(cat $(SECRET_KEY_FILE))"
KEY_FILE := $(SECRET_KEY_FILE)
endif
RUN_ENV = DEBUG=0 $(RUN_KEY) ALLOWED_HOSTS=$(RUN_ALLOWED_HOSTS) PLAIN_STATIC=0 \
	SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 SECURE_HSTS_SECONDS=0
# `make dev`: development settings (DEBUG=1: Django's debug pages, static files straight from static/).
DEV_ENV := DEBUG=1
# What the shared targets (migrate, demo, serve, tasks) run with: `make run`'s settings unless `make dev` chose DEBUG.
SITE_ENV = $(RUN_ENV)
# Demo accounts: make run asks for the editor and the writer; DEBUG (make dev) adds the operators' admin account.
DEMO_FLAGS = --accounts

.PHONY: help install run dev serve static tasks migrate demo run-env test e2e lint format bench soak backup clean

help:
	@echo "make run    - install, migrate, load the demo and serve http://$(HOST):$(PORT) with gunicorn + the job worker,"
	@echo "             with production settings (DEBUG off; PORT=8001 make run for another port)"
	@echo "make dev    - the same with DEBUG=1 (Django's debug pages, static files served from static/)"
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

$(SECRET_KEY_FILE):
	@mkdir -p $(dir $@)
	@umask 077 && $(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > $@.tmp && mv $@.tmp $@
	@echo "Generated a secret key for make run in $@ (git-ignored; delete it to log everyone out)."

migrate: install $(KEY_FILE)
	$(SITE_ENV) $(PY) manage.py migrate --noinput

# Production settings serve hashed, compressed files (WhiteNoise's manifest); pages rendered ahead need it too.
static: install $(KEY_FILE)
	$(SITE_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0

demo: migrate static
	$(SITE_ENV) $(PY) manage.py load_demo --if-empty $(DEMO_FLAGS)
	$(SITE_ENV) $(PY) manage.py render_pages

run: demo serve

dev: SITE_ENV = $(DEV_ENV)
dev: DEMO_FLAGS =
dev: demo serve

# The settings `make run` passes in the environment (this machine's generated key included); tests/test_first_run.py
# starts Django with exactly these.
run-env: $(KEY_FILE)
	@$(RUN_ENV) env | grep -E '^(DEBUG|SECRET_KEY|ALLOWED_HOSTS|PLAIN_STATIC|SECURE_[A-Z_]+)=' | sort

# The background-job worker runs beside gunicorn and stops when gunicorn stops (after finishing its current job).
serve: install static
	@echo "Newsroom: http://$(HOST):$(PORT)/  (editors: http://$(HOST):$(PORT)/admin/; background jobs: admin → 背景工作)"
	$(SITE_ENV) $(PY) manage.py run_tasks --forever & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(SITE_ENV) GUNICORN_BIND=$(HOST):$(PORT) WEB_CONCURRENCY=2 $(VENV)/bin/gunicorn newsroom.wsgi

tasks: install $(KEY_FILE)
	$(SITE_ENV) $(PY) manage.py run_tasks --forever

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
