# make demo: set everything up and run the app with demo data (web + worker)
# make test: run the whole test suite
# make bench: run the benchmarks (SQLite; PostgreSQL too when DATABASE_URL points at one)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint messages bench

# The demo needs only what the product runs on; the tests add their tools (pytest, Playwright,
# ruff, hypothesis) and the production drivers (PostgreSQL, Redis).
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[test,production]"
	touch $@

demo: $(VENV)/.installed
	./scripts/demo

test: $(VENV)/.installed-test tests/e2e/node_modules
	$(BIN)/pytest

# axe-core for the accessibility checks (the browser tests skip without Chromium)
tests/e2e/node_modules: tests/e2e/package.json
	-cd tests/e2e && npm ci --no-audit --no-fund --silent

bench: $(VENV)/.installed-test
	$(BIN)/python bench/run.py

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

messages: $(VENV)/.installed
	$(BIN)/python manage.py makemessages -l en --no-obsolete
	$(BIN)/python manage.py compilemessages
