# Every target sets up .venv first when needed, so on a fresh machine
# `make demo` and `make test` are all it takes.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: install test-packages translations i18n-update demo run test test-postgres test-schema test-cluster lint format bench clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The web UI's translations: the .po catalogs (in git) compiled to .mo files (not in git).
LOCALES := src/shelfcast/web/locales
MO_FILES := $(patsubst %.po,%.mo,$(wildcard $(LOCALES)/*/LC_MESSAGES/messages.po))

$(LOCALES)/%/LC_MESSAGES/messages.mo: $(LOCALES)/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel -q compile -l $* -i $< -o $@

translations: $(MO_FILES)

# After adding or changing UI text: extract every message, then merge them into the
# French and Ukrainian catalogs (new ones empty, changed ones fuzzy) to translate.
# The keywords are Babel's defaults plus shelfcast.web.i18n's lazy_gettext.
i18n-update: $(STAMP)
	$(BIN)/pybabel -q extract -F babel.cfg -k lazy_gettext -o $(LOCALES)/messages.pot \
		--sort-output --add-location=file --project=Shelfcast --version=1 .
	$(BIN)/pybabel -q update -i $(LOCALES)/messages.pot -d $(LOCALES) -D messages --ignore-obsolete

demo: $(STAMP) translations
	$(BIN)/shelfcast demo

run: $(STAMP) translations
	$(BIN)/shelfcast serve

# Debian packages the tests drive: chromium for the browser tests (never a browser
# downloaded by Playwright), nginx for the production set-up's test (deploy/),
# LibreOffice as a third reader of our XLSX files.
test-packages:
	@{ test -x /usr/bin/chromium && test -x /usr/sbin/nginx && test -x /usr/bin/soffice; } || { \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -q && \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			chromium nginx libreoffice-calc-nogui; }

test: $(STAMP) test-packages translations
	$(BIN)/pytest $(PYTEST_ARGS)

# The database tests again, on the PostgreSQL server of our machines and CI.
# Only the PostgreSQL half of the database tests: the rest ran in `make test`.
test-postgres: $(STAMP) translations
	SHELFCAST_TEST_POSTGRES_URL=$${SHELFCAST_TEST_POSTGRES_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test} \
		$(BIN)/pytest -k postgresql $(PYTEST_ARGS)

# The cluster on loopback (tests/cluster): PostgreSQL, SeaweedFS (S3), two nodes, two
# workers and nginx. About a minute and a half.
test-cluster: $(STAMP) test-packages
	SHELFCAST_TEST_POSTGRES_URL=$${SHELFCAST_TEST_POSTGRES_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test} \
		$(BIN)/pytest tests/cluster -m cluster $(PYTEST_ARGS)

# schemathesis against a real server and its own OpenAPI document (.ci/schema_check.py):
# any 5xx, or an answer the document does not describe, fails.
test-schema: $(STAMP)
	$(BIN)/python .ci/schema_check.py

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

# Benchmarks (bench/README.md); the link figures need Debian's nginx and wrk.
bench: $(STAMP)
	@{ command -v nginx || test -x /usr/sbin/nginx; } >/dev/null && command -v wrk >/dev/null || { \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -q && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx wrk; }
	$(BIN)/python -m bench.run --products $${BENCH_PRODUCTS:-100000}

clean:
	rm -rf $(VENV) out data shelfcast.db shelfcast.db-* $(MO_FILES)
