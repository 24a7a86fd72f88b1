"""The work database and its publication: connect, configuration tables, atomic publish.

DuckDB allows one writer: every load opens the work database itself and the DAG runs them one
at a time. Analysts read only the published copy. Nothing here is specific to a source."""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ingestion.errors import NoPublishedDatabase, PublicationNotFound
from ingestion.settings import Settings

log = logging.getLogger(__name__)


@contextmanager
def connect(db: Path, read_only: bool = False):
    db.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db), read_only=read_only)
    try:
        con.execute("pragma disable_progress_bar")  # a long insert would draw one into the task's log
        if not read_only:
            con.execute("create schema if not exists raw")
        yield con
    finally:
        con.close()


def published(settings: Settings) -> Path:
    """The published database for every command that reads it, or the one-line error saying
    how to make it (NoPublishedDatabase)."""
    if not settings.published_db.exists():
        raise NoPublishedDatabase(settings.published_db)
    return settings.published_db


def now() -> datetime:
    return datetime.now(UTC)


def load_config(settings: Settings) -> None:
    """Region membership and the population series' tables, from configuration, and the result
    goals and the plan's words (kinds, statuses, network levels) in their order (the intake's
    allowed words, ingestion/records/vocabulary.py), as tables."""
    # here, not at the top: the SQL shell imports this module and needs neither pandas nor the records
    import pandas as pd

    from ingestion.records.vocabulary import GOALS, NETWORK_LEVELS, PLAN_KINDS, PLAN_STATUSES

    region = settings.region.region
    members = pd.DataFrame(  # noqa: F841 (read by name in the SQL below)
        [(code, name, region.name, region.county_code) for code, name in region.members.items()],
        columns=["municipality_code", "municipality_name", "region_name", "county_code"],
    )
    tables = pd.DataFrame([t.model_dump() for t in settings.region.population.tables])  # noqa: F841
    tables = tables.rename(columns={"table": "table_id", "contents": "contents_code"})
    goals = pd.DataFrame(  # noqa: F841 (read by name in the SQL below)
        [(goal, position) for position, goal in enumerate(GOALS, start=1)], columns=["goal", "position"]
    )
    plan_words = pd.DataFrame(  # noqa: F841 (read by name in the SQL below)
        [
            (word_list, word, position)
            for word_list, words in (("kind", PLAN_KINDS), ("status", PLAN_STATUSES), ("network_level", NETWORK_LEVELS))
            for position, word in enumerate(words, start=1)
        ],
        columns=["word_list", "word", "position"],
    )
    with connect(settings.work_db) as con:
        con.execute("create or replace table raw.region_members as select * from members")
        con.execute(
            "create or replace table raw.population_tables as select table_id, contents_code, "
            "first_year::int as first_year, last_year::int as last_year from tables"
        )
        con.execute("create or replace table raw.result_goals as select goal, position::int as position from goals")
        con.execute(
            "create or replace table raw.plan_words as "
            "select word_list, word, position::int as position from plan_words"
        )


def publish(settings: Settings, lost_slices: list[dict] | None = None, provenance: dict | None = None) -> Path:
    """Copy the checked work database to the published path, atomically: readers that have
    the old file open keep reading it; new readers see the new one; a crash leaves the old.
    The file is made read-only (0444) so an analyst's plain connect cannot change it; the
    stamp records whether slices were lost with the user's override (FOU_ALLOW_SHRINK) and what
    it was built from (`provenance`: run id, source mode, what changed, the inputs' fingerprint).
    The same file is kept as an immutable version in warehouse/versions/ (history below)."""
    target = settings.published_db
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    target.parent.mkdir(parents=True, exist_ok=True)  # its own folder (not the work database's)
    with connect(settings.work_db) as con:
        con.execute("checkpoint")
    shutil.copyfile(settings.work_db, tmp)
    lost = json.dumps(lost_slices, ensure_ascii=False) if lost_slices else None
    prov = provenance or {}
    with duckdb.connect(str(tmp)) as con:  # stamp when it was published and from what
        published_at = now()
        stamp_publication(
            con,
            published_at=published_at,
            allowed_shrink=bool(lost_slices),
            lost_slices=lost,
            run_id=prov.get("run_id") or "manual",
            source_mode=prov.get("source_mode") or settings.source_mode.value,
            changed=prov.get("changed") or "",
            fingerprint=json.dumps(prov.get("fingerprint") or {}, sort_keys=True),
            mart_rows=json.dumps(mart_rows(con), sort_keys=True),
            restored_from=None,
        )
        comment_from_manifest(con, settings.dbt_target_dir / "manifest.json")
    _install(settings, tmp, published_at, prov.get("run_id") or "manual")
    log.info("published %s", target)
    return target


# ---------------------------------------------------------------- publication history
# Every publication is also kept as warehouse/versions/<published_at>_<run>.duckdb (0444, a hard
# link of the published file where the file system allows): the newest FOU_KEEP_PUBLICATIONS
# are kept. `fou restore` republishes one of them as a publication of its own.

PUBLICATION_COLUMNS = (
    "published_at timestamptz, allowed_shrink boolean, lost_slices varchar, run_id varchar, "
    "source_mode varchar, changed varchar, fingerprint json, mart_rows json, restored_from varchar"
)


def stamp_publication(con: duckdb.DuckDBPyConnection, **row) -> None:
    """main.publication: one row saying when and from what this file was published."""
    con.execute(f"create or replace table main.publication ({PUBLICATION_COLUMNS})")
    names = [c.split()[0] for c in PUBLICATION_COLUMNS.split(", ")]
    con.execute(f"insert into main.publication values ({', '.join('?' for _ in names)})", [row.get(n) for n in names])


def mart_rows(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    tables = con.execute(
        "select table_name from duckdb_tables() where database_name = current_database() "
        "and schema_name = 'marts' order by 1"
    ).fetchall()
    return {t: con.execute(f"select count(*) from marts.{quote_identifier(t)}").fetchone()[0] for (t,) in tables}


def versions_dir(settings: Settings) -> Path:
    return settings.published_db.parent / "versions"


def version_name(published_at: datetime, run_id: str) -> str:
    """<published_at>_<run>, e.g. 20260303T051502Z_scheduled-2026-03-03: sorts in time order; the
    run id shortened to its kind and date (Airflow's are <kind>__<date>T<time>)."""
    run = re.sub(r"__(\d{4}-\d\d-\d\d)T.*", r"-\1", run_id)
    run = re.sub(r"[^A-Za-z0-9.-]+", "-", run).strip("-")[:60] or "manual"
    return f"{published_at.astimezone(UTC):%Y%m%dT%H%M%SZ}_{run}"


def _install(settings: Settings, tmp: Path, published_at: datetime, run_id: str) -> Path:
    """The stamped file becomes a version (read-only) and then, atomically, the published file."""
    os.chmod(tmp, 0o444)  # read-only on disk (for every user but root)
    versions = versions_dir(settings)
    versions.mkdir(parents=True, exist_ok=True)
    version = versions / f"{version_name(published_at, run_id)}.duckdb"
    n = 1
    while version.exists():  # two publications within a second (tests, a quick restore)
        n += 1
        version = versions / f"{version_name(published_at, run_id)}-{n}.duckdb"
    try:
        os.link(tmp, version)  # the same bytes, no second copy on disk
    except OSError:
        shutil.copyfile(tmp, version)
        os.chmod(version, 0o444)
    os.replace(tmp, settings.published_db)  # works on a 0444 target: the folder, not the file, is written
    prune_versions(settings)
    return version


def prune_versions(settings: Settings) -> list[Path]:
    """Delete all but the newest FOU_KEEP_PUBLICATIONS versions; returns the deleted ones."""
    files = sorted(versions_dir(settings).glob("*.duckdb"))
    old = files[: max(len(files) - max(settings.keep_publications, 1), 0)]
    for f in old:
        f.unlink()
    return old


def publication_of(db: Path) -> dict:
    """The main.publication row of a published file or version, as a dict ({} when it has none)."""
    try:
        with duckdb.connect(str(db), read_only=True) as con:
            cur = con.execute("select * from main.publication")
            names = [d[0] for d in cur.description]
            row = cur.fetchone()
    except duckdb.Error:
        return {}
    return dict(zip(names, row)) if row else {}


def publications(settings: Settings) -> list[dict]:
    """Every kept version, newest first: its name, size and main.publication row."""
    out = []
    for f in sorted(versions_dir(settings).glob("*.duckdb"), reverse=True):
        out.append({"version": f.stem, "path": f, "size": f.stat().st_size, **publication_of(f)})
    return out


def find_version(settings: Settings, version: str) -> Path:
    """A kept version by its name (as `fou publications` lists it, with or without .duckdb) or
    an unambiguous beginning of it, e.g. its date; else PublicationNotFound."""
    name = version.removesuffix(".duckdb")
    files = sorted(versions_dir(settings).glob("*.duckdb"))
    exact = [f for f in files if f.stem == name]
    found = exact or [f for f in files if f.stem.startswith(name)]
    if len(found) != 1:
        raise PublicationNotFound(name, [f.stem for f in found])
    return found[0]


def restore(settings: Settings, version: str) -> Path:
    """Republish a kept version, atomically, as a publication of its own (a new version whose
    main.publication names the version it restores), so a restore can itself be undone by
    restoring the version before it. The caller holds the load lock."""
    source = find_version(settings, version)
    target = settings.published_db
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    shutil.copyfile(source, tmp)
    os.chmod(tmp, 0o644)
    original = publication_of(source)
    published_at = now()
    with duckdb.connect(str(tmp)) as con:
        run_id = f"restore-{source.stem.split('_', 1)[0]}"
        stamp_publication(
            con, **{**original, "published_at": published_at, "run_id": run_id, "restored_from": source.stem}
        )
    _install(settings, tmp, published_at, run_id)
    log.info("restored %s as the published database", source.name)
    return target


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def comment_from_manifest(con: duckdb.DuckDBPyConnection, manifest: Path) -> None:
    """COMMENT ON every built model and its columns with dbt's descriptions, so any DuckDB
    client (the CLI, Harlequin, `duckdb_columns().comment`) shows the documentation."""
    if not manifest.exists():
        log.warning("no dbt manifest at %s: the published file has no column comments", manifest)
        return
    kinds = dict(
        con.execute(
            "select schema_name || '.' || table_name, 'TABLE' from duckdb_tables() "
            "where database_name = current_database() "
            "union all select schema_name || '.' || view_name, 'VIEW' from duckdb_views() "
            "where database_name = current_database() and not internal"
        ).fetchall()
    )
    nodes = json.loads(manifest.read_text(encoding="utf-8"))["nodes"].values()
    for node in (n for n in nodes if n.get("resource_type") == "model"):
        name = node.get("alias") or node["name"]
        kind = kinds.get(f"{node['schema']}.{name}")
        if kind is None:
            continue
        rel = f"{quote_identifier(node['schema'])}.{quote_identifier(name)}"
        if node.get("description"):
            con.execute(f"comment on {kind} {rel} is {sql_literal(node['description'])}")
        for col, spec in node.get("columns", {}).items():
            if spec.get("description"):
                con.execute(f"comment on column {rel}.{quote_identifier(col)} is {sql_literal(spec['description'])}")


def sql_literal(text: str) -> str:
    """A quoted SQL string literal, where DuckDB takes no bound parameters (COMMENT ON, PRAGMA)."""
    return "'" + text.replace("'", "''") + "'"
