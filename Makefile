# The two commands of the README: `make demo` and `make test`. Everything else is plumbing.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
WAVES ?= demo-2013 demo-2014
JOBS ?=

.PHONY: demo test lab lint docs clean-reports system-deps help

help:
	@echo "make demo   set up .venv, write the demo waves, run the whole pipeline"
	@echo "make test   set up .venv if needed and run the tests"
	@echo "make lab    open JupyterLab with the project's kernel"
	@echo "make lint   ruff over the package, tests and notebooks"
	@echo "make docs   regenerate docs/variables.md from the codebook"

# Debian libraries WeasyPrint needs for PDF (pango, harfbuzz), fonts, poppler and Chromium for the
# tests that read the reports as a reader does, npm when missing; installed only when missing.
system-deps:
	@bash scripts/system-deps.sh

# axe-core, which the tests run in Chromium to check the pages' accessibility, comes from
# npm at the version package-lock.json pins (into node_modules/, no install script run).
$(STAMP): pyproject.toml package-lock.json
	@$(MAKE) --no-print-directory system-deps
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	@touch $(STAMP)

demo: $(STAMP)
	@for w in $(WAVES); do \
	  if [ ! -d data/raw/$$w ]; then $(BIN)/welfare demo-data $$w || exit 1; fi; \
	done
	@for w in $(WAVES); do $(BIN)/welfare run $$w $(if $(JOBS),--jobs $(JOBS)) || exit 1; done
	@echo
	@for w in $(WAVES); do echo "Report of $$w: $(CURDIR)/reports/$$w/index.html"; done

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks

lint: $(STAMP)
	$(BIN)/ruff check pipeline tests notebooks benchmarks

docs: $(STAMP)
	$(BIN)/welfare docs
