"""The work database and its publication: connect, configuration tables, atomic publish.

DuckDB allows one writer: every load opens the work database itself and the DAG runs them one
at a time. Analysts read only the published copy. Nothing here is specific to a source."""

from __future__ import annotations

import json
import logging
import os
import shutil
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ingestion.errors import NoPublishedDatabase
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


def publish(settings: Settings, lost_slices: list[dict] | None = None) -> Path:
    """Copy the checked work database to the published path, atomically: readers that have
    the old file open keep reading it; new readers see the new one; a crash leaves the old.
    The file is made read-only (0444) so an analyst's plain connect cannot change it; the
    stamp records whether slices were lost with the user's override (FOU_ALLOW_SHRINK)."""
    target = settings.published_db
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    target.parent.mkdir(parents=True, exist_ok=True)  # its own folder (not the work database's)
    with connect(settings.work_db) as con:
        con.execute("checkpoint")
    shutil.copyfile(settings.work_db, tmp)
    lost = json.dumps(lost_slices, ensure_ascii=False) if lost_slices else None
    with duckdb.connect(str(tmp)) as con:  # stamp when it was published
        con.execute(
            "create or replace table main.publication as select ?::timestamptz as published_at, "
            "?::boolean as allowed_shrink, ?::varchar as lost_slices",
            [now(), bool(lost_slices), lost],
        )
        comment_from_manifest(con, settings.dbt_target_dir / "manifest.json")
    os.chmod(tmp, 0o444)  # read-only on disk (for every user but root)
    os.replace(tmp, target)  # works on a 0444 target: the folder, not the file, is written
    log.info("published %s", target)
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
