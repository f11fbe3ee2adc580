# Two commands: `make run` serves the app with demo data; `make test` runs the whole suite.
# Dependencies come from the lock files (requirements.lock, requirements-dev.lock); `make lock` regenerates
# them from pyproject.toml after a dependency is added or changed there.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
FLASK := $(BIN)/flask --app wsgi
STAMP := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev
# The lock targets the Python of the Docker image; `make lock LOCK_ARGS=--upgrade` moves every pin forward.
LOCK_PYTHON := 3.11
LOCK_ARGS ?=
UV := $(BIN)/uv
UV_COMPILE := $(UV) pip compile --quiet --generate-hashes --python-version $(LOCK_PYTHON) --python-platform linux \
	--custom-compile-command 'make lock' $(LOCK_ARGS)
# The build backend pinned in the locks too (read from [build-system] in pyproject.toml), so the project
# itself installs with --no-build-isolation and nothing is downloaded after the lock.
BUILD_REQUIRES := $(BIN)/python -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"], sep="\n")'

.PHONY: run test setup migrate demo bench clean fonts lock

# Runtime dependencies exactly as locked, then the project itself (editable, no dependency resolution).
$(STAMP): requirements.lock pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

$(DEVSTAMP): $(STAMP) requirements-dev.lock
	$(BIN)/pip install --quiet -r requirements-dev.lock
	touch $(DEVSTAMP)

setup: $(STAMP)

migrate: $(STAMP)
	$(FLASK) db upgrade

demo: migrate
	$(FLASK) demo --if-empty

run: demo
	$(FLASK) run --host $(HOST) --port $(PORT)

test: $(DEVSTAMP)
	$(BIN)/pytest $(PYTEST_ARGS)

bench: $(DEVSTAMP)
	$(BIN)/python -m bench

fonts: $(STAMP)
	$(BIN)/python -m inspection.pdf.fontprep

# uv resolves; it is a tool for this target only and no dependency of the app. The dev lock is constrained
# by the runtime lock, so a package shared by both has the same pin in each.
$(UV):
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet 'uv>=0.9,<1'

lock: $(UV)
	$(BUILD_REQUIRES) | $(UV_COMPILE) -o requirements.lock pyproject.toml -
	$(BUILD_REQUIRES) | $(UV_COMPILE) --extra dev -c requirements.lock -o requirements-dev.lock pyproject.toml -

clean:
	rm -rf $(VENV) .pytest_cache build
