# thematiek: `make demo` and `make test` work from a fresh clone with Python 3.11+ and make.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck pytest model bench fuzz coverage clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,spark]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/thematiek tag corpus/examples/

test: $(STAMP) lint typecheck pytest coverage

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools

typecheck: $(STAMP)
	$(BIN)/mypy src/thematiek

# The UD Dutch gold data for the NLP accuracy test; the test skips when it is absent.
THEMATIEK_UD_DIR ?= $(abspath ../shared/ud-dutch)
export THEMATIEK_UD_DIR

pytest: $(STAMP)
	$(BIN)/python -m pytest -q

# The tag coverage of our own corpus, with the default model: a slip fails the build.
coverage: $(STAMP)
	$(BIN)/thematiek coverage corpus/posts --min-tagged 1.0 --min-per-theme 35 --min-agreement 0.80

model: $(STAMP)
	SOURCE_DATE_EPOCH=1767225600 $(BIN)/thematiek train corpus/posts --out models/default

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python benchmarks/run_all.py --out benchmarks/RESULTS.md

fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -q tests/test_fuzz.py

clean:
	rm -rf $(VENV) build dist .mypy_cache .ruff_cache .pytest_cache .hypothesis
