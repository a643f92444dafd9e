# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint typecheck unit install install-test clean bench install-bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Exact versions come from constraints.txt, so every machine installs the same set.
$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) install --quiet -c constraints.txt -e '.[test]'
	touch $@ $(VENV)/.installed

$(VENV)/.installed-bench: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) install --quiet -c constraints.txt -e '.[test,bench]'
	touch $@ $(VENV)/.installed $(VENV)/.installed-test

# Front-end tools for the browser tests (axe-core), pinned by package-lock.json.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test
install-bench: $(VENV)/.installed-bench

run: install
	$(BIN)/impact-search index --if-missing
	$(BIN)/impact-search serve --host $(HOST) --port $(PORT)

lint: install-test
	$(BIN)/ruff check indexer search_service tests bench

typecheck: install-test
	$(BIN)/mypy

unit: install-test node_modules/.installed
	$(BIN)/pytest

test: lint typecheck unit

# Speed and ranking quality; not part of `make test` (see bench/README.md). BENCH_SIZES=1000,10000,100000
# adds the 100k run; the NFCorpus comparison skips itself when ../shared is absent.
BENCH_SIZES ?= 1000,10000
bench: install-bench
	$(BIN)/python -m bench.run --sizes $(BENCH_SIZES)
	$(BIN)/python -m bench.relevance --split test --out bench/results/nfcorpus-test.json

clean:
	rm -rf $(VENV) instance .mypy_cache .ruff_cache .pytest_cache
