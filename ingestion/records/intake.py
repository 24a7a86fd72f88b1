"""Record intake: each file validated row by row, good rows to raw.records_<type>, bad rows to
raw.records_quarantine and to the readable intake report, the original kept under its SHA-256.

DuckDB allows one writer: this opens the work database itself and the DAG runs loads one at a
time. Nothing builds SQL from file contents: data goes in as dataframes."""

from __future__ import annotations

import logging
import shutil
from dataclasses import replace
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from ingestion import warehouse
from ingestion.errors import ConfigError, RecordFileError
from ingestion.records.formats import format_for, formats
from ingestion.records.parse import RECORD_SUFFIXES, Problem, as_stored_text, sha256_of, validate
from ingestion.settings import Settings

log = logging.getLogger(__name__)

SCHEMA = """
create table if not exists raw.record_files (
    sha256 varchar primary key, file_name varchar, record_type varchar, kept_at varchar,
    rows_loaded integer, rows_quarantined integer, loaded_at timestamptz, status varchar,
    original_path varchar);
create table if not exists raw.records_quarantine (
    file_sha256 varchar, file_name varchar, record_type varchar, row_number integer,
    field varchar, problem varchar, raw_row varchar, quarantined_at timestamptz);
-- the quarantine as it stands now: lines of a file that a later taken-in file of the same name
-- replaced (the corrected file sent again) no longer count; the quality gate warns on these
create or replace view raw.records_quarantine_current as
select q.* from raw.records_quarantine q
where not exists (
    select 1 from raw.record_files f
    where f.file_name = q.file_name and f.loaded_at > q.quarantined_at);
"""


def record_files(settings: Settings) -> list[Path]:
    """The bundled records/ files first, then the inbox, each in name order: this is also the
    load order, and a later loaded file wins per natural key (see docs/records.md)."""
    files = []
    for folder in (settings.records, settings.inbox):
        if folder is not None and folder.is_dir():
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
    con.execute("alter table raw.record_files add column if not exists region_name varchar")
    for fmt in fmts.values():
        # every value is kept as text (ISO dates, '.' decimals); staging casts. A stable schema
        # lets rows of every file of a type sit in one table, whatever the file's content.
        con.execute(
            f"create table if not exists raw.records_{fmt.name} (source_row integer, "
            "file_sha256 varchar, file_name varchar, loaded_at timestamptz)"
        )
        for f in fmt.fields:
            con.execute(f'alter table raw.records_{fmt.name} add column if not exists "{f.name}" varchar')


def _refuse_another_regions_records(con, settings: Settings) -> None:
    """The raw record tables keep every file ever taken in: a data dir that holds another
    region's files would feed that region's fee decisions and activities into this one's marts."""
    region = settings.region.region.name
    other = con.execute(
        "select distinct region_name from raw.record_files where region_name <> ? order by 1", [region]
    ).fetchall()
    if other:
        raise ConfigError(
            f"records: {settings.work_db} holds record files of the region {other[0][0]!r}, not "
            f"{region!r} ({settings.region_config}): give each region a data dir of its own (FOU_DATA_DIR)"
        )


def _already_taken(con, sha: str, record_type: str | None) -> bool:
    """Loaded before, or rejected before as this same type (a renamed file is tried again)."""
    return (
        con.execute(
            "select 1 from raw.record_files where sha256 = ? and (status = 'loaded' "
            "or record_type is not distinct from ?)",
            [sha, record_type],
        ).fetchone()
        is not None
    )


def load_records(settings: Settings) -> dict[str, dict]:
    """Validate and load each record file; returns rows loaded and quarantined per file.

    Good rows are appended to raw.records_<type> (all files' rows are kept; staging picks the
    newest loaded row per natural key). Each bad row gets one line in raw.records_quarantine
    and in the readable report <inbox>/rapporter/intag_<date>.txt (also in data/reports/).
    The original file is kept unchanged under landing/records, named by its SHA-256; a file
    already loaded (same SHA-256) is not loaded again."""
    fmts = formats(settings.members)
    report: dict[str, dict] = {}
    all_problems: list[tuple[str, Problem]] = []
    keep_dir = settings.landing_dir / "records"
    keep_dir.mkdir(parents=True, exist_ok=True)
    settings.inbox.mkdir(parents=True, exist_ok=True)
    with warehouse.connect(settings.work_db) as con:
        con.execute(SCHEMA)
        _record_tables(con, fmts)
        _refuse_another_regions_records(con, settings)
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
                problems = [
                    Problem(path.name, 0, "(filnamn)", f"okänd filtyp: filnamnet ska börja med en av {names}", "")
                ]
            else:
                try:
                    good, problems = validate(path, fmt)
                except RecordFileError as exc:
                    problems = [Problem(path.name, 0, "(fil)", str(exc).removeprefix(f"{path.name}: "), "")]
            loaded_at = warehouse.now()
            con.begin()
            if good is not None and len(good):
                stored = pd.DataFrame(
                    {c: [as_stored_text(v) for v in good[c]] for c in good.columns if c != "source_row"}, dtype=object
                )
                stored["source_row"] = good["source_row"].astype("int64")
                stored["file_sha256"], stored["file_name"], stored["loaded_at"] = sha, path.name, loaded_at
                con.execute(f"insert into raw.records_{fmt.name} by name select * from stored")
            if problems:
                q = pd.DataFrame([vars(p) for p in problems])
                con.execute(
                    "insert into raw.records_quarantine select ?, file, ?, row, field, problem, raw, ? from q",
                    [sha, record_type, loaded_at],
                )
            n_good = 0 if good is None else len(good)
            status = "rejected" if good is None else "loaded"
            con.execute(
                "insert or replace into raw.record_files (sha256, file_name, record_type, kept_at, "
                "rows_loaded, rows_quarantined, loaded_at, status, original_path, region_name) "
                "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    sha,
                    path.name,
                    record_type,
                    str(kept),
                    n_good,
                    len(problems),
                    loaded_at,
                    status,
                    str(path),
                    settings.region.region.name,
                ],  # fmt: skip
            )
            con.commit()
            report[shown] = {
                "status": status,
                "record_type": record_type,
                "loaded": n_good,
                "quarantined": len(problems),
                "sha256": sha,
            }
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
            lines.append(
                f"  {name} [{r['record_type'] or 'unknown type'}]: {r['status']}, "
                f"{r['loaded']} row(s) loaded, {r['quarantined']} quarantined"
            )
    return "\n".join(lines)


STOCKHOLM = ZoneInfo("Europe/Stockholm")


def intake_report_paths(settings: Settings, day) -> list[Path]:
    """Next to the inbox, where staff can read it (production shares only ./inbox), and in the
    data dir with the warehouse's other reports."""
    return [
        settings.inbox / "rapporter" / f"intag_{day.isoformat()}.txt",
        settings.reports_dir / f"intake_{day.isoformat()}.txt",
    ]


def write_intake_report(settings: Settings, report: dict[str, dict], problems: list[tuple[str, Problem]]) -> Path:
    """Append this run's outcome, in Swedish and local Stockholm time for the staff, to
    <inbox>/rapporter/intag_<date>.txt and data/reports/intake_<date>.txt; returns the first."""
    stamp = warehouse.now().astimezone(STOCKHOLM)
    out = [f"Intag av postfiler {stamp:%Y-%m-%d %H:%M} (svensk tid)", ""]
    for name, r in report.items():
        if r["status"] == "already loaded":
            continue
        what = "avvisad, inga rader inlästa" if r["status"] == "rejected" else f"{r['loaded']} rad(er) inlästa"
        out.append(f"{name}: {what}, {r['quarantined']} i karantän (SHA-256 {r['sha256'][:12]}…)")
    out += [
        "",
        "Felaktiga rader (fil, rad, fält: problem). Radnumren är de Excel visar (rubrikraden är "
        "rad 1). Rätta raden och skicka filen igen; redan inlästa rader med samma nyckel ersätts "
        "av den nyare filens rad.",
        *([f"  {replace(p, file=shown)}" for shown, p in problems] or ["  inga"]),
        "",
        "",
    ]
    paths = intake_report_paths(settings, stamp.date())
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write("\n".join(out))
    return paths[0]
