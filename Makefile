# Two commands matter: `make demo` and `make test` (README quick start).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## The app with everything embedded: SQLite under instance/, in-process Redis stand-in and jobs,
## the demo hospital loaded. No REDIS_URL/DATABASE_URL needed.
demo: $(STAMP)
	$(BIN)/flask --app app db upgrade
	$(BIN)/flask --app app seed demo
	$(BIN)/flask --app app demo serve

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## Against PostgreSQL and Redis when TEST_DATABASE_URL / TEST_REDIS_URL are set, else embedded.
test: $(STAMP) lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
