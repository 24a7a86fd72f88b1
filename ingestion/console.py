"""What `fou run` tells the person running the load: one line per task (duration and what it
did: the summary() of the step's result, rebuilt from its XCom) and a final summary. The
detail (dbt's per-model lines, Airflow's and structlog's warnings) goes to
<data_dir>/logs/run_<time>.log instead, unless --verbose. Kept apart from cli.py so the
wording of a run is in one place."""

from __future__ import annotations

import importlib
import json
import logging
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
from rich.console import Console

from ingestion.settings import Settings

DONE = {"success": "ok", "skipped": "skipped", "failed": "FAILED", "upstream_failed": "not run"}


def quiet_logging(settings: Settings, verbose: bool) -> Path | None:
    """Send Python logging (Airflow, dbt, GX) to a log file; dbt's per-model lines too
    (DBT_QUIET keeps dbtRunner's console output to errors, DBT_LOG_PATH moves its file log)."""
    if verbose:
        return None
    logs = settings.data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    path = logs / f"run_{datetime.now():%Y%m%d_%H%M%S}.log"
    os.environ.setdefault("DBT_QUIET", "true")
    os.environ.setdefault("DBT_USE_COLORS", "false")
    os.environ.setdefault("DBT_LOG_PATH", str(logs))
    os.environ.setdefault("NO_COLOR", "1")
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for h in list(root.handlers):
        root.removeHandler(h)
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path


# the last part of a task id → where the class of its result is: the XCom carries the result as
# a plain dict (dataclasses.asdict) and is rebuilt here. Imported when needed, so that the CLI's
# other commands do not pay for pandas.
RESULTS = {
    "extract_population": ("ingestion.pipeline", "ExtractResult"),
    "extract_oj": ("ingestion.pipeline", "ExtractResult"),
    "load_population": ("ingestion.scb.load", "ScbLoadResult"),
    "load_oj": ("ingestion.kolada.load", "KoladaLoadResult"),
    "load_records": ("ingestion.records.intake", "IntakeResult"),
    "dbt_build": ("ingestion.pipeline", "DbtBuildResult"),
    "quality_gate": ("ingestion.quality", "GateResult"),
    "publish": ("ingestion.pipeline", "PublishResult"),
    "build_report": ("ingestion.pipeline", "ReportResult"),
    "export": ("ingestion.pipeline", "ExportResult"),
}
# dbt_build is a short-circuit: its return value is the condition, so its result has a key of its own
XCOM_KEY = {"dbt_build": "result"}


def result_of(task_id: str, value: dict | None) -> Any:
    """A task's result rebuilt from its XCom dict; None when the task returned nothing or has no
    result class. A field renamed on one side only is a TypeError here, never a silent 0."""
    where = RESULTS.get(task_id.rsplit(".", 1)[-1])
    if value is None or where is None:
        return None
    cls = getattr(importlib.import_module(where[0]), where[1])
    from_xcom = getattr(cls, "from_xcom", None)
    return from_xcom(value) if from_xcom else cls(**value)


def _result(ti) -> Any:
    key = XCOM_KEY.get(ti.task_id, "return_value")
    return result_of(ti.task_id, ti.xcom_pull(task_ids=ti.task_id, key=key))


def dbt_results(settings: Settings, since: float) -> str:
    """What dbt built in this run, from its run_results.json ("" when dbt did not run)."""
    path = settings.dbt_target_dir / "run_results.json"
    if not path.exists() or path.stat().st_mtime < since:
        return ""
    results = json.loads(path.read_text(encoding="utf-8"))
    kinds: dict[str, dict[str, int]] = {}
    for r in results.get("results", []):
        kind = r["unique_id"].split(".", 1)[0]
        kinds.setdefault(kind, {}).setdefault(r["status"], 0)
        kinds[kind][r["status"]] += 1
    models, tests = kinds.get("model", {}), kinds.get("test", {})
    select = (results.get("args") or {}).get("select") or []
    scope = f"only {', '.join(select)}" if select else "full build"
    return f"{scope}: {sum(models.values())} model(s) built, {tests.get('pass', 0)} test(s) passed" + (
        f", {tests['warn']} warned" if tests.get("warn") else ""
    )


def task_lines(dag_run, settings: Settings) -> list[str]:
    """One line per task instance, in the order they started, with what its result says."""
    tis = sorted(dag_run.get_task_instances(), key=lambda t: (t.start_date is None, t.start_date or 0))
    lines = []
    for ti in tis:
        state = str(ti.state).rsplit(".", 1)[-1]
        secs = (ti.end_date - ti.start_date).total_seconds() if ti.start_date and ti.end_date else 0
        what = ""
        if state == "success":
            result = _result(ti)
            what = result.summary() if result is not None else ""
            if ti.task_id == "dbt_build" and ti.start_date:
                what = dbt_results(settings, ti.start_date.timestamp()) or what
        lines.append(f"  {ti.task_id:<32} {DONE.get(state, state):<8} {secs:6.1f} s  {what}".rstrip())
    return lines


def fallbacks(settings: Settings, dag_run) -> list[str]:
    """Sources whose answers of this run came from the snapshot although live was asked for
    (source mode auto): Kolada from load_oj's return value, SCB from the provenance of the
    answers extract_population landed (raw.landing_files.source_mode)."""
    out = []
    results = {ti.task_id: _result(ti) for ti in dag_run.get_task_instances()}
    extracted = results.get("population.extract_population")
    if extracted and extracted.landed and settings.work_db.exists():
        try:
            with duckdb.connect(str(settings.work_db), read_only=True) as con:
                modes = con.execute(
                    "select distinct source_mode from raw.landing_files where list_contains(?, path)",
                    [extracted.landed],
                ).fetchall()
            if any(m != "live" for (m,) in modes):
                out.append("SCB")
        except duckdb.Error:
            pass
    oj = results.get("oj.load_oj")
    if oj is not None and oj.source_mode != "live":
        out.append("Kolada")
    return out


def report_files(dag_run) -> list[str]:
    for ti in dag_run.get_task_instances():
        if ti.task_id == "build_report" and str(ti.state).endswith("success"):
            result = _result(ti)
            return result.files if result else []
    return []


def intake_report(dag_run) -> str | None:
    for ti in dag_run.get_task_instances():
        if ti.task_id.endswith("load_records") and str(ti.state).endswith("success"):
            result = _result(ti)
            return result.report if result else None
    return None


def failure_reasons(log_file: Path | None) -> list[str]:
    """The messages of the errors we explain (ingestion.errors and their subclasses) that ended tasks, from the run's
    log: they name the source, the URL or file and the problem, which the user needs to act."""
    if log_file is None or not log_file.exists():
        return []
    found = re.findall(
        r"^ingestion\.[\w.]*?\.[A-Z]\w*: (.+)$", log_file.read_text(encoding="utf-8", errors="replace"), re.M
    )
    return list(dict.fromkeys(found))


@contextmanager
def captured(log_file: Path | None) -> Iterator[Console]:
    """While the DAG runs, whatever Airflow, structlog and dbt print goes to the log file (at the
    file-descriptor level, so nothing escapes); yields a console on the real terminal for the
    progress indicator. Without a log file (--verbose) nothing is redirected."""
    if log_file is None:
        yield Console()
        return
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    terminal = os.fdopen(os.dup(1), "w", encoding="utf-8", closefd=True)
    with open(log_file, "a", encoding="utf-8") as log:
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
        try:
            yield Console(file=terminal)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for fd in saved:
                os.close(fd)
            terminal.close()
