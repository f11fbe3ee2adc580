# Two commands: `make run` serves the app with demo data; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
FLASK := $(BIN)/flask --app wsgi
STAMP := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev

.PHONY: run test setup migrate demo bench clean fonts

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $(STAMP)

$(DEVSTAMP): $(STAMP) pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
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

clean:
	rm -rf $(VENV) .pytest_cache
