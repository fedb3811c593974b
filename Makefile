# The two commands of the README: `make run` and `make test`. Everything else is their set-up.
# `python` is pinned to 3.13 by .python-version (pyenv).
PYTHON ?= python
VENV_PYTHON := .venv/bin/python
PORT ?= 8000

.PHONY: run test test-fast setup browser setup-browser stop-db

## Install uv (into the pinned Python) and the locked dependencies; npm installs the map data
## (world-atlas: Natural Earth boundaries, read by models_compare/geography.py).
setup:
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --disable-pip-version-check uv
	@$(PYTHON) -m uv sync --frozen --quiet
	npm ci --no-audit --no-fund

## Run the site on http://127.0.0.1:$(PORT) (default 8000) with the embedded database and the curated data.
run: setup
	$(VENV_PYTHON) manage.py migrate --noinput
	$(VENV_PYTHON) manage.py setup_roles
	$(VENV_PYTHON) manage.py load_atlas --if-changed
	$(VENV_PYTHON) manage.py runserver 127.0.0.1:$(PORT)

## Debian's Chromium for the browser tests (Playwright drives /usr/bin/chromium).
setup-browser:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver fonts-dejavu-core >/dev/null; }

## Run the whole test suite (lint, unit, database and browser tests).
test: setup setup-browser
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	$(VENV_PYTHON) manage.py makemigrations --check --dry-run
	$(VENV_PYTHON) -m pytest

## The quick loop while working: lint, formatting, migrations, and every test not marked slow or
## browser (those start servers, read the whole dataset or drive Chromium). A fresh test database.
test-fast: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	$(VENV_PYTHON) manage.py makemigrations --check --dry-run
	$(VENV_PYTHON) -m pytest -q -m "not slow and not browser" --create-db -p no:cacheprovider

## Stop the embedded PostgreSQL server.
stop-db:
	$(VENV_PYTHON) manage.py dbserver stop
