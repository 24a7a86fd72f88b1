"""The steps of the monthly load, a few lines each, callable from Airflow tasks, the CLI and
tests alike. Heavy imports (dbt, GX, the report) happen inside the step that needs them, so
that an unchanged month pays for none of them."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from ingestion import coverage, incremental, warehouse
from ingestion.errors import PublishRefused
from ingestion.settings import Settings

log = logging.getLogger(__name__)


# ---------------------------------------------------------------- SCB population


def extract_population(settings: Settings) -> list[str]:
    from ingestion.scb import extract

    return [str(p) for p in extract.extract_population(settings)]


def load_population(settings: Settings, landed: list[str]) -> dict:
    """The run's summary: answers loaded, new months of the monthly table, tables SCB has not
    updated (not downloaded again) and tables SCB has discontinued."""
    from ingestion.scb import load

    warehouse.load_config(settings)
    return load.load_landed(settings, [Path(p) for p in landed])


# ---------------------------------------------------------------- Kolada (ÖJ)


def extract_oj(settings: Settings) -> list[str]:
    """ÖJ from Kolada v3: the run's manifest first, then every landed answer. A KPI batch that
    fails is listed in the manifest and the others go on; raises only if every KPI failed."""
    from ingestion.kolada import extract

    return [str(p) for p in extract.extract(settings)]


def load_oj(settings: Settings, landed: list[str]) -> dict:
    """Load the ÖJ answers; the returned report lists failed KPIs (they keep earlier values)."""
    from ingestion.kolada import load

    return load.load(settings, landed)


# ---------------------------------------------------------------- the unit's records


def load_records(settings: Settings) -> dict:
    """Per file: rows loaded and quarantined; the bad rows are in <data_dir>/reports/intake_<date>.txt."""
    from ingestion.records import intake

    return intake.load_records(settings)


# ---------------------------------------------------------------- build, check, publish, report


def dbt_build(settings: Settings) -> dict:
    """dbt build of what the changed inputs feed (ingestion/incremental.py): nothing when no
    source changed since the last successful build, everything when the dbt project changed."""
    from ingestion import dbt

    plan = incremental.plan_dbt_build(settings)
    log.info("dbt build: %s", "skipped, " + plan.reason if plan.skip else plan.reason)
    if not plan.skip:
        # dbt unit tests check SQL logic on fixed inputs, so data cannot change their result:
        # `make test` runs them (tests/test_dbt_unit_tests.py), the monthly load does not (dbt's advice)
        dbt.run(settings, "build", "--exclude-resource-type", "unit_test", *plan.dbt_args)
        incremental.record(settings, "dbt_build", plan.fingerprint)
    return {"skipped": plan.skip, "full": plan.full, "changed": plan.changed, "reason": plan.reason}


def anything_left_after_dbt(settings: Settings, built: dict) -> bool:
    """The DAG's short-circuit: False when dbt built nothing and the gate, publish and the report
    all last ran on exactly these inputs; then an unchanged month ends here."""
    return not built["skipped"] or not downstream_is_current(settings)


def downstream_is_current(settings: Settings, year: int | None = None) -> bool:
    """True when the quality gate, publish and the report of `year` (default: the year the
    next meeting's deck covers, as build_report) all last ran on exactly these inputs."""
    if not settings.published_db.exists():
        return False
    fp = incremental.gate_fingerprint(settings)
    return (
        incremental.step_is_current(settings, "quality_gate", fp)
        and incremental.step_is_current(settings, "publish", fp)
        and incremental.report_is_current(settings, year or report_year())[0]
    )


def quality_gate(settings: Settings) -> dict:
    """GX checks of the work database (expectations/). Builds Data Docs every time; raises
    QualityGateFailed, naming each failed error-level expectation, so publish never runs."""
    fp = incremental.gate_fingerprint(settings)
    if incremental.step_is_current(settings, "quality_gate", fp):  # passed on these very inputs
        log.info("quality gate: skipped, it passed on the same inputs and checks")
        return {"passed": True, "skipped": True}
    from ingestion import quality

    result = quality.run(settings)
    if not result.passed:
        raise quality.gate_failed(result)
    incremental.record(settings, "quality_gate", fp)
    return result.summary()


def publish(settings: Settings) -> str:
    """Copy the work database for analysts, unless what it holds was published already."""
    fp = incremental.gate_fingerprint(settings)
    if settings.published_db.exists() and incremental.step_is_current(settings, "publish", fp):
        log.info("publish: skipped, the published database already holds these inputs")
        return str(settings.published_db)
    lost = coverage.lost_slices(settings.published_db, settings.work_db)
    if lost and not settings.allow_shrink:
        raise PublishRefused(coverage.refusal_message(lost), lost)
    if lost:
        log.warning("publish: %d lost slice(s) allowed by FOU_ALLOW_SHRINK", len(lost))
    path = str(warehouse.publish(settings, lost))
    incremental.record(settings, "publish", fp)
    return path


def report_year() -> int:
    """The activity year the next meeting's deck covers, so that the short-circuit checks the
    very report build_report makes."""
    from report import covered_year, next_meeting

    return covered_year(next_meeting())


def build_report(settings: Settings, year: int | None = None) -> list[str]:
    """The steering-group report of `year` (default: last year), unless it was built from this
    very published file by the same report code. Checked before importing the report code."""
    from report import next_meeting

    on = next_meeting()
    year = year or report_year()
    current, state_path, state = incremental.report_is_current(settings, year)
    if current:
        log.info("report: skipped, it was built from the same published database")
        return state["files"]
    from report.build import build

    state["files"] = [str(p) for p in build(settings.published_db, settings.reports_dir, year, on=on) if p]
    state_path.write_text(json.dumps(state), encoding="utf-8")
    return state["files"]
