"""Load landed SCB answers (metadata: region names; data: population cells) into raw tables."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pandas as pd
import pyarrow as pa

from ingestion import warehouse
from ingestion.scb import jsonstat
from ingestion.settings import Settings

log = logging.getLogger(__name__)

SCHEMA = """
create table if not exists raw.landing_files (
    sha256 varchar primary key, source varchar, table_id varchar, kind varchar, url varchar,
    query json, fetched_at timestamptz, source_mode varchar, path varchar, loaded_at timestamptz);
create table if not exists raw.scb_population_cells (
    sha256 varchar, table_id varchar, region varchar, civilstand varchar, alder varchar,
    kon varchar, contents_code varchar, tid varchar, value bigint);
alter table raw.scb_population_cells add column if not exists status varchar;
create table if not exists raw.scb_regions (
    sha256 varchar, table_id varchar, region_code varchar, region_name varchar);
"""


def load_landed(settings: Settings, paths: list[Path]) -> int:
    """Load one run's landed SCB answers. An answer already loaded (same SHA-256) is skipped.

    raw.scb_population_cells holds the current state: each run fetches a table's whole
    selection, so the cells of a table that came from earlier runs' answers are replaced by
    this run's. Every answer ever fetched stays in the landing area and raw.landing_files."""
    loaded = 0
    run_answers: dict[str, list[str]] = {}
    with warehouse.connect(settings.work_db) as con:
        con.execute(SCHEMA)
        for path in paths:
            meta = json.loads(path.with_suffix(".meta.json").read_text(encoding="utf-8"))
            sha, table_id = meta["sha256"], path.parent.name
            if meta["kind"] == "data":
                run_answers.setdefault(table_id, []).append(sha)
            if _already_loaded(con, meta["kind"], sha):
                continue
            body = json.loads(path.read_bytes().decode("utf-8-sig"))
            con.begin()
            if meta["kind"] == "metadata":
                _insert_regions(con, body, sha, table_id)
            else:
                _insert_cells(con, body, sha, table_id, where=f"scb {path}")
            query = json.dumps(meta["query"], ensure_ascii=False)
            con.execute(
                "insert or ignore into raw.landing_files values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [sha, meta["source"], table_id, meta["kind"], meta["url"], query,
                 meta["fetched_at"], meta["source_mode"], str(path), warehouse.now()],
            )  # fmt: skip
            con.commit()
            loaded += 1
        for table_id, shas in run_answers.items():
            con.execute("delete from raw.scb_population_cells where table_id = ? and not list_contains(?, sha256)",
                        [table_id, shas])  # fmt: skip
    log.info("SCB: %s new answer(s) loaded, %s already there", loaded, len(paths) - loaded)
    return loaded


def _already_loaded(con, kind: str, sha: str) -> bool:
    table = "raw.scb_population_cells" if kind == "data" else "raw.scb_regions"
    return con.execute(f"select 1 from {table} where sha256 = ? limit 1", [sha]).fetchone() is not None


def _insert_regions(con, body: dict, sha: str, table_id: str) -> None:
    labels = body["dimension"]["Region"]["category"]["label"]
    regions = pd.DataFrame({"region_code": list(labels), "region_name": list(labels.values())})  # noqa: F841
    con.execute("insert into raw.scb_regions select ?, ?, region_code, region_name from regions", [sha, table_id])


def _insert_cells(con, body: dict, sha: str, table_id: str, where: str) -> None:
    """One columnar insert per answer (an Arrow table, no Python object per cell). An
    eliminated dimension is absent from the answer and loads as null."""
    cols = jsonstat.columns(body, where=where)
    n = len(cols["value"])
    for dim in ("Civilstand", "Kon", "Alder"):
        if dim not in cols:
            cols[dim] = pa.nulls(n, pa.string())
    cells = pa.table(cols)  # noqa: F841 - read by DuckDB's replacement scan below
    con.execute(
        "insert into raw.scb_population_cells select ?, ?, Region, Civilstand, Alder, Kon, "
        "ContentsCode, Tid, value, status from cells",
        [sha, table_id],
    )
