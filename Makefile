# Two commands for a fresh machine:
#   make run   — set up .venv, migrate, load the seed data, serve http://127.0.0.1:8000 (SQLite)
#   make test  — checks, then the whole suite on SQLite and on a throwaway PostgreSQL 15
# and one for production: make serve (gunicorn, DEBUG off; README「本番運用」)

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TEST_ENV := DJANGO_SETTINGS_MODULE=nemuro_strategy.settings_test

.PHONY: run serve test install check test-sqlite test-postgres lint clean tools bench runtime-libs

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# WeasyPrint's system libraries (pango, from Debian) for the PDFs: installed when missing (as root)
runtime-libs:
	$(PY) scripts/install_test_tools.py --runtime

run: $(STAMP) runtime-libs
	DJANGO_DEBUG=true $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=true $(PY) manage.py seed
	DJANGO_DEBUG=true $(PY) manage.py runserver 127.0.0.1:8000

# Production on this machine (README「本番運用」): DEBUG off, the environment from .env when there
# is one (its values win), static files collected for whitenoise, migrations applied, then gunicorn
# with gunicorn.conf.py in the foreground. SECRET_KEY and ALLOWED_HOSTS are required.
serve: $(STAMP) runtime-libs
	@set -e; \
	if [ -f .env ]; then echo "==> .env を読み込みます"; set -a; . ./.env; set +a; fi; \
	export DJANGO_DEBUG=false; \
	test -n "$$SECRET_KEY" || { echo "SECRET_KEY を環境変数か .env で指定してください（.env.example を参照）" >&2; exit 1; }; \
	test -n "$$ALLOWED_HOSTS" || { echo "ALLOWED_HOSTS を環境変数か .env で指定してください（例: strategy.example.jp）" >&2; exit 1; }; \
	echo "==> manage.py check --deploy"; $(PY) manage.py check --deploy; \
	echo "==> collectstatic"; $(PY) manage.py collectstatic --noinput -v 0; \
	echo "==> migrate"; $(PY) manage.py migrate --noinput; \
	echo "==> gunicorn -c gunicorn.conf.py nemuro_strategy.wsgi"; \
	exec $(VENV)/bin/gunicorn -c gunicorn.conf.py nemuro_strategy.wsgi

check: $(STAMP)
	$(TEST_ENV) $(PY) manage.py check
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run

# Browser, accessibility and HTML-validity tools (Chromium, a CJK font, axe-core, vnu-jar) and
# redis-server: installed by the project itself; the browser tests and the gunicorn test (marker
# server) run once, in the SQLite pass;
# each pass starts its own throwaway redis-server (tests/conftest.py: redis_url).
tools: $(STAMP)
	$(PY) scripts/install_test_tools.py

test-sqlite: $(STAMP) tools
	$(TEST_ENV) $(PY) -m pytest

test-postgres: $(STAMP) tools
	$(TEST_ENV) $(PY) scripts/with_postgres.py $(PY) -m pytest -m "not browser and not server"

bench: $(STAMP)
	DJANGO_DEBUG=true $(PY) manage.py bench

# The two passes run side by side (each prints its output when it ends) to keep `make test` well
# under ten minutes on a 2-core machine; `make test-sqlite` or `make test-postgres` runs one.
test: lint check
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

# ruff, and the layers (import-linter, contracts in pyproject.toml): strategy <- kpi <- verification
# <- nemuro_strategy; a module never imports a layer above its own.
lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(VENV) .pytest_cache .cache db.sqlite3
