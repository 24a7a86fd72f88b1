"""Loading landed files and records into the work database, and publishing it.

DuckDB allows one writer: every function here opens the work database itself and the DAG
runs them one at a time. Nothing builds SQL from file contents: data goes in as dataframes."""
from __future__ import annotations

import json
import logging
import os
import shutil
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pandas as pd

from ingestion import jsonstat
from ingestion.formats import formats
from ingestion.records import Problem, RecordFileError, sha256_of, validate
from ingestion.settings import Settings

log = logging.getLogger(__name__)

SCHEMA = """
create schema if not exists raw;
create table if not exists raw.landing_files (
    sha256 varchar primary key, source varchar, table_id varchar, kind varchar, url varchar,
    query json, fetched_at timestamptz, source_mode varchar, path varchar, loaded_at timestamptz);
create table if not exists raw.scb_population_cells (
    sha256 varchar, table_id varchar, region varchar, civilstand varchar, alder varchar,
    kon varchar, contents_code varchar, tid varchar, value bigint);
create table if not exists raw.scb_regions (
    sha256 varchar, table_id varchar, region_code varchar, region_name varchar);
create table if not exists raw.record_files (
    sha256 varchar primary key, file_name varchar, record_type varchar, kept_at varchar,
    rows_loaded integer, rows_quarantined integer, loaded_at timestamptz);
create table if not exists raw.records_quarantine (
    file_sha256 varchar, file_name varchar, record_type varchar, row_number integer,
    field varchar, problem varchar, raw_row varchar, quarantined_at timestamptz);
"""


@contextmanager
def connect(db: Path, read_only: bool = False):
    db.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db), read_only=read_only)
    try:
        if not read_only:
            con.execute(SCHEMA)
        yield con
    finally:
        con.close()


def now() -> datetime:
    return datetime.now(timezone.utc)


def load_config(settings: Settings) -> None:
    """Region membership and the population series' tables, from configuration, as tables."""
    cfg = settings.region
    members = pd.DataFrame(
        [(code, name, cfg["region"]["name"], cfg["region"]["county_code"]) for code, name in cfg["region"]["members"].items()],
        columns=["municipality_code", "municipality_name", "region_name", "county_code"],
    )
    tables = pd.DataFrame(cfg["population"]["tables"]).rename(columns={"table": "table_id", "contents": "contents_code"})
    with connect(settings.work_db) as con:
        con.execute("create or replace table raw.region_members as select * from members")
        con.execute("create or replace table raw.population_tables as select table_id, contents_code, "
                    "first_year::int as first_year, last_year::int as last_year from tables")


def load_landed_scb(settings: Settings, paths: list[Path]) -> int:
    """Load landed SCB answers; an answer already loaded (same SHA-256) is skipped."""
    loaded = 0
    with connect(settings.work_db) as con:
        for path in paths:
            meta = json.loads(path.with_suffix(".meta.json").read_text(encoding="utf-8"))
            sha = meta["sha256"]
            if con.execute("select 1 from raw.landing_files where sha256 = ?", [sha]).fetchone():
                continue
            body = json.loads(path.read_bytes().decode("utf-8-sig"))
            table_id = path.parent.name
            con.begin()
            if meta["kind"] == "metadata":
                labels = body["dimension"]["Region"]["category"]["label"]
                regions = pd.DataFrame({"region_code": list(labels), "region_name": list(labels.values())})
                con.execute("insert into raw.scb_regions select ?, ?, region_code, region_name from regions",
                            [sha, table_id])
            else:
                cells = pd.DataFrame(jsonstat.parse(body, where=f"scb {path}"))
                for dim in ("Civilstand", "Kon", "Alder"):  # an eliminated dimension is absent
                    if dim not in cells:
                        cells[dim] = None
                cells["value"] = pd.to_numeric(cells["value"]).astype("Int64")
                con.execute(
                    "insert into raw.scb_population_cells select ?, ?, Region, Civilstand, Alder, Kon, "
                    "ContentsCode, Tid, value from cells", [sha, table_id])
            con.execute(
                "insert into raw.landing_files values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [sha, meta["source"], table_id, meta["kind"], meta["url"], json.dumps(meta["query"], ensure_ascii=False),
                 meta["fetched_at"], meta["source_mode"], str(path), now()],
            )
            con.commit()
            loaded += 1
    log.info("SCB: %s new answer(s) loaded, %s already there", loaded, len(paths) - loaded)
    return loaded


def load_records(settings: Settings) -> dict[str, dict]:
    """Validate and load each record file; returns rows loaded and quarantined per file.

    The original file is kept unchanged under the landing area, named by its SHA-256, and a
    file already loaded (same SHA-256) is not loaded again."""
    fmts = formats(settings.region["region"]["members"])
    report: dict[str, dict] = {}
    keep_dir = settings.landing_dir / "records"
    keep_dir.mkdir(parents=True, exist_ok=True)
    with connect(settings.work_db) as con:
        for record_type, fmt in fmts.items():
            for path in sorted(settings.records_dir.glob(f"{record_type}*")):
                if path.suffix.lower() not in (".csv", ".txt", ".xlsx", ".xlsm"):
                    continue
                sha = sha256_of(path)
                if con.execute("select 1 from raw.record_files where sha256 = ?", [sha]).fetchone():
                    report[path.name] = {"status": "already loaded"}
                    continue
                kept = keep_dir / f"{sha}{path.suffix.lower()}"
                if not kept.exists():
                    shutil.copyfile(path, kept)
                try:
                    good, problems = validate(path, fmt)
                except RecordFileError as exc:
                    good, problems = None, [Problem(path.name, 1, "(file)", str(exc), "")]
                con.begin()
                if good is not None:
                    # newest file of a type replaces the rows of that type
                    good["file_sha256"], good["file_name"], good["loaded_at"] = sha, path.name, now()
                    con.execute(f"create or replace table raw.records_{record_type} as select * from good")
                if problems:
                    q = pd.DataFrame([vars(p) for p in problems])
                    con.execute("insert into raw.records_quarantine select ?, file, ?, row, field, problem, raw, ? "
                                "from q", [sha, record_type, now()])
                    for p in problems:
                        log.error("QUARANTINED %s", p)
                n_good = 0 if good is None else len(good)
                con.execute("insert into raw.record_files values (?, ?, ?, ?, ?, ?, ?)",
                            [sha, path.name, record_type, str(kept), n_good, len(problems), now()])
                con.commit()
                report[path.name] = {"loaded": n_good, "quarantined": len(problems)}
                log.info("records %s: %s row(s) loaded, %s quarantined", path.name, n_good, len(problems))
    return report


def publish(settings: Settings) -> Path:
    """Copy the checked work database to the published path, atomically: readers that have
    the old file open keep reading it; new readers see the new one; a crash leaves the old."""
    target = settings.published_db
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    with connect(settings.work_db) as con:
        con.execute("checkpoint")
    shutil.copyfile(settings.work_db, tmp)
    with duckdb.connect(str(tmp)) as con:  # stamp when it was published
        con.execute("create or replace table main.publication as select ?::timestamptz as published_at", [now()])
    os.replace(tmp, target)
    log.info("published %s", target)
    return target
