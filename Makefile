# Entry points. `make demo` and `make test` are the README's first two commands.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Run history survives restarts; telemetry is off (mission data stays on the machine).
export DAGSTER_HOME := $(CURDIR)/.dagster_home

.PHONY: setup system-packages browser demo ui test lint format demo-trackers bench clean templates

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

## Build the June 2018 snapshot from the shipped demo trackers and print its figures.
demo: setup
	$(BIN)/dagster asset materialize -m sr_pipeline.definitions --select '*' --partition 2018-06-01
	$(BIN)/python -m sr_pipeline.figures 2018-06-30

## The Dagster UI (http://127.0.0.1:3000) with everything ready to materialize.
ui: setup
	$(BIN)/dagster dev

## Debian packages the tests need, installed with apt when missing: Chromium for the browser
## test (Playwright cannot download browsers here), LibreOffice Calc and poppler-utils to open,
## print and recalculate the tracker templates.
DEBIAN_PACKAGES := chromium libreoffice-calc-nogui poppler-utils

system-packages:
	@missing=""; for package in $(DEBIAN_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "install ok installed" \
			|| missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		echo "apt-get install$$missing"; \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

## Kept for habit: the browser is one of the system packages.
browser: system-packages

## Lint, format check and the whole test suite.
test: setup system-packages
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Write the fund units' tracker templates into warehouse/templates/ (as the asset does).
templates: setup
	$(BIN)/python -m sr_pipeline.templates warehouse/templates

## Re-make the demo workbooks in sources/trackers/ (deterministic).
demo-trackers: setup
	$(BIN)/python -m sr_pipeline.demo

bench: setup
	$(BIN)/python benchmarks/bench_reader.py

clean:
	rm -rf $(VENV) $(DAGSTER_HOME) warehouse/*.duckdb *.egg-info
