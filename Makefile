# The only entry points a person needs: make run, make test (also: lint, bench).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export BSPOS_DATA_DIR ?= $(CURDIR)/var

.PHONY: run test test-sqlite test-postgres lint bench install install-test clean chromium container-smoke

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## run: install, migrate the SQLite database under BSPOS_DATA_DIR, load the demo MSP if empty, then the web server on
## 127.0.0.1:PORT, the task worker and the scheduler together (bspos run; Ctrl+C stops all three)
run: install
	$(BIN)/bspos migrate --no-input
	$(BIN)/bspos demo --if-empty
	$(BIN)/bspos run --port $(PORT)

## test: lint, migration check, the suite on SQLite and again on a throwaway PostgreSQL
test: install-test chromium lint test-sqlite test-postgres

# Browser journeys use Debian's chromium; install it when missing (needs root, as in CI).
chromium:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

test-sqlite:
	env -u DATABASE_URL BSPOS_DATA_DIR=$$(mktemp -d) $(BIN)/bspos makemigrations --check --dry-run
	env -u DATABASE_URL $(BIN)/pytest -n 2 -p no:cacheprovider

test-postgres:
	scripts/with-postgres.sh $(BIN)/pytest -n 2 -p no:cacheprovider

lint: install-test
	$(BIN)/ruff check .

bench: install
	scripts/with-postgres.sh sh -c "$(BIN)/python bench/demo_scale.py && $(BIN)/python bench/desk_requests.py && $(BIN)/python bench/money.py && $(BIN)/python bench/owner.py && $(BIN)/python bench/reviews.py && $(BIN)/python bench/plan.py && $(BIN)/python bench/knowledge.py && $(BIN)/python bench/intake.py && $(BIN)/python bench/mail_imports.py && $(BIN)/python bench/notify_latency.py && $(BIN)/python bench/sla_job.py && $(BIN)/python bench/recurring.py && $(BIN)/python bench/vault.py && $(BIN)/python bench/leadership.py && $(BIN)/python bench/timesheets.py && $(BIN)/python bench/schedule.py && $(BIN)/python bench/foundation.py && $(BIN)/python bench/projects.py"

## container-smoke: build the image with podman from a local debootstrap base (no registry), run it against a
## throwaway PostgreSQL, wait for its health check and fetch the login page (needs root; docs/operations.md)
container-smoke:
	scripts/container-smoke.sh

clean:
	rm -rf $(VENV) build src/*.egg-info
