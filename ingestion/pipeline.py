"""The steps of the monthly load, a few lines each, callable from Airflow tasks, the CLI and
tests alike. Each returns a small dataclass, defined next to the code that makes it, whose
summary() is the line `fou run` prints for the task. Heavy imports (dbt, GX, the report)
happen inside the step that needs them, so that an unchanged month pays for none of them."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ingestion import coverage, incremental, warehouse
from ingestion.errors import PublishRefused
from ingestion.settings import Settings

if TYPE_CHECKING:
    from ingestion.kolada.load import KoladaLoadResult
    from ingestion.quality import GateResult
    from ingestion.records.intake import IntakeResult
    from ingestion.scb.load import ScbLoadResult

log = logging.getLogger(__name__)


@dataclass
class ExtractResult:
    """The answers an extract landed (paths as text, for XCom); the load reads them."""

    landed: list[str]

    def summary(self) -> str:
        return f"{len(self.landed)} answer(s) landed"


@dataclass
class DbtBuildResult:
    """What dbt build did (ingestion/incremental.py's plan) and whether the gate, publish and
    the report have anything left to do (False: the DAG's short-circuit skips them)."""

    skipped: bool
    full: bool
    changed: list[str]
    reason: str
    later_steps: bool = True

    def summary(self) -> str:
        if self.later_steps:
            return "marts up to date (built where inputs changed)"
        return "nothing changed, later steps skipped"


@dataclass
class PublishResult:
    """The published database, and whether this run replaced it; `restored`: the published file
    is a version `fou restore` put back and the inputs are still those of the publication it
    replaced, so it was deliberately not republished (the summary says so every run)."""

    path: str
    published: bool
    restored: str | None = None

    def summary(self) -> str:
        if self.restored:
            return (
                f"inte publicerad på nytt: det publicerade datalagret är den återställda versionen {self.restored} "
                "och indata är oförändrade sedan publiceringen den ersatte (rätta indata, eller ångra med "
                "`fou restore` av den senaste versionen)"
            )
        return "published" if self.published else "unchanged, not republished"


@dataclass
class ReportResult:
    """The report files of the year (built now, or unchanged since they were)."""

    files: list[str]

    def summary(self) -> str:
        return f"{len(self.files)} file(s)"


# ---------------------------------------------------------------- SCB population


def extract_population(settings: Settings) -> ExtractResult:
    from ingestion.scb import extract

    return ExtractResult([str(p) for p in extract.extract_population(settings)])


def load_population(settings: Settings, extracted: ExtractResult) -> ScbLoadResult:
    """The run's summary: answers loaded, new months of the monthly table, tables SCB has not
    updated (not downloaded again) and tables SCB has discontinued."""
    from ingestion.scb import load

    warehouse.load_config(settings)
    return load.load_landed(settings, [Path(p) for p in extracted.landed])


# ---------------------------------------------------------------- Kolada (ÖJ)


def extract_oj(settings: Settings) -> ExtractResult:
    """ÖJ from Kolada v3: the run's manifest first, then every landed answer. A KPI batch that
    fails is listed in the manifest and the others go on; raises only if every KPI failed."""
    from ingestion.kolada import extract

    return ExtractResult([str(p) for p in extract.extract(settings)])


def load_oj(settings: Settings, extracted: ExtractResult) -> KoladaLoadResult:
    """Load the ÖJ answers; the returned report lists failed KPIs (they keep earlier values)."""
    from ingestion.kolada import load

    return load.load(settings, extracted.landed)


# ---------------------------------------------------------------- the unit's records


def load_records(settings: Settings) -> IntakeResult:
    """Per file: rows loaded and quarantined; the bad rows are in <data_dir>/reports/intake_<date>.txt.
    Then the current Excel templates into <inbox>/mallar (ingestion/records/templates.py)."""
    from ingestion.records import intake, templates

    result = intake.load_records(settings)
    templates.refresh_templates(settings)
    return result


# ---------------------------------------------------------------- build, check, publish, report


def dbt_build(settings: Settings) -> DbtBuildResult:
    """dbt build of what the changed inputs feed (ingestion/incremental.py): nothing when no
    source changed since the last successful build, everything when the dbt project changed.
    `later_steps` is False when dbt built nothing and the gate, publish and the report all last
    ran on exactly these inputs: then an unchanged month ends here (the DAG's short-circuit)."""
    from ingestion import dbt

    plan = incremental.plan_dbt_build(settings)
    log.info("dbt build: %s", "skipped, " + plan.reason if plan.skip else plan.reason)
    if not plan.skip:
        # dbt unit tests check SQL logic on fixed inputs, so data cannot change their result:
        # `make test` runs them (tests/test_dbt_unit_tests.py), the monthly load does not (dbt's advice)
        dbt.run(settings, "build", "--exclude-resource-type", "unit_test", *plan.dbt_args)
        incremental.record(settings, "dbt_build", plan.fingerprint)
    later_steps = not plan.skip or not downstream_is_current(settings)
    return DbtBuildResult(plan.skip, plan.full, list(plan.changed), plan.reason, later_steps)


def downstream_is_current(settings: Settings, year: int | None = None) -> bool:
    """True when the quality gate, publish and the report of `year` (default: the year the
    next meeting's deck covers, as build_report) all last ran on exactly these inputs."""
    if not settings.published_db.exists():
        return False
    fp = incremental.gate_fingerprint(settings)
    return (
        not restored_version(settings, fp)  # then publish runs, to say so
        and incremental.step_is_current(settings, "quality_gate", fp)
        and incremental.step_is_current(settings, "publish", fp)
        and incremental.report_is_current(settings, year or report_year())[0]
    )


def quality_gate(settings: Settings) -> GateResult:
    """GX checks of the work database (expectations/). Builds Data Docs every time; raises
    QualityGateFailed, naming each failed error-level expectation, so publish never runs."""
    from ingestion import quality

    fp = incremental.gate_fingerprint(settings)
    if incremental.step_is_current(settings, "quality_gate", fp):  # passed on these very inputs
        log.info("quality gate: skipped, it passed on the same inputs and checks")
        return quality.GateResult(passed=True, rerun=False)
    result = quality.run(settings)
    if not result.passed:
        raise quality.gate_failed(result)
    incremental.record(settings, "quality_gate", fp)
    return result.gate_result()


def publish(settings: Settings, run_id: str = "manual") -> PublishResult:
    """Copy the work database for analysts, unless what it holds was published already. After
    `fou restore` the restored version stays until the inputs change, and the result says so."""
    fp = incremental.gate_fingerprint(settings)
    if settings.published_db.exists() and incremental.step_is_current(settings, "publish", fp):
        restored = restored_version(settings, fp)
        log.info("publish: skipped, %s", f"{restored} is restored" if restored else "the file holds these inputs")
        return PublishResult(str(settings.published_db), published=False, restored=restored)
    lost = coverage.lost_slices(settings.published_db, settings.work_db)
    if lost and not settings.allow_shrink:
        raise PublishRefused(coverage.refusal_message(lost), lost)
    if lost:
        log.warning("publish: %d lost slice(s) allowed by FOU_ALLOW_SHRINK", len(lost))
    last = incremental.recorded(settings, "publish") or {}
    changed = ", ".join(k for k in sorted(fp) if last.get(k) != fp[k]) or "inget"
    changed = changed if last else "allt (första publiceringen)"
    provenance = {"run_id": run_id, "source_mode": settings.source_mode.value, "changed": changed, "fingerprint": fp}
    path = str(warehouse.publish(settings, lost, provenance))
    incremental.record(settings, "publish", fp)
    return PublishResult(path, published=True)


def restored_version(settings: Settings, fp: dict[str, str]) -> str | None:
    """The version `fou restore` put back, when the published file is one built from other
    inputs than the current ones (so the next run must say it keeps it); else None."""
    stamp = warehouse.publication_of(settings.published_db)
    if not stamp.get("restored_from"):
        return None
    built_from = json.loads(stamp.get("fingerprint") or "{}")
    return None if built_from == fp else stamp["restored_from"]


def report_year() -> int:
    """The activity year the next meeting's deck covers, so that the short-circuit checks the
    very report build_report makes."""
    from report import covered_year, next_meeting

    return covered_year(next_meeting())


def build_report(settings: Settings, year: int | None = None) -> ReportResult:
    """The steering-group report of `year` (default: last year), unless it was built from this
    very published file by the same report code. Checked before importing the report code."""
    from report import next_meeting

    on = next_meeting()
    year = year or report_year()
    current, state_path, state = incremental.report_is_current(settings, year)
    if current:
        log.info("report: skipped, it was built from the same published database")
        return ReportResult(state["files"])
    from report.build import build

    files = build(settings.published_db, settings.reports_dir, year, on=on, kommunblad=True)
    state["files"] = [str(p) for p in files if p]
    state_path.write_text(json.dumps(state), encoding="utf-8")
    return ReportResult(state["files"])


# ---------------------------------------------------------------- exports for analysts


@dataclass
class ExportResult:
    """The xlsx and parquet exports of every mart in <data_dir>/exports (ingestion/export.py);
    skipped when they are of this very publication; marts too big for a sheet are named."""

    files: list[str]
    skipped: bool
    too_big_for_xlsx: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if self.skipped:
            return "unchanged publication, exports kept"
        big = ", ".join(self.too_big_for_xlsx)
        return f"{len(self.files)} file(s)" + (f"; not in the xlsx (over 1 048 576 rows): {big}" if big else "")


def export(settings: Settings) -> ExportResult:
    """After publish: xlsx (marts that fit a sheet) and parquet of every mart, unless the
    exports already are of this publication (its published_at stamp)."""
    import duckdb

    from ingestion import export as exporter

    out = settings.data_dir / "exports"
    state_path = out / ".export_state.json"
    # the exact published_at: a display to the minute would keep the exports of an earlier
    # publication made in the same minute (a restore right after a load)
    stamp = str(warehouse.publication_of(warehouse.published(settings)).get("published_at", ""))
    with duckdb.connect(str(settings.published_db), read_only=True) as con:
        found = exporter.marts(con)
    state = json.loads(state_path.read_text(encoding="utf-8")) if state_path.exists() else {}
    if state.get("published_at") == stamp and all(Path(f).exists() for f in state.get("files", [])):
        log.info("export: skipped, the exports are of this publication (%s)", stamp)
        return ExportResult(state["files"], skipped=True, too_big_for_xlsx=state.get("too_big_for_xlsx", []))
    fits = [m.name for m in found if m.rows + exporter.HEADER_ROW <= exporter.EXCEL_MAX_ROWS]
    big = [m.name for m in found if m.name not in fits]
    if big:
        log.warning("export: %s over Excel's 1 048 576 rows: in the parquet export only", ", ".join(big))
    files = exporter.export(settings.published_db, out, "xlsx", fits)
    files += exporter.export(settings.published_db, out, "parquet")
    result = ExportResult([str(f) for f in files], skipped=False, too_big_for_xlsx=big)
    state_path.write_text(json.dumps({"published_at": stamp, **asdict(result)}), encoding="utf-8")
    return result
