# LawTrail — the two commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
PY ?= python3
VENV := .venv
UV := $(VENV)/bin/uv
BIN := $(VENV)/bin
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/lawtrail
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: run test test-pg setup deps deps-dev browser lint bench clean

$(UV):
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q uv==0.13.8

deps: $(UV) node_modules
	$(UV) sync --frozen --extra dev -q

node_modules: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	@touch node_modules

# Browser tests drive Debian's Chromium (Playwright never downloads a browser here).
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }

setup: deps
	$(BIN)/lawtrail setup

run: setup
	$(BIN)/lawtrail serve 127.0.0.1:$(PORT)

test: deps browser
	$(BIN)/pytest -n 2 -q

test-pg: deps browser
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -n 2 -q

lint: deps
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports

bench: deps
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)_bench} $(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) node_modules var/*.sqlite3* var/static
