# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run serve-prod audit test lint typecheck unit install install-test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Exact versions come from constraints.txt, so every machine installs the same set.
$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) install --quiet -c constraints.txt -e '.[test]'
	touch $@ $(VENV)/.installed

# Front-end tools for the browser tests (axe-core), pinned by package-lock.json.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

run: install
	$(BIN)/impact-search index --if-missing
	$(BIN)/impact-search serve --host $(HOST) --port $(PORT)

# Production: gunicorn worker processes; put nginx in front (see the README).
serve-prod: install
	$(BIN)/impact-search index --if-missing
	$(BIN)/impact-search serve --prod --host $(HOST) --port $(PORT)

# Known vulnerabilities in the pinned dependencies (needs PyPI's JSON API on the network).
audit: install-test
	$(BIN)/pip-audit --strict --progress-spinner off --vulnerability-service pypi \
		--no-deps --disable-pip -r constraints.txt

lint: install-test
	$(BIN)/ruff check indexer search_service tests bench

typecheck: install-test
	$(BIN)/mypy

unit: install-test node_modules/.installed
	$(BIN)/pytest

test: lint typecheck unit

clean:
	rm -rf $(VENV) instance .mypy_cache .ruff_cache .pytest_cache
