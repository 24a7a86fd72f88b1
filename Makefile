# Two commands for a newcomer: `make run` (the monthly load, offline) and `make test`.
# Each bootstraps its own environment from uv.lock with nothing but Python 3.11.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
UV_VERSION := 0.13.8
UV := .tools/bin/uv
VENV := .venv
export UV_PYTHON_DOWNLOADS := never

.PHONY: run test fees report sql docs bench clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --quiet --frozen --compile-bytecode --python $(PYTHON)
	touch $@

## run: the monthly load on the bundled snapshot (offline), into ./data
run: $(VENV)/.synced
	$(VENV)/bin/fou run $(RUN_ARGS)

## test: lint and format check (ruff), then the whole test suite
test: $(VENV)/.synced
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

## fees: print the fee table of the latest invoiced year from the published warehouse
fees: $(VENV)/.synced
	$(VENV)/bin/fou fees

## report: the steering-group deck (PPTX, PDF, HTML) and one Kommunblad PDF per member for a meeting, e.g. make report MEETING=2026-02-26; YEAR=2025: the meeting covering 2025
report: $(VENV)/.synced
	$(VENV)/bin/fou report --kommunblad $(if $(MEETING),--meeting $(MEETING)) $(if $(YEAR),--year $(YEAR))

## sql: a read-only SQL shell on the published warehouse
sql: $(VENV)/.synced
	$(VENV)/bin/fou sql

## docs: dbt docs of the published database (every mart column described, an overview for analysts) into data/dbt_docs; SERVE=1 serves them on :8081
docs: $(VENV)/.synced
	$(VENV)/bin/fou docs $(if $(SERVE),--serve)

## bench: benchmarks of the monthly load (docs/benchmarks.md); figures in data/benchmarks/latest.{json,md}
bench: $(VENV)/.synced
	$(VENV)/bin/python -m benchmarks.run $(BENCH_ARGS)

clean:
	rm -rf data .pytest_cache
