# readout-kg: `make run` builds the seeds' graph and every export; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT ?= out

.PHONY: install run test test-deps lint bench bench-quick docs clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: install
	$(BIN)/kg run seeds -o $(OUT)

test: install test-deps
	$(BIN)/python -m pytest -q

# Things the tests use that pip does not install (headless Chromium, servers): best effort, a
# test whose tool is missing skips and says why.
test-deps:
	@bash scripts/test-deps.sh

lint: install
	$(BIN)/ruff check kg tests bench
	$(BIN)/mypy

docs: install
	$(BIN)/kg docs -o docs/ontology.md

bench: install
	$(BIN)/python -m bench.run

bench-quick: install
	$(BIN)/python -m bench.run --quick

clean:
	rm -rf $(OUT) .pytest_cache .mypy_cache .ruff_cache
