# Lianfang — every set-up step lives here, so that a fresh machine needs only Python 3.11 and Node/npm.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
VENDOR := static/vendor
DEMO_ENV := DEBUG=1 HUEY_IMMEDIATE=0
# The suite runs in parallel (pytest-xdist); TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= auto
# `make wheels` fills the wheelhouse on a machine with the package registries; `make install OFFLINE=1`
# installs from it alone, on a machine without them (docs/deploy.md, "An offline installation").
WHEELHOUSE ?= var/wheelhouse
ifeq ($(OFFLINE),1)
PIP_FROM := --no-index --find-links $(WHEELHOUSE)
else
PIP_FROM :=
endif

.DEFAULT_GOAL := help
.PHONY: help install wheels static migrate demo demo-data serve test lint typecheck bench messages lock clean screenshots cluster cluster-down load

help: ## List every target
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/pip install -q $(PIP_FROM) --upgrade pip setuptools wheel
	$(BIN)/pip install -q $(PIP_FROM) -c requirements.lock -e '.[dev]'
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

ifeq ($(OFFLINE),1)
# Offline: the front-end files that `make wheels` copied beside the wheels (no npm, no registry).
$(VENDOR)/.copied: $(WHEELHOUSE)/vendor/.copied
	mkdir -p $(VENDOR)
	cp -R $(WHEELHOUSE)/vendor/. $(VENDOR)/
	touch $@
else
# The source maps too: the minified files name them, and the production start's hashed manifest
# (collectstatic) refuses a reference to a file that is not there.
$(VENDOR)/.copied: node_modules/.package-lock.json Makefile
	mkdir -p $(VENDOR)/tabler $(VENDOR)/htmx $(VENDOR)/echarts
	cp node_modules/@tabler/core/dist/css/tabler.min.css node_modules/@tabler/core/dist/css/tabler.min.css.map $(VENDOR)/tabler/
	cp node_modules/@tabler/core/dist/js/tabler.min.js node_modules/@tabler/core/dist/js/tabler.min.js.map $(VENDOR)/tabler/
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts/
	touch $@
endif

wheels: $(VENDOR)/.copied | $(BIN)/python ## A wheelhouse of every pinned package and the front-end files, for `make install OFFLINE=1`
	$(BIN)/pip wheel -q -w $(WHEELHOUSE) pip setuptools wheel -r requirements.lock
	mkdir -p $(WHEELHOUSE)/vendor
	cp -R $(VENDOR)/. $(WHEELHOUSE)/vendor/
	@echo "$(WHEELHOUSE): $$(ls $(WHEELHOUSE)/*.whl | wc -l) wheels and the front-end files"

install: $(VENV)/.installed $(VENDOR)/.copied ## Create the virtual environment and install Python and npm packages

static: $(VENDOR)/.copied ## Copy front-end packages from node_modules into static/vendor

migrate: install ## Apply database migrations (SQLite under var/ unless DATABASE_URL is set)
	$(DEMO_ENV) $(BIN)/lianfang migrate --noinput

demo-data: migrate ## Load the Shangjie demo data and exit
	$(DEMO_ENV) $(BIN)/lianfang demo

demo: demo-data ## Run the system on SQLite with the Shangjie demo data at http://127.0.0.1:8000
	@$(DEMO_ENV) $(BIN)/lianfang run_huey --quiet & consumer=$$!; \
	trap "kill $$consumer 2>/dev/null" EXIT INT TERM; \
	$(DEMO_ENV) $(BIN)/lianfang runserver 127.0.0.1:8000

test: install ## Run the whole test suite (set DATABASE_URL for PostgreSQL)
	$(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: install ## ruff, mypy and import-linter (the core imports no practice app; no import cycles)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=1 $(BIN)/mypy
	$(BIN)/lint-imports --no-cache

bench: install ## Benchmarks: each prints a ratio against a baseline measured in the same run
	$(BIN)/python -m bench

cluster: install ## Start the local cluster of docs/deploy.md (nginx, 2 app servers, PostgreSQL primary + replica, Redis, 2 consumers)
	deploy/cluster up

cluster-down: ## Stop what `make cluster` started (deploy/cluster down --wipe also removes its data)
	deploy/cluster down

load: cluster ## The cluster under a stepped load (locust, headless); prints its goal lines, CSV in var/load/
	$(BIN)/python -m tools.load --host https://127.0.0.1:8443 --ca var/cluster/tls/cert.pem --out var/load

screenshots: install ## The README's pictures of the main pages (desktop and phone) into docs/screenshots/, from a fresh demo
	$(BIN)/python -m tools.screenshots

messages: install ## Extract UI strings and compile translations (needs gettext; the .mo files are committed)
	cd lianfang && ../$(BIN)/lianfang makemessages -l zh_Hans -l en --no-obsolete --ignore 'static/*'
	cd lianfang && ../$(BIN)/lianfang compilemessages

lock: $(BIN)/python ## Re-pin Python dependencies into requirements.lock after changing pyproject.toml
	$(BIN)/pip install -q -e '.[dev]'
	$(BIN)/pip freeze --exclude-editable --exclude lianfang > requirements.lock

clean: ## Remove the virtual environment, node_modules, copied assets and var/
	rm -rf $(VENV) node_modules $(VENDOR) var
