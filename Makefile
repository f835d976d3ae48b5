# samarkiv: two commands for a newcomer on a fresh Debian machine.
#   make run   archive with demo data at http://localhost:8000
#   make test  the whole suite, on SQLite and again on PostgreSQL
# System packages are installed only when missing (as root, or through sudo).

SHELL := /bin/bash
.DEFAULT_GOAL := help
.NOTPARALLEL:

VENV := .venv
STAMP := $(VENV)/.installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Shell snippet: install the Debian packages named in $$pkgs, if any (one apt-get update).
APT_INSTALL = if [ -n "$$pkgs" ]; then \
	  echo "Installing system packages:$$pkgs"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$pkgs; \
	fi

# Shell snippet: add python3 / python3-venv to $$pkgs when no usable Python 3.11 is there.
NEED_PYTHON = py=$$(command -v python3.11 || command -v python3 || true); \
	if [ -z "$$py" ]; then pkgs="$$pkgs python3 python3-venv"; \
	elif ! "$$py" -c 'import ensurepip, venv' 2>/dev/null; then pkgs="$$pkgs python3-venv"; fi

.PHONY: help run test lint bench system-run system-test

help:
	@echo "make run    install what is missing, load demo data, serve http://localhost:8000"
	@echo "make test   install what is missing, run the whole suite (SQLite + PostgreSQL)"
	@echo "make lint   ruff check + ruff format --check"
	@echo "make bench  run the benchmarks (validator, audit log, search, SIARD, plan, portal)"

system-run:
	@pkgs=""; $(NEED_PYTHON); $(APT_INSTALL)

system-test:
	@pkgs=""; $(NEED_PYTHON); \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || pkgs="$$pkgs postgresql"; \
	test -x /usr/bin/chromium || pkgs="$$pkgs chromium"; \
	test -d /usr/share/fonts/truetype/liberation || pkgs="$$pkgs fonts-liberation"; \
	command -v mariadbd >/dev/null || test -x /usr/sbin/mariadbd || pkgs="$$pkgs mariadb-server"; \
	command -v wrk >/dev/null || pkgs="$$pkgs wrk"; \
	command -v pdftoppm >/dev/null || pkgs="$$pkgs poppler-utils"; \
	command -v npm >/dev/null || pkgs="$$pkgs npm"; \
	$(APT_INSTALL)

$(VENV)/bin/python:
	@py=$$(command -v python3.11 || command -v python3); \
	echo "Creating $(VENV) with $$py"; "$$py" -m venv $(VENV)

# Reinstall only when pyproject.toml changed since the last successful install.
$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(VENV)/bin/python -m pip install --quiet -e '.[test]'
	@touch $@

# axe-core (npm) for the accessibility tests of the portal, kept inside the venv.
AXE := $(VENV)/axe/node_modules/axe-core/axe.min.js
$(AXE):
	npm install --silent --no-audit --no-fund --prefix $(VENV)/axe axe-core@4

run: system-run $(STAMP)
	$(VENV)/bin/samarkiv demo
	@echo "Log in at http://localhost:8000/staff/login/ with a demo account from $${SAMARKIV_HOME:-var}/demo-credentials.txt"
	$(VENV)/bin/samarkiv serve --host 127.0.0.1 --port 8000

test: system-test $(STAMP) $(AXE)
	$(VENV)/bin/python -m pytest --durations=15
	# The database tests again on PostgreSQL; the leak property test has run its 500
	# examples on SQLite just before, here 100 check the PostgreSQL queries.
	SAMARKIV_TEST_DB=postgresql SAMARKIV_LEAK_EXAMPLES=100 $(VENV)/bin/python -m pytest -m db --durations=15

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks

bench: $(STAMP)
	$(VENV)/bin/python benchmarks/validate.py
	$(VENV)/bin/python benchmarks/auditlog.py
	$(VENV)/bin/python benchmarks/search.py --backend tantivy
	$(VENV)/bin/python benchmarks/siard.py
	$(VENV)/bin/python benchmarks/plan.py
	$(VENV)/bin/python benchmarks/portal.py --home var/bench-portal
