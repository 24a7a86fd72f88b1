"""The quality gate: runs the GX suites of expectations/ on the work database.

Each check's query runs in the work DuckDB (read-only) and only its result, small by design
(the tables that grow with the region are aggregated per group there, see expectations/base.py),
is validated by GX as a pandas dataframe (GX has no DuckDB data source that works). The GX
file context lives in the run's data dir (<data_dir>/gx/): it is written from
expectations/suites.py on every run, so the code is the one definition and nothing in the
source tree changes when the load runs. HTML Data Docs are
built into <data_dir>/data_docs/ on every run, also when the gate fails.

Severity: an expectation with severity critical ("error") blocks publishing; "warning" is
only reported. See docs/quality.md."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from ingestion import data_docs
from ingestion.errors import QualityGateFailed
from ingestion.settings import Settings

log = logging.getLogger(__name__)

SAMPLE = 5  # unexpected values shown per failed expectation


@dataclass
class Failure:
    check: str
    description: str
    expectation: str
    column: str | None
    severity: str
    unexpected_count: int | None
    sample: list

    def __str__(self) -> str:
        where = f" on {self.column}" if self.column else ""
        found = "" if self.unexpected_count is None else f": {self.unexpected_count} unexpected"
        sample = f", e.g. {self.sample}" if self.sample else ""
        return f"{self.check}: {self.description} [{self.expectation}{where}]{found}{sample}"


@dataclass
class QualityResult:
    checked: list[str]
    skipped: dict[str, list[str]]  # check → tables not in the work database yet
    errors: list[Failure]
    warnings: list[Failure]
    expectations: int
    data_docs: Path
    seconds: float = 0.0
    frames: dict[str, int] = field(default_factory=dict)  # check → rows validated

    @property
    def passed(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return self.gate_result().summary()

    def gate_result(self) -> GateResult:
        """Small and JSON-friendly, for Airflow's XCom."""
        return GateResult(
            passed=self.passed,
            checks=len(self.checked),
            expectations=self.expectations,
            errors=[str(f) for f in self.errors],
            warnings=[str(f) for f in self.warnings],
            skipped=sorted(self.skipped),
            data_docs=str(self.data_docs),
            seconds=round(self.seconds, 1),
        )


@dataclass
class GateResult:
    """The quality gate step's outcome (QualityResult.gate_result); `rerun` is False when the
    gate passed on these very inputs before and was not run again (the other fields are empty)."""

    passed: bool
    checks: int = 0
    expectations: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # checks whose tables are not there yet
    data_docs: str = ""
    seconds: float = 0.0
    rerun: bool = True

    def summary(self) -> str:
        if not self.rerun:
            return "passed on the same inputs before, not rerun"
        return f"{self.expectations} expectation(s): {len(self.errors)} failed, {len(self.warnings)} warned"


def gate_failed(result: QualityResult) -> QualityGateFailed:
    lines = "\n".join(f"  - {f}" for f in result.errors)
    return QualityGateFailed(
        f"Quality gate failed: {len(result.errors)} error-level expectation(s) failed, so the work database "
        f"is not published (the published database is unchanged):\n{lines}\nData Docs: {result.data_docs}",
        result,
    )


def params(settings: Settings):
    from expectations.suites import Params
    from ingestion.records.formats import formats

    record_formats = {
        name: (tuple(fmt.key), tuple(f.name for f in fmt.fields if f.required))
        for name, fmt in formats(settings.members).items()
    }
    return Params(
        members=dict(settings.members),
        record_formats=record_formats,
        population_first_year=settings.region.population.first_year,
        current_year=date.today().year,
        kpi_ids=tuple(settings.kpis.ids),
        oj_first_year=settings.kpis.first_year,
    )


def read_frames(settings: Settings, checks) -> tuple[dict[str, pd.DataFrame], dict[str, list[str]]]:
    """Each check's dataframe from the work database, opened read-only; a check whose tables do
    not exist yet is skipped."""
    members = pd.DataFrame(sorted(settings.members.items()), columns=["municipality_code", "municipality_name"])
    frames, skipped = {}, {}
    with duckdb.connect(str(settings.work_db), read_only=True) as con:
        con.register("members", members)
        tables = {
            f"{s}.{t}"
            for s, t in con.execute(
                "select schema_name, table_name from duckdb_tables() "
                "union all select schema_name, view_name from duckdb_views()"
            ).fetchall()
        }
        for check in checks:
            missing = [t for t in check.tables if t not in tables]
            if missing:
                skipped[check.name] = missing
                log.info("QUALITY: skipped %s: %s not in the work database yet", check.name, ", ".join(missing))
                continue
            frames[check.name] = con.execute(check.sql).df()
    return frames, skipped


def gx_context(settings: Settings):
    """The file context in <data_dir>/gx, with Data Docs in <data_dir>/data_docs."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="file", project_root_dir=str(settings.data_dir))
    docs = str(data_docs_dir(settings))
    site = {
        "class_name": "SiteBuilder",
        "show_how_to_buttons": False,
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": docs},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    }
    sites = context.variables.data_docs_sites or {}
    if sites.get("local_site") != site:
        if "local_site" in sites:
            context.update_data_docs_site("local_site", site)
        else:
            context.add_data_docs_site("local_site", site)
    if context.variables.config_variables_file_path:
        # GX re-reads this (empty) file on every access to a config variable: thousands of
        # YAML parses per run. The gate uses no config variables.
        context.variables.config_variables_file_path = None
        context.variables.save()
    bars = context.variables.progress_bars  # a dict once read back from the yml
    if bars is None or (bars.get("globally") if isinstance(bars, dict) else bars.globally) is not False:
        context.variables.progress_bars = ProgressBarsConfig(globally=False)
        context.variables.save()
    return context


def data_docs_dir(settings: Settings) -> Path:
    return settings.data_dir / "data_docs"


def _definition(context, check):
    """Data asset, batch definition, suite and validation definition of one check. The gate
    runs the validation definitions itself (no checkpoints: a checkpoint per check cost ~0.5 s
    of bookkeeping and added nothing, since the gate has no actions)."""
    import great_expectations as gx

    try:
        source = context.data_sources.get("work_db")
    except (KeyError, ValueError):
        source = context.data_sources.add_pandas("work_db")
    try:
        asset = source.get_asset(check.name)
    except LookupError:
        asset = source.add_dataframe_asset(check.name)
    try:
        batch = asset.get_batch_definition("whole_frame")
    except KeyError:
        batch = asset.add_batch_definition_whole_dataframe("whole_frame")
    suite = context.suites.add_or_update(
        gx.ExpectationSuite(
            name=check.name,
            expectations=list(check.expectations),
            meta={"layer": check.layer, "tables": list(check.tables), "about": check.about},
        )
    )
    return context.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=check.name, data=batch, suite=suite)
    )


def _exception_message(info) -> str | None:
    """GX reports an expectation that could not be computed with exception_info, either flat or
    per metric; the message says what went wrong (e.g. a column of the wrong type)."""
    if not isinstance(info, dict):
        return None
    if info.get("raised_exception"):
        return info.get("exception_message")
    return next((m for v in info.values() if (m := _exception_message(v))), None)


def _failures(check_name: str, validation_result) -> list[Failure]:
    from expectations.suites import severity_of

    out = []
    for r in validation_result.results:
        if r.success:
            continue
        cfg = r.expectation_config
        res = r.result or {}
        exc = _exception_message(r.exception_info)
        out.append(
            Failure(
                check=check_name,
                description=cfg.description or cfg.type,
                expectation=cfg.type,
                column=cfg.kwargs.get("column")
                or (", ".join(cfg.kwargs["column_list"]) if "column_list" in cfg.kwargs else None),
                severity=severity_of(cfg),
                unexpected_count=res.get("unexpected_count", res.get("observed_value")),
                sample=list(res.get("partial_unexpected_list") or ([exc] if exc else []))[:SAMPLE],
            )
        )
    return out


def run(settings: Settings) -> QualityResult:
    """Validate the work database. Never raises for failed expectations: see `passed`."""
    started = time.perf_counter()
    from expectations.suites import checks as all_checks

    checks = all_checks(params(settings))
    frames, skipped = read_frames(settings, checks)
    context = gx_context(settings)
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    run_id = RunIdentifier(run_time=datetime.now(UTC))  # one run in Data Docs for all checks
    errors, warnings, identifiers, n_expectations = [], [], [], 0
    for check in checks:
        if check.name not in frames:
            continue
        validation = _definition(context, check).run(
            batch_parameters={"dataframe": frames[check.name]},
            result_format={"result_format": "SUMMARY", "partial_unexpected_count": SAMPLE},
            run_id=run_id,
        )
        identifiers.append(
            ValidationResultIdentifier(ExpectationSuiteIdentifier(check.name), run_id, validation.batch_id)
        )
        n_expectations += len(validation.results)
        for f in _failures(check.name, validation):
            (errors if f.severity == "error" else warnings).append(f)

    # only this run's pages (and the index): older runs' pages stay as they were built
    suites = [ExpectationSuiteIdentifier(name) for name in frames]
    context.build_data_docs(resource_identifiers=[*identifiers, *suites])
    data_docs.finish(context, data_docs_dir(settings))  # offline assets, latest runs only
    index = data_docs_dir(settings) / "index.html"
    outcome = QualityResult(
        checked=list(frames),
        skipped=skipped,
        errors=errors,
        warnings=warnings,
        expectations=n_expectations,
        data_docs=index,
        seconds=time.perf_counter() - started,
        frames={k: len(v) for k, v in frames.items()},
    )
    for f in warnings:
        log.warning("QUALITY WARNING %s", f)
    for f in errors:
        log.error("QUALITY ERROR %s", f)
    log.info(
        "QUALITY: %s check(s), %s expectation(s): %s error(s), %s warning(s), %s check(s) skipped, in %.1f s. "
        "Data Docs: %s",
        len(frames),
        n_expectations,
        len(errors),
        len(warnings),
        len(skipped),
        outcome.seconds,
        index,
    )
    return outcome
