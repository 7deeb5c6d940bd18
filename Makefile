# linkrisk — `make demo` and `make test` work on a fresh clone (they create .venv and install).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NODE_STAMP := tools/cypherlint/node_modules/.installed
BROWSER_STAMP := $(VENV)/.browser
WEB_STAMP := linkrisk/web/static/vendor/VERSIONS.json
NEO4J_JAR := tools/neo4j-server/target/neo4j-server.jar
NEO4J_DATA ?= data/neo4j
DEMO_DIR ?= demo-city
DEMO_SUBJECTS ?= 20000

.PHONY: install web neo4j neo4j-up demo test test-fast lint typecheck bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(NODE_STAMP): tools/cypherlint/package.json tools/cypherlint/package-lock.json
	cd tools/cypherlint && npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

# Headless Chromium and a CJK font: the browser tests, and the PDF investigation reports at run
# time (Debian packages; CI runs as root).
$(BROWSER_STAMP):
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi 'Noto Sans CJK'; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	  else echo "browser tests need: sudo apt-get install chromium fonts-noto-cjk"; fi; \
	fi
	touch $(BROWSER_STAMP)

# The web page's third-party scripts: pinned npm packages copied into the package (no CDN at run time).
$(WEB_STAMP): web/package.json web/package-lock.json web/copy_vendor.mjs linkrisk/web/static/vendor.json
	cd web && npm ci --no-audit --no-fund --loglevel=error && node copy_vendor.mjs

# Neo4j 5.26 LTS community embedded in a small Java launcher (Maven Central; ~/.m2 caches it).
$(NEO4J_JAR): tools/neo4j-server/pom.xml $(shell find tools/neo4j-server/src -name '*.java')
	cd tools/neo4j-server && mvn -q -B package
	touch $(NEO4J_JAR)

install: $(STAMP)

neo4j: $(NEO4J_JAR)

# A Neo4j server in the foreground (Ctrl-C stops it): bolt on 127.0.0.1, NEO4J_PASSWORD required.
neo4j-up: $(NEO4J_JAR)
	@test -n "$$NEO4J_PASSWORD" || { echo "set NEO4J_PASSWORD (8+ characters) first"; exit 2; }
	tools/neo4j-server/run --data-dir $(NEO4J_DATA) --port $${NEO4J_PORT:-7687}

web: $(WEB_STAMP)

demo: $(STAMP) $(WEB_STAMP) $(BROWSER_STAMP)  # Chromium prints the investigation reports
	$(VENV)/bin/linkrisk demo --dir $(DEMO_DIR) --subjects $(DEMO_SUBJECTS)

test: $(STAMP) $(NODE_STAMP) $(BROWSER_STAMP) $(WEB_STAMP) $(NEO4J_JAR)
	$(PY) -m pytest -q -p no:cacheprovider

test-fast: $(STAMP) $(WEB_STAMP)
	$(PY) -m pytest -q -m "not slow and not browser"

lint: $(STAMP)
	$(VENV)/bin/ruff check linkrisk tests bench
	$(VENV)/bin/ruff format --check linkrisk tests bench

typecheck: $(STAMP)
	$(VENV)/bin/mypy linkrisk bench

bench: $(STAMP)
	$(PY) bench/load.py && $(PY) bench/graph.py && $(PY) bench/risk.py && $(PY) bench/sampling.py && $(PY) bench/api.py

clean:
	rm -rf $(VENV) tools/cypherlint/node_modules tools/neo4j-server/target web/node_modules linkrisk/web/static/vendor $(DEMO_DIR) .pytest_cache
