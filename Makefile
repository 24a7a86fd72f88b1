# Two commands for a newcomer: `make run` (the monthly load, offline) and `make test`.
# Each bootstraps its own environment from uv.lock with nothing but Python 3.11.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
UV_VERSION := 0.13.8
UV := .tools/bin/uv
VENV := .venv
export UV_PYTHON_DOWNLOADS := never

.PHONY: run test fees sql docs clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

## run: the monthly load on the bundled snapshot (offline), into ./data
run: $(VENV)/.synced
	FOU_SOURCE_MODE=$${FOU_SOURCE_MODE:-snapshot} $(VENV)/bin/python -m ingestion.cli run

## test: the whole test suite
test: $(VENV)/.synced
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

## fees: print the fee table of the latest invoiced year from the published warehouse
fees: $(VENV)/.synced
	$(VENV)/bin/python -m ingestion.cli fees

clean:
	rm -rf data .pytest_cache
