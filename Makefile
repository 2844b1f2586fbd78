# Entry points. `make demo` and `make test` are the README's first two commands.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The service's DAGSTER_HOME: yours if you set one, else sr_pipeline.service's default
# (.service/dagster_home), so that it never replaces the one-person instance below.
SERVICE_DAGSTER_HOME := $(DAGSTER_HOME)
# One-person use (make demo, make ui): run history survives restarts; telemetry is off
# (mission data stays on the machine).
export DAGSTER_HOME := $(CURDIR)/.dagster_home

# Debian packages: the service's (PostgreSQL for Dagster's history, nginx and htpasswd for the
# proxy) and, for the tests, Debian's Chromium (Playwright cannot download browsers here),
# LibreOffice Calc and poppler-utils (to open, print and recalculate the tracker templates),
# openssl (self-signed certificates for the TLS tests), iproute2 (`ss`: what listens on TCP)
# and Debian's python3 (to connect to the service's sockets as another account).
# The bulletin's PDF (every month build, `make demo` included): WeasyPrint needs Pango and a
# font with every accent (DejaVu).
SERVICE_PACKAGES := postgresql nginx apache2-utils
BULLETIN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
DEBIAN_PACKAGES := $(SERVICE_PACKAGES) $(BULLETIN_PACKAGES) chromium libreoffice-calc-nogui \
	poppler-utils openssl iproute2 python3

.PHONY: setup debian-packages service-packages bulletin-packages browser demo ui serve serve-stop \
	serve-status test test-fast lint format demo-trackers bench bench-month mutation clean templates \
	portal portal-stop bench-portal

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

$(DAGSTER_HOME)/dagster.yaml: sr_pipeline/defs/dagster.yaml
	mkdir -p $(DAGSTER_HOME)
	cp sr_pipeline/defs/dagster.yaml $@

setup: $(VENV)/.installed $(DAGSTER_HOME)/dagster.yaml

# Dagster's console logger at WARNING: a run that works prints nothing, a failure its error.
QUIET_RUN = '{"loggers": {"console": {"config": {"log_level": "WARNING"}}}}'

## Build the June 2018 snapshot from the shipped demo trackers and print its figures.
demo: setup bulletin-packages
	VIRTUAL_ENV=$(CURDIR)/$(VENV) $(BIN)/dg launch --assets '*' --partition 2018-06-01 --config-json $(QUIET_RUN)
	$(BIN)/python -m sr_pipeline.figures 2018-06-30

## The Dagster UI (http://127.0.0.1:3000) with everything ready to materialize.
ui: setup
	$(BIN)/dagster dev

# apt-get install the packages of $(1) that are not installed (sudo unless root).
define apt_install
	@missing=$$(for p in $(1); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed$$' \
			|| echo $$p; done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		echo "apt-get install $$missing"; \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi
endef

## Every Debian package the tests need (only the missing ones are installed).
debian-packages:
	$(call apt_install,$(DEBIAN_PACKAGES))

service-packages:
	$(call apt_install,$(SERVICE_PACKAGES))

## What a month build needs to print the bulletin (on a fresh machine of this kind, already there).
bulletin-packages:
	$(call apt_install,$(BULLETIN_PACKAGES))

browser: debian-packages

## The section's service on this machine: PostgreSQL, code server, daemon, webservers
## (UI on http://127.0.0.1:$${SR_UI_PORT:-3000}), nginx when SR_PROXY_HTPASSWD is set.
serve: setup service-packages
	DAGSTER_HOME=$(SERVICE_DAGSTER_HOME) $(BIN)/python -m sr_pipeline.service start

serve-stop:
	DAGSTER_HOME=$(SERVICE_DAGSTER_HOME) $(BIN)/python -m sr_pipeline.service stop

serve-status:
	DAGSTER_HOME=$(SERVICE_DAGSTER_HOME) $(BIN)/python -m sr_pipeline.service status

## The fund units' portal on http://127.0.0.1:$${SR_PORTAL_PORT:-8090} (embedded SQLite store in
## .portal/); add accounts with python -m sr_pipeline.portal add-user. portal-stop stops it.
portal: setup
	$(BIN)/python -m sr_pipeline.portal start

portal-stop:
	$(BIN)/python -m sr_pipeline.portal stop

## Lint, format check and the whole test suite.
test: setup debian-packages
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q

## Lint, format check and the fast tests: units, SQL, reader (no Dagster run, server, browser,
## LibreOffice or pip; tests marked `slow` are left out). Under two minutes on 2 cores.
test-fast: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q -m "not slow"

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Write the fund units' tracker templates into warehouse/templates/ (as the asset does).
templates: setup
	$(BIN)/python -m sr_pipeline.templates warehouse/templates

## Re-make the demo workbooks in sources/trackers/ (deterministic).
demo-trackers: setup
	$(BIN)/python -m demo

bench: setup
	$(BIN)/python benchmarks/bench_reader.py

## How long the portal takes to check a demo-size and a 100,000-row tracker (docs/performance.md).
bench-portal: setup
	$(BIN)/python benchmarks/bench_portal.py

## The performance table in one run (benchmarks/bench_month.py: month, memory, floor, backfill,
## rows and versions scaling, DuckLake against file; ~20 minutes on 2 cores). Pass options with
## BENCH_ARGS, e.g. make bench-month BENCH_ARGS=--quick (one repeat, a few minutes).
bench-month: setup
	$(BIN)/python benchmarks/bench_month.py $(BENCH_ARGS)

## Mutation testing of the reader, the evaluator, the safety checks, recording, publishing and
## the SQL (slow: about 2 hours on 2 cores; not part of `make test`; waits for any other run on
## the machine). --only: MUTATION_ARGS="--only sql/marts". Scores: docs/performance.md, "Test strength".
mutation: setup
	nice -n 19 $(BIN)/python benchmarks/mutation.py $(MUTATION_ARGS)

clean:
	rm -rf $(VENV) $(DAGSTER_HOME) warehouse/*.duckdb *.egg-info .portal
