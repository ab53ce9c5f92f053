# borderflow — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

# Compiled kernels are cached per project so each new process does not recompile.
export NUMBA_CACHE_DIR := $(CURDIR)/.cache/numba
export NIXTLA_NUMBA_CACHE := 1
export MPLBACKEND := Agg

.PHONY: run test test-fast lint typecheck pytest bench validation install clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,bench]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/borderflow load
	$(BIN)/borderflow serve --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench tools
	$(BIN)/ruff format --check src tests bench tools

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/python -m pytest -q

test: lint typecheck pytest

# The inner loop: lint, types and every test but the long theory checks (marked slow).
test-fast: lint typecheck
	$(BIN)/python -m pytest -q -m "not slow"

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

# Regenerates the validation reports in docs/ (minutes; not part of make test).
validation: $(STAMP)
	for f in tools/validate_*.py; do $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) .cache .pytest_cache .mypy_cache .ruff_cache .hypothesis
