# LawTrail — the two commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
PY ?= python3
VENV := .venv
UV := $(VENV)/bin/uv
BIN := $(VENV)/bin
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/lawtrail
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: run dev jobs secret-key test test-pg fuzz setup deps deps-dev browser live-tools fonts i18n-tools lint bench bench-serve deploy-test nginx clean

$(UV):
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q uv==0.13.8

# Bytecode compiled at install: where PYTHONDONTWRITEBYTECODE is set (as on our build machines) no
# process writes .pyc files, and each one compiled every module it imported (~4 s of CPU a process:
# every test worker, server, job runner and command the tests and the deployment check start).
deps: $(UV) node_modules
	UV_COMPILE_BYTECODE=1 $(UV) sync --frozen --extra dev -q
	@$(BIN)/python -m compileall -q -j 0 src >/dev/null

node_modules: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	@touch node_modules

# Browser tests drive Debian's Chromium (Playwright never downloads a browser here).
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }

# Live video from drones and body cameras (lawtrail.live): Debian's nginx with the RTMP module
# and ffmpeg (the device simulator, recordings remuxed on ingest). Installed when missing;
# nginx is never started as a service here (the tests and `lawtrail live_nginx` run their own).
live-tools:
	@{ test -e /usr/lib/nginx/modules/ngx_rtmp_module.so && command -v ffmpeg >/dev/null; } || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx libnginx-mod-rtmp ffmpeg >/dev/null; }


# Legal documents (issue 12): CJK faces (Noto Serif/Sans CJK, LXGW WenKai), HarfBuzz subsetting
# (without libharfbuzz-subset0 a document takes seconds instead of 0.2 s) and poppler's pdftoppm
# (the tests compare page images under two renderers).
fonts:
	@{ fc-list | grep -q "Noto Serif CJK SC" && fc-list | grep -q "LXGW WenKai" && ldconfig -p | grep -q libharfbuzz-subset && command -v pdftoppm >/dev/null; } || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk fonts-lxgw-wenkai libharfbuzz-subset0 poppler-utils >/dev/null; }

setup: deps fonts
	$(BIN)/lawtrail setup

# The production server (gunicorn; see `lawtrail serve --help`), with the periodic jobs beside it.
run: setup
	$(BIN)/lawtrail serve 127.0.0.1:$(PORT)

# For developers: Django's autoreloading development server with DEBUG on (no periodic jobs;
# run `make jobs` in a second terminal for those).
dev: setup
	LAWTRAIL_DEBUG=1 $(BIN)/lawtrail runserver 127.0.0.1:$(PORT)

jobs: setup
	$(BIN)/lawtrail jobs

# The embedded default's secret key (var/secret-key), which `lawtrail setup` also makes: with
# DEBUG off by default, nothing starts on the published default key (docs/security.md).
secret-key: deps
	@$(BIN)/python -c "from lawtrail.config import ensure_secret_key_file, var_dir; ensure_secret_key_file(var_dir())"

# gettext's msgfmt: a test checks that the committed .mo catalogues are compiled from their .po.
i18n-tools:
	@command -v msgfmt >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; }

test: deps browser live-tools fonts i18n-tools secret-key
	$(BIN)/pytest -n 2 -q

# Schemathesis over the whole API schema (fuzz/test_api_schema.py): no server error, documented
# status codes and content types; bounded examples per operation (LAWTRAIL_FUZZ_EXAMPLES).
fuzz: deps secret-key
	$(BIN)/pytest fuzz -n 2 -q -p no:randomly --rootdir=. -c pyproject.toml

test-pg: deps browser live-tools fonts i18n-tools secret-key
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -n 2 -q $(PYTEST_ARGS)

# Debian's nginx for the deployment check (never started as a service here).
nginx:
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; }

# Two app servers behind nginx (TLS), Celery worker + beat, PostgreSQL, Redis, S3 (moto_server):
# an end-to-end case through nginx, `lawtrail verify`, and a 50-client load run (docs/PERFORMANCE.md).
deploy-test: deps nginx
	$(BIN)/python bench/deploy_check.py $(ARGS)

lint: deps
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports

bench: deps secret-key
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)_bench} $(BIN)/python bench/run.py

# The read API under the production server (gunicorn), 8 clients, against the trivial-endpoint baseline.
bench-serve: deps secret-key
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)_prod_bench} $(BIN)/python bench/serve_read.py $(ARGS)

clean:
	rm -rf $(VENV) node_modules var/*.sqlite3* var/static
