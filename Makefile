# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run serve-prod audit test lint typecheck unit install install-test assets docs wheel screenshots clean bench install-bench mutate install-mutate

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

# Front-end packages, pinned by package-lock.json: the NHS.UK frontend for the pages and
# axe-core for the browser tests.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

$(VENV)/.installed-mutate: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) install --quiet -c constraints.txt -e '.[test,mutate]'
	touch $@ $(VENV)/.installed $(VENV)/.installed-test

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test
install-bench: $(VENV)/.installed-bench
install-mutate: $(VENV)/.installed-mutate

# The pages' NHS.UK frontend (built CSS, JS and icons) is committed in web/vendor, so that
# installing needs no Node; nothing is loaded from a CDN. `make assets` refreshes it from npm
# after package.json moves to a new version (a test checks the copy matches package-lock.json).
assets: node_modules/.installed
	$(PYTHON) scripts/vendor_assets.py

# The tables in the README (settings) and docs/adding-a-case-study.md (fields, vocabularies)
# are generated from search_service/settings.py, corpus/schema.json and corpus/vocabularies.json.
docs: install
	$(BIN)/python scripts/docs_tables.py

# Rebuilds the index when the case studies in CORPUS changed since it was built (and says so):
# `make run CORPUS=path/to/cases` serves your own.
CORPUS ?= corpus/cases
run: install
	$(BIN)/impact-search index --if-stale --corpus $(CORPUS)
	$(BIN)/impact-search serve --host $(HOST) --port $(PORT)

# Production: gunicorn worker processes; put nginx in front (see the README).
serve-prod: install
	$(BIN)/impact-search index --if-missing
	$(BIN)/impact-search serve --prod --host $(HOST) --port $(PORT)

# Known vulnerabilities in the pinned dependencies (needs PyPI's JSON API on the network).
# Fails on a known vulnerability; pins whose data cannot be fetched are listed, not failed
# (see README: "Dependency audit").
audit: install-test
	$(BIN)/pip-audit --progress-spinner off --vulnerability-service pypi \
		--no-deps --disable-pip -r constraints.txt

lint: install-test
	$(BIN)/ruff check indexer search_service tests bench scripts

typecheck: install-test
	$(BIN)/mypy

# Line and branch coverage of the packages, reported (no threshold). Code that only runs in
# the gunicorn and indexer subprocesses the tests start is not counted.
# node_modules: axe-core for the browser tests, and nhsuk-frontend to check web/vendor against.
unit: install-test node_modules/.installed
	$(BIN)/pytest --cov --cov-report=term

test: lint typecheck unit

# Speed and ranking quality; not part of `make test` (see bench/README.md). BENCH_SIZES=1000,10000,100000
# adds the 100k run; the NFCorpus comparison skips itself when ../shared is absent.
BENCH_SIZES ?= 1000,10000
bench: install-bench
	$(BIN)/python -m bench.run --sizes $(BENCH_SIZES)
	$(BIN)/python -m bench.relevance --split test --out bench/results/nfcorpus-test.json
	$(BIN)/python -m bench.importer --count 1000
	$(BIN)/python -m bench.insights --size 10000
	$(BIN)/python -m bench.cards --out bench/results/cards.json

# The wheel carries web/ (with the committed web/vendor) as search_service/_data/web.
wheel: install-test
	$(BIN)/python -m build --wheel

# 375 px and 1280 px screenshots of every page type, into docs/screenshots.
screenshots: install-test
	$(BIN)/python scripts/screenshots.py

# Mutation testing (see docs/mutation.md); not in CI: 1,900 mutants take hours on 2 cores.
# Each module's mutants run only the fast tests that call the mutated function; MUTANTS picks
# some (e.g. MUTANTS='indexer.generations*'). Results stay in mutants/ between runs.
# MUTATE_JOBS=1 keeps it to one test process on a machine shared with other work.
MUTATE_JOBS ?= 2
MUTANTS ?= indexer.generations* indexer.facets* indexer.sources.corpus* \
	search_service.engine.query* search_service.engine.params* \
	search_service.engine.snippets* search_service.production.security* \
	search_service.engine.search.x__facet_mask* search_service.engine.search.x__base_mask* \
	search_service.engine.search.x_filter_mask* search_service.engine.search.x__count* \
	search_service.engine.search.x_facet_counts*
mutate: install-mutate
	nice $(BIN)/mutmut run --max-children $(MUTATE_JOBS) $(foreach m,$(MUTANTS),'$(m)')
	$(BIN)/python scripts/mutation_score.py

clean:
	rm -rf $(VENV) node_modules instance .mypy_cache .ruff_cache .pytest_cache mutants
