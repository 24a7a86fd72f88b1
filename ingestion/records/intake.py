"""Record intake: each file validated row by row, good rows to raw.records_<type>, bad rows to
raw.records_quarantine and to the readable intake report, the original kept under its SHA-256.

DuckDB allows one writer: this opens the work database itself and the DAG runs loads one at a
time. Nothing builds SQL from file contents: data goes in as dataframes."""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from ingestion import warehouse
from ingestion.errors import ConfigError, RecordFileError
from ingestion.records import templates
from ingestion.records.formats import format_for, formats
from ingestion.records.parse import RECORD_SUFFIXES, Problem, RecordFormat, as_stored_text, sha256_of, validate
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
    machine) or anything resolving outside the folder is refused and logged. Sub-folders, such
    as the templates in inbox/mallar and the reports in inbox/rapporter, are not read."""
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


@dataclass
class FileIntake:
    """One record file's outcome: loaded, rejected (the file as a whole), or already loaded."""

    status: str
    record_type: str | None
    loaded: int = 0
    quarantined: int = 0
    sha256: str | None = None  # None: already loaded, not read again


@dataclass
class IntakeResult:
    """Per file (shown as <folder>/<name>) what the intake did, and the readable report the run
    appended to (None when every file was loaded before)."""

    files: dict[str, FileIntake] = field(default_factory=dict)
    report: str | None = None

    @classmethod
    def from_xcom(cls, value: dict) -> IntakeResult:
        """The per-file dicts rebuilt too; a renamed field is a TypeError, as for the other results."""
        files = {name: FileIntake(**f) for name, f in value.get("files", {}).items()}
        return cls(**{**value, "files": files})

    def summary(self) -> str:
        files = self.files.values()
        loaded = sum(f.loaded for f in files)
        quarantined = sum(f.quarantined for f in files)
        new = sum(f.status != "already loaded" for f in files)
        return f"{len(files)} file(s), {new} new: {loaded} row(s) loaded, {quarantined} quarantined"


def load_records(settings: Settings) -> IntakeResult:
    """Validate and load each record file; returns rows loaded and quarantined per file.

    Good rows are appended to raw.records_<type> (all files' rows are kept; staging picks the
    newest loaded row per natural key). Each bad row gets one line in raw.records_quarantine
    and in the readable report <inbox>/rapporter/intag_<date>.txt (also in data/reports/).
    The original file is kept unchanged under landing/records, named by its SHA-256; a file
    already loaded (same SHA-256) is not loaded again."""
    fmts = formats(settings.members)
    result = IntakeResult()
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
            result.files[shown], problems = _take_in(con, settings, path, fmts, keep_dir)
            all_problems += [(shown, p) for p in problems]
    if any(f.status != "already loaded" for f in result.files.values()):
        result.report = str(write_intake_report(settings, result, all_problems))
    # a clean intake is routine (info); a quarantined row or rejected file must be seen (warning)
    trouble = any(f.quarantined for f in result.files.values())
    log.log(logging.WARNING if trouble else logging.INFO, "%s", intake_summary(result))
    return result


def _take_in(con, settings: Settings, path: Path, fmts: dict, keep_dir: Path) -> tuple[FileIntake, list[Problem]]:
    """One file: kept under its SHA-256, validated, its good rows, its bad rows and its
    record_files row written in one transaction."""
    fmt = format_for(path.name, fmts)
    record_type = fmt.name if fmt else None
    sha = sha256_of(path)
    if _already_taken(con, sha, record_type):
        return FileIntake("already loaded", record_type), []
    kept = keep_dir / f"{sha}{path.suffix.lower()}"
    if not kept.exists():
        shutil.copyfile(path, kept)
    good, problems = _validate(path, fmt, fmts)
    loaded_at = warehouse.now()
    con.begin()
    if good is not None and len(good):
        _insert_good(con, good, fmt, sha, path.name, loaded_at)
    if problems:
        q = pd.DataFrame([vars(p) for p in problems])  # read by DuckDB below
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
        ],
    )
    con.commit()
    for p in problems:
        log.warning("QUARANTINED %s", p)
    return FileIntake(status, record_type, n_good, len(problems), sha), problems


def _validate(path: Path, fmt: RecordFormat | None, fmts: dict) -> tuple[pd.DataFrame | None, list[Problem]]:
    """The good rows (None: the file as a whole is rejected) and the problems."""
    if fmt is None:
        names = ", ".join(sorted({n for f in fmts.values() for n in (f.name, *f.aliases)}))
        return None, [Problem(path.name, 0, "(filnamn)", f"okänd filtyp: filnamnet ska börja med en av {names}", "")]
    try:
        # a template's unchanged example row (inbox/mallar) is not a record: left out
        return validate(path, fmt, skip=templates.is_template_example(fmt))
    except RecordFileError as exc:
        return None, [Problem(path.name, 0, "(fil)", str(exc).removeprefix(f"{path.name}: "), "")]


def _insert_good(con, good: pd.DataFrame, fmt: RecordFormat, sha: str, file_name: str, loaded_at) -> None:
    """The good rows as text (as_stored_text) with their provenance, into raw.records_<type>."""
    stored = pd.DataFrame(
        {c: [as_stored_text(v) for v in good[c]] for c in good.columns if c != "source_row"}, dtype=object
    )
    stored["source_row"] = good["source_row"].astype("int64")
    stored["file_sha256"], stored["file_name"], stored["loaded_at"] = sha, file_name, loaded_at
    con.execute(f"insert into raw.records_{fmt.name} by name select * from stored")


def intake_summary(result: IntakeResult) -> str:
    """One line per file: what was loaded and quarantined (the DAG task logs this)."""
    lines = ["Record intake, per file:"]
    for name, r in result.files.items():
        if r.status == "already loaded":
            lines.append(f"  {name}: already loaded earlier (same SHA-256), skipped")
        else:
            lines.append(
                f"  {name} [{r.record_type or 'unknown type'}]: {r.status}, "
                f"{r.loaded} row(s) loaded, {r.quarantined} quarantined"
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


def write_intake_report(settings: Settings, result: IntakeResult, problems: list[tuple[str, Problem]]) -> Path:
    """Append this run's outcome, in Swedish and local Stockholm time for the staff, to
    <inbox>/rapporter/intag_<date>.txt and data/reports/intake_<date>.txt; returns the first."""
    stamp = warehouse.now().astimezone(STOCKHOLM)
    out = [f"Intag av postfiler {stamp:%Y-%m-%d %H:%M} (svensk tid)", ""]
    for name, r in result.files.items():
        if r.status == "already loaded":
            continue
        what = "avvisad, inga rader inlästa" if r.status == "rejected" else f"{r.loaded} rad(er) inlästa"
        out.append(f"{name}: {what}, {r.quarantined} i karantän (SHA-256 {r.sha256[:12]}…)")
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
