"""Loading landed files and records into the work database, and publishing it.

DuckDB allows one writer: every function here opens the work database itself and the DAG
runs them one at a time. Nothing builds SQL from file contents: data goes in as dataframes."""
from __future__ import annotations

import json
import logging
import os
import shutil
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pandas as pd

from ingestion import jsonstat
from ingestion.formats import format_for, formats
from ingestion.records import (RECORD_SUFFIXES, Problem, RecordFileError, as_stored_text,
                               sha256_of, validate)
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
    rows_loaded integer, rows_quarantined integer, loaded_at timestamptz, status varchar,
    original_path varchar);
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
    """Load one run's landed SCB answers. An answer already loaded (same SHA-256) is skipped.

    raw.scb_population_cells holds the current state: each run fetches a table's whole
    selection, so the cells of a table that came from earlier runs' answers are replaced by
    this run's. Every answer ever fetched stays in the landing area and raw.landing_files."""
    loaded = 0
    run_answers: dict[str, list[str]] = {}
    with connect(settings.work_db) as con:
        for path in paths:
            meta = json.loads(path.with_suffix(".meta.json").read_text(encoding="utf-8"))
            sha, table_id = meta["sha256"], path.parent.name
            if meta["kind"] == "data":
                run_answers.setdefault(table_id, []).append(sha)
                present = "select 1 from raw.scb_population_cells where sha256 = ? limit 1"
            else:
                present = "select 1 from raw.scb_regions where sha256 = ? limit 1"
            if con.execute(present, [sha]).fetchone():
                continue
            body = json.loads(path.read_bytes().decode("utf-8-sig"))
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
                "insert or ignore into raw.landing_files values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [sha, meta["source"], table_id, meta["kind"], meta["url"], json.dumps(meta["query"], ensure_ascii=False),
                 meta["fetched_at"], meta["source_mode"], str(path), now()],
            )
            con.commit()
            loaded += 1
        for table_id, shas in run_answers.items():
            con.execute("delete from raw.scb_population_cells where table_id = ? and not list_contains(?, sha256)",
                        [table_id, shas])
    log.info("SCB: %s new answer(s) loaded, %s already there", loaded, len(paths) - loaded)
    return loaded


def record_files(settings: Settings) -> list[Path]:
    """The bundled records/ files first, then the inbox, each in name order: this is also the
    load order, and a later loaded file wins per natural key (see docs/records.md)."""
    files = []
    for folder in (settings.records_dir, settings.inbox):
        if folder.is_dir():
            files += sorted(p for p in folder.iterdir() if _is_record_file(folder, p))
    return files


def _is_record_file(folder: Path, path: Path) -> bool:
    """A regular file directly in its folder; a symlink (which could point anywhere on the
    machine) or anything resolving outside the folder is refused and logged."""
    if path.name.startswith((".", "~$")) or path.suffix.lower() not in RECORD_SUFFIXES:
        return False
    if path.is_symlink() or path.resolve().parent != folder.resolve() or not path.is_file():
        log.error("records: refused %s: not a regular file inside %s", path.name, folder)
        return False
    return True


def _record_tables(con, fmts) -> None:
    # record_files predates status/original_path: add them to an older work database too
    con.execute("alter table raw.record_files add column if not exists status varchar")
    con.execute("alter table raw.record_files add column if not exists original_path varchar")
    for fmt in fmts.values():
        # every value is kept as text (ISO dates, '.' decimals); staging casts. A stable schema
        # lets rows of every file of a type sit in one table, whatever the file's content.
        con.execute(f"create table if not exists raw.records_{fmt.name} (source_row integer, "
                    "file_sha256 varchar, file_name varchar, loaded_at timestamptz)")
        for f in fmt.fields:
            con.execute(f'alter table raw.records_{fmt.name} add column if not exists "{f.name}" varchar')


def _already_taken(con, sha: str, record_type: str | None) -> bool:
    """Loaded before, or rejected before as this same type (a renamed file is tried again)."""
    return con.execute("select 1 from raw.record_files where sha256 = ? and (status = 'loaded' "
                       "or record_type is not distinct from ?)", [sha, record_type]).fetchone() is not None


def load_records(settings: Settings) -> dict[str, dict]:
    """Validate and load each record file; returns rows loaded and quarantined per file.

    Good rows are appended to raw.records_<type> (all files' rows are kept; staging picks the
    newest loaded row per natural key). Each bad row gets one line in raw.records_quarantine
    and in the readable report data/reports/intake_<date>.txt. The original file is kept
    unchanged under landing/records, named by its SHA-256; a file already loaded (same
    SHA-256) is not loaded again."""
    fmts = formats(settings.region["region"]["members"])
    report: dict[str, dict] = {}
    all_problems: list[tuple[str, Problem]] = []
    keep_dir = settings.landing_dir / "records"
    keep_dir.mkdir(parents=True, exist_ok=True)
    settings.inbox.mkdir(parents=True, exist_ok=True)
    with connect(settings.work_db) as con:
        _record_tables(con, fmts)
        for path in record_files(settings):
            shown = f"{path.parent.name}/{path.name}"
            fmt = format_for(path.name, fmts)
            record_type = fmt.name if fmt else None
            sha = sha256_of(path)
            if _already_taken(con, sha, record_type):
                report[shown] = {"status": "already loaded", "record_type": record_type, "loaded": 0, "quarantined": 0}
                continue
            kept = keep_dir / f"{sha}{path.suffix.lower()}"
            if not kept.exists():
                shutil.copyfile(path, kept)
            good, problems = None, []
            if fmt is None:
                names = ", ".join(sorted({n for f in fmts.values() for n in (f.name, *f.aliases)}))
                problems = [Problem(path.name, 0, "(filnamn)", f"okänd filtyp: filnamnet ska börja med "
                                                               f"en av {names}", "")]
            else:
                try:
                    good, problems = validate(path, fmt)
                except RecordFileError as exc:
                    problems = [Problem(path.name, 0, "(fil)", str(exc).removeprefix(f"{path.name}: "), "")]
            loaded_at = now()
            con.begin()
            if good is not None and len(good):
                stored = pd.DataFrame({c: [as_stored_text(v) for v in good[c]] for c in good.columns if c != "source_row"},
                                      dtype=object)
                stored["source_row"] = good["source_row"].astype("int64")
                stored["file_sha256"], stored["file_name"], stored["loaded_at"] = sha, path.name, loaded_at
                con.execute(f"insert into raw.records_{fmt.name} by name select * from stored")
            if problems:
                q = pd.DataFrame([vars(p) for p in problems])
                con.execute("insert into raw.records_quarantine select ?, file, ?, row, field, problem, raw, ? "
                            "from q", [sha, record_type, loaded_at])
            n_good = 0 if good is None else len(good)
            status = "rejected" if good is None else "loaded"
            con.execute("insert or replace into raw.record_files (sha256, file_name, record_type, kept_at, "
                        "rows_loaded, rows_quarantined, loaded_at, status, original_path) "
                        "values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [sha, path.name, record_type, str(kept), n_good, len(problems), loaded_at, status, str(path)])
            con.commit()
            report[shown] = {"status": status, "record_type": record_type, "loaded": n_good,
                             "quarantined": len(problems), "sha256": sha}
            all_problems += [(shown, p) for p in problems]
            for p in problems:
                log.warning("QUARANTINED %s", p)
    if any(r["status"] != "already loaded" for r in report.values()):
        path = write_intake_report(settings, report, all_problems)
        for r in report.values():
            r.setdefault("report", str(path))
    # a clean intake is routine (info); a quarantined row or rejected file must be seen (warning)
    trouble = any(r["quarantined"] for r in report.values())
    log.log(logging.WARNING if trouble else logging.INFO, "%s", intake_summary(report))
    return report


def intake_summary(report: dict[str, dict]) -> str:
    """One line per file: what was loaded and quarantined (the DAG task logs this)."""
    lines = ["Record intake, per file:"]
    for name, r in report.items():
        if r["status"] == "already loaded":
            lines.append(f"  {name}: already loaded earlier (same SHA-256), skipped")
        else:
            lines.append(f"  {name} [{r['record_type'] or 'unknown type'}]: {r['status']}, "
                         f"{r['loaded']} row(s) loaded, {r['quarantined']} quarantined")
    return "\n".join(lines)


def write_intake_report(settings: Settings, report: dict[str, dict], problems: list[tuple[str, Problem]]) -> Path:
    """Append this run's outcome to data/reports/intake_<date>.txt, in Swedish for the staff."""
    settings.reports_dir.mkdir(parents=True, exist_ok=True)
    stamp = now()
    path = settings.reports_dir / f"intake_{stamp.date().isoformat()}.txt"
    out = [f"Intag av postfiler {stamp:%Y-%m-%d %H:%M} UTC", ""]
    for name, r in report.items():
        if r["status"] == "already loaded":
            continue
        what = "avvisad, inga rader inlästa" if r["status"] == "rejected" else f"{r['loaded']} rad(er) inlästa"
        out.append(f"{name}: {what}, {r['quarantined']} i karantän (SHA-256 {r['sha256'][:12]}…)")
    out += ["", "Felaktiga rader (fil, rad, fält: problem). Rätta raden och skicka filen igen; redan "
                "inlästa rader med samma nyckel ersätts av den nyare filens rad.",
            *([f"  {replace(p, file=shown)}" for shown, p in problems] or ["  inga"]), "", ""]
    with path.open("a", encoding="utf-8") as fh:
        fh.write("\n".join(out))
    return path


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


def mart_checksums(db: Path) -> dict[str, str]:
    """MD5 of every mart's full contents (rows sorted), to compare two loads."""
    with duckdb.connect(str(db), read_only=True) as con:
        tables = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' "
            "and table_type = 'BASE TABLE' order by 1").fetchall()]
        return {
            t: con.execute(f'select md5(coalesce(string_agg(r::varchar, chr(10) order by r::varchar), \'\')) '
                           f'from marts."{t}" r').fetchone()[0]
            for t in tables
        }
