"""The steps of the monthly load, callable from Airflow tasks, the CLI and tests alike."""
from __future__ import annotations

import contextlib
import logging
import os
import shutil
from pathlib import Path

from ingestion import scb, warehouse
from ingestion.settings import DBT_PROJECT_DIR, Settings

log = logging.getLogger(__name__)


def extract_population(settings: Settings) -> list[str]:
    return [str(p) for p in scb.extract_population(settings)]


def load_population(settings: Settings, landed: list[str]) -> int:
    warehouse.load_config(settings)
    return warehouse.load_landed_scb(settings, [Path(p) for p in landed])


def load_records(settings: Settings) -> dict:
    return warehouse.load_records(settings)


# dbt's parse cache, shared by every data dir of this checkout: a new data dir (the first load,
# every test) then parses only what changed instead of the whole project (~6 s).
PARSE_CACHE = DBT_PROJECT_DIR / "target" / "partial_parse.msgpack"


def dbt(settings: Settings, *args: str) -> None:
    """Run dbt in this process (no second interpreter start) against the work database.

    dbt re-parses the whole project when the profile changes, and the database path is part of
    the profile: so dbt runs in the database's folder with the same relative path every time."""
    from dbt.cli.main import dbtRunner

    target = (settings.data_dir / "dbt_target").resolve()
    own_cache = target / PARSE_CACHE.name
    cache = next((c for c in (own_cache, PARSE_CACHE) if c.exists()), None)
    os.environ["FOU_WORK_DB"] = settings.work_db.name
    # dbt's debug log file costs ~0.7 s per build (protobuf per event); DBT_LOG_LEVEL_FILE=debug
    # brings it back when a model needs investigating
    os.environ.setdefault("DBT_LOG_LEVEL_FILE", "info")
    try:
        with contextlib.chdir(settings.work_db.parent.resolve()):
            result = dbtRunner().invoke([
                *args, "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
                "--target-path", str(target), "--log-path", str((settings.data_dir / "logs").resolve()),
                *(["--partial-parse-file-path", str(cache)] if cache else []),
            ])
    finally:
        _close_dbt_duckdb()
    if not result.success:
        options = f" ({' '.join(args[1:])})" if len(args) > 1 else ""
        raise RuntimeError(f"dbt {args[0]} failed{options}: {result.exception or 'see the test and model errors above'}")
    _share_parse_cache(own_cache)


def _share_parse_cache(parsed: Path) -> None:
    """Offer this run's parse to later new data dirs; a read-only checkout just goes without."""
    try:
        PARSE_CACHE.parent.mkdir(parents=True, exist_ok=True)
        tmp = PARSE_CACHE.with_name(f"{PARSE_CACHE.name}.{os.getpid()}.tmp")
        shutil.copyfile(parsed, tmp)
        os.replace(tmp, PARSE_CACHE)  # atomic: a concurrent reader sees the old or the new file
    except OSError as exc:
        log.info("dbt parse cache not shared (%s)", exc)


def dbt_build(settings: Settings) -> dict:
    """dbt build of what the changed inputs feed (ingestion/incremental.py): nothing when no
    source changed since the last successful build, everything when the dbt project changed."""
    from ingestion import incremental

    plan = incremental.plan_dbt_build(settings)
    log.info("dbt build: %s", "skipped, " + plan.reason if plan.skip else plan.reason)
    if not plan.skip:
        # dbt unit tests check SQL logic on fixed inputs, so data cannot change their result:
        # `make test` runs them (tests/test_dbt_unit_tests.py), the monthly load does not (dbt's advice)
        dbt(settings, "build", "--exclude-resource-type", "unit_test", *plan.dbt_args)
        incremental.record(settings, "dbt_build", plan.fingerprint)
    return {"skipped": plan.skip, "full": plan.full, "changed": plan.changed, "reason": plan.reason}


def downstream_is_current(settings: Settings, year: int | None = None) -> bool:
    """True when the quality gate, publish and the report of `year` (default: last year)
    all last ran on exactly these inputs: then an unchanged month has nothing left after dbt."""
    from ingestion import incremental
    from report import latest_complete_year

    if not settings.published_db.exists():
        return False
    fp = incremental.gate_fingerprint(settings)
    return (incremental.step_is_current(settings, "quality_gate", fp)
            and incremental.step_is_current(settings, "publish", fp)
            and incremental.report_is_current(settings, year or latest_complete_year())[0])


def publish(settings: Settings) -> str:
    """Copy the work database for analysts, unless what it holds was published already."""
    from ingestion import incremental

    fp = incremental.gate_fingerprint(settings)
    if settings.published_db.exists() and incremental.step_is_current(settings, "publish", fp):
        log.info("publish: skipped, the published database already holds these inputs")
        return str(settings.published_db)
    path = str(warehouse.publish(settings))
    incremental.record(settings, "publish", fp)
    return path


def build_report(settings: Settings, year: int | None = None) -> list[str]:
    """The steering-group report of `year` (default: last year, report.latest_complete_year's
    year), unless it was built from this very published file by the same report code
    (ingestion/incremental.py). Checked before importing the report code, a slow import."""
    import json

    from ingestion import incremental
    from report import latest_complete_year

    year = year or latest_complete_year()
    current, state_path, state = incremental.report_is_current(settings, year)
    if current:
        log.info("report: skipped, it was built from the same published database")
        return state["files"]
    from report.build import build

    state["files"] = [str(p) for p in build(settings, year) if p]
    state_path.write_text(json.dumps(state), encoding="utf-8")
    return state["files"]


def quality_gate(settings: Settings) -> dict:
    """GX checks of the work database (expectations/suites.py). Builds Data Docs every time;
    raises QualityGateFailed, naming each failed error-level expectation, so publish never runs."""
    from ingestion import incremental

    fp = incremental.gate_fingerprint(settings)
    if incremental.step_is_current(settings, "quality_gate", fp):  # passed on these very inputs
        log.info("quality gate: skipped, it passed on the same inputs and checks")
        return {"passed": True, "skipped": True}
    from ingestion import quality

    result = quality.run(settings)
    if not result.passed:
        raise quality.QualityGateFailed(result)
    incremental.record(settings, "quality_gate", fp)
    return result.summary()


def extract_oj(settings: Settings) -> list[str]:
    """ÖJ from Kolada v3: the run's manifest first, then every landed answer. A KPI batch that
    fails is listed in the manifest and the others go on; raises only if every KPI failed."""
    from ingestion import kolada

    return [str(p) for p in kolada.extract(settings)]


def load_oj(settings: Settings, landed: list[str]) -> dict:
    """Load the ÖJ answers; the returned report lists failed KPIs (they keep earlier values)."""
    from ingestion import oj_load

    return oj_load.load(settings, landed)


def _close_dbt_duckdb() -> None:
    """dbt-duckdb keeps its database open in the process after a run; while it does, no other
    connection in this process (loads, the quality gate, publishing) can open the file."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager as manager

    with manager._LOCK:
        if manager._ENV is not None:
            manager._ENV.close()
            manager._ENV = None
