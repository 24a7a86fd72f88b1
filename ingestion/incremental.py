"""Skip work whose inputs did not change since it last succeeded (docs/benchmarks.md).

A monthly run usually finds the same answers as last month: SCB answers with the same SHA-256
(the loader skips them), Kolada answers with the same SHA-256 and the same record files. Then
dbt, the quality gate, publishing and the report would only redo what is already there.

Each step records the fingerprint of its inputs when it succeeds, in `main.load_state` of the
work database (so the state goes with the data it describes: a new work database has none and
builds everything). A fingerprint is one digest per dbt source group, computed from the raw
tables themselves (the SHA-256s of the answers and files they were loaded from), plus digests
of the code that turns them into marts:

- scb:      SHA-256 of every loaded SCB answer (raw.landing_files)
- kolada:   SHA-256 of every answer whose rows are in the raw.kolada_* tables, and the KPI catalogue
- records:  SHA-256, type and status of every record file taken in (raw.record_files)
- config:   region membership and population tables (raw.region_members, raw.population_tables),
            the intake's goals and plan words (raw.result_goals, raw.plan_words)
- dbt_project: every file of dbt_project/ (models, tests, macros, yml)
- gate code (quality gate only): expectations/ and ingestion/quality.py

dbt build: nothing changed → skipped; a source group changed → `dbt build --select source:<g>+`
(the models downstream of that source and their tests); the dbt project changed, no state yet,
or FOU_FULL_BUILD=1 → a full build. The quality gate and publish are skipped only when their
own recorded fingerprint equals the current one (a gate that failed recorded nothing, so it runs
again). A failed step records nothing, so the next run redoes everything changed since the last
success."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

from ingestion import warehouse
from ingestion.settings import DBT_PROJECT_DIR, PROJECT_DIR, Settings

log = logging.getLogger(__name__)

SOURCE_GROUPS = ("scb", "kolada", "records", "config")
STATE_TABLE = "main.load_state"
GATE_CODE = [PROJECT_DIR / "expectations", PROJECT_DIR / "ingestion" / "quality.py"]
REPORT_CODE = [PROJECT_DIR / "report", PROJECT_DIR / "config" / "report.yml"]


def report_inputs() -> list[Path]:
    """The report's code, its meetings and its PowerPoint template, which a unit may keep outside
    report/ (config/report.yml `template`): a new template makes a new deck."""
    from report import template_path

    return [*REPORT_CODE, template_path()]


# What each source group's digest is made of: queries on the work database. A table that does
# not exist yet counts as empty.
QUERIES = {
    "scb": ["select sha256 from raw.landing_files where source = 'scb' order by sha256"],
    "kolada": [
        *(
            f"select distinct sha256 from raw.{t} order by 1"
            for t in ("kolada_values", "kolada_group_values", "kolada_kpis", "kolada_municipalities", "kolada_groups")
        ),
        "select kpi_id, area, direction, position from raw.oj_kpi_config order by position",
    ],
    "records": ["select sha256, record_type, status from raw.record_files order by sha256, record_type"],
    "config": [
        "select * from raw.region_members order by all",
        "select * from raw.population_tables order by all",
        "select * from raw.result_goals order by all",
        "select * from raw.plan_words order by all",
    ],
}


def digest_files(paths: list[Path]) -> str:
    """SHA-256 over the relative names and contents of files (folders walked, caches skipped)."""
    h = hashlib.sha256()
    skip = {"target", "logs", "dbt_packages", "__pycache__", "gx", "uncommitted"}
    for root in paths:
        files = (
            [root]
            if root.is_file()
            else sorted(p for p in root.rglob("*") if p.is_file() and not skip & set(p.relative_to(root).parts))
        )
        for p in files:
            h.update(str(p.relative_to(PROJECT_DIR)).encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def _rows_digest(con, sql: str) -> str:
    try:
        rows = con.execute(sql).fetchall()
    except Exception as exc:  # duckdb.CatalogException: the table is not there yet
        if "does not exist" not in str(exc):
            raise
        rows = []
    return hashlib.sha256(json.dumps(rows, default=str, ensure_ascii=False).encode()).hexdigest()


def fingerprint(settings: Settings, con=None) -> dict[str, str]:
    """The current inputs of the dbt build: one digest per source group, and the project's."""

    def compute(c):
        return {
            g: hashlib.sha256("".join(_rows_digest(c, q) for q in qs).encode()).hexdigest() for g, qs in QUERIES.items()
        }

    if con is None:
        with warehouse.connect(settings.work_db) as c:
            out = compute(c)
    else:
        out = compute(con)
    out["dbt_project"] = digest_files([DBT_PROJECT_DIR])
    return out


def _ensure_table(con) -> None:
    con.execute(
        f"create table if not exists {STATE_TABLE} (step varchar primary key, fingerprint json, "
        "recorded_at timestamptz)"
    )


def recorded(settings: Settings, step: str, con=None) -> dict[str, str] | None:
    def read(c):
        _ensure_table(c)
        row = c.execute(f"select fingerprint from {STATE_TABLE} where step = ?", [step]).fetchone()
        return json.loads(row[0]) if row else None

    if con is not None:
        return read(con)
    with warehouse.connect(settings.work_db) as c:
        return read(c)


def record(settings: Settings, step: str, fp: dict[str, str]) -> None:
    with warehouse.connect(settings.work_db) as con:
        _ensure_table(con)
        con.execute(
            f"insert or replace into {STATE_TABLE} values (?, ?, ?)",
            [step, json.dumps(fp, sort_keys=True), warehouse.now()],
        )


def forced(settings: Settings) -> bool:
    return settings.full_build


@dataclass
class BuildPlan:
    fingerprint: dict[str, str]
    changed: list[str]  # source groups whose inputs changed
    full: bool  # build everything
    reason: str

    @property
    def skip(self) -> bool:
        return not self.full and not self.changed

    @property
    def dbt_args(self) -> list[str]:
        if self.full:
            return []
        return ["--select", " ".join(f"source:{g}+" for g in self.changed)]


def plan_dbt_build(settings: Settings) -> BuildPlan:
    with warehouse.connect(settings.work_db) as con:
        fp = fingerprint(settings, con)
        last = recorded(settings, "dbt_build", con)
    if forced(settings):
        return BuildPlan(fp, list(SOURCE_GROUPS), True, "FOU_FULL_BUILD is set")
    if last is None:
        return BuildPlan(fp, list(SOURCE_GROUPS), True, "no earlier successful build in this work database")
    if last.get("dbt_project") != fp["dbt_project"]:
        return BuildPlan(fp, list(SOURCE_GROUPS), True, "the dbt project changed")
    changed = [g for g in SOURCE_GROUPS if last.get(g) != fp[g]]
    return BuildPlan(fp, changed, False, f"changed: {', '.join(changed)}" if changed else "no input changed")


def step_is_current(settings: Settings, step: str, fp: dict[str, str]) -> bool:
    """True when `step` last succeeded on exactly these inputs (and FOU_FULL_BUILD is not set)."""
    return not forced(settings) and recorded(settings, step) == fp


def gate_fingerprint(settings: Settings) -> dict[str, str]:
    return {**fingerprint(settings), "gate_code": digest_files(GATE_CODE)}


def report_is_current(settings: Settings, year: int) -> tuple[bool, Path, dict]:
    """The report of `year` is current when its files exist and were built from this very
    published file (same size and modification time: publishing replaces the file) by the same
    report code. Its state is a small JSON file beside the report, listing the files built."""
    st = settings.published_db.stat()
    state = {"year": year, "published": [st.st_size, st.st_mtime_ns], "code": digest_files(report_inputs())}
    state_path = settings.reports_dir / f".styrgruppsrapport_{year}.state.json"
    try:
        last = json.loads(state_path.read_text(encoding="utf-8"))
        files = last.pop("files")
        current = not forced(settings) and last == state and all(Path(f).exists() for f in files)
    except (OSError, ValueError, KeyError):
        current, files = False, []
    return current, state_path, {**state, "files": files}
