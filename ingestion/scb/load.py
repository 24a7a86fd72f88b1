"""Load landed SCB answers (metadata: region names; data: population cells, yearly or monthly;
/tables/{id}: table facts) into raw tables, and say what the run brought."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from ingestion import warehouse
from ingestion.scb import jsonstat, monthly
from ingestion.scb.tables import STATE
from ingestion.settings import Settings

log = logging.getLogger(__name__)

SCHEMA = f"""
create table if not exists raw.landing_files (
    sha256 varchar primary key, source varchar, table_id varchar, kind varchar, url varchar,
    query json, fetched_at timestamptz, source_mode varchar, path varchar, loaded_at timestamptz);
create table if not exists raw.scb_population_cells (
    sha256 varchar, table_id varchar, region varchar, civilstand varchar, alder varchar,
    kon varchar, contents_code varchar, tid varchar, value bigint);
alter table raw.scb_population_cells add column if not exists status varchar;
create table if not exists raw.scb_population_monthly (
    sha256 varchar, table_id varchar, region varchar, alder varchar, kon varchar,
    contents_code varchar, tid varchar, value bigint, status varchar);
create table if not exists raw.scb_regions (
    sha256 varchar, table_id varchar, region_code varchar, region_name varchar);
create table if not exists raw.scb_tables (
    sha256 varchar, table_id varchar, label varchar, updated varchar, first_period varchar,
    last_period varchar, discontinued boolean);
create table if not exists {STATE} (
    table_id varchar primary key, updated varchar, signature varchar, loaded_at timestamptz);
"""
CELLS = {"data": "raw.scb_population_cells", "monthly": "raw.scb_population_monthly"}
KIND_TABLE = {"metadata": "raw.scb_regions", "table": "raw.scb_tables", **CELLS}


@dataclass
class ScbLoadResult:
    """What one run's SCB load brought: answers loaded, new months of the monthly table,
    tables SCB has not updated (not downloaded again) and tables SCB has discontinued."""

    answers_loaded: int
    new_months: list[str]
    unchanged_tables: list[str]
    discontinued_tables: list[str]

    def summary(self) -> str:
        text = f"{self.answers_loaded} new answer(s) loaded; new months: {', '.join(self.new_months) or 'none'}"
        if self.unchanged_tables:
            text += f"; unchanged at SCB, not downloaded: {', '.join(self.unchanged_tables)}"
        if self.discontinued_tables:
            text += f"; DISCONTINUED at SCB: {', '.join(self.discontinued_tables)}"
        return text


@dataclass
class _Run:
    """The answers of one run, as they are read: which tables' cells this run replaces."""

    loaded: int = 0
    cells_of: dict[str, list[str]] = field(default_factory=dict)  # table id → its cells' answers
    infos: dict[str, tuple[dict, dict]] = field(default_factory=dict)  # table id → /tables/{id} answer, meta
    new_cells: dict[str, dict[str, tuple[Path, str]]] = field(default_factory=dict)  # target → {sha256: (path, id)}


def load_landed(settings: Settings, paths: list[Path]) -> ScbLoadResult:
    """Load one run's landed SCB answers. An answer already loaded (same SHA-256) is skipped.

    The cells tables hold the current state: each run fetches a table's whole selection, so
    the cells of a table that came from earlier runs' answers are replaced by this run's; a
    table SCB has not updated since (its /tables/{id} answer alone was landed) keeps its cells.
    Every answer ever fetched stays in the landing area and raw.landing_files."""
    run = _Run()
    with warehouse.connect(settings.work_db) as con:
        con.execute(SCHEMA)
        months_before = _months(con)
        con.begin()  # the whole run or nothing: a failed answer leaves the raw tables as they were
        for path in paths:
            _load_answer(con, run, path)
        for target, answers in run.new_cells.items():
            _insert_cells(con, target, answers)
        for table_id, shas in run.cells_of.items():
            for cells in CELLS.values():
                con.execute(
                    f"delete from {cells} where table_id = ? and not list_contains(?, sha256)", [table_id, shas]
                )
            _record_state(con, table_id, run.infos.get(table_id))
        con.commit()
        new_months = sorted(_months(con) - months_before)
    result = ScbLoadResult(
        answers_loaded=run.loaded,
        new_months=new_months,
        unchanged_tables=sorted(set(run.infos) - set(run.cells_of)),
        discontinued_tables=sorted(t for t, (body, _) in run.infos.items() if body.get("discontinued")),
    )
    log.info("SCB: %s new answer(s) loaded, %s already there; %s", run.loaded, len(paths) - run.loaded, result)
    return result


def _load_answer(con, run: _Run, path: Path) -> None:
    """One landed answer: metadata and table facts are inserted now, a cells answer is queued
    for _insert_cells; an answer loaded before (same SHA-256) is only noted."""
    meta = json.loads(path.with_suffix(".meta.json").read_text(encoding="utf-8"))
    sha, table_id, kind = meta["sha256"], path.parent.name, meta["kind"]
    if kind == "data" and table_id == monthly.TABLE:
        kind = "monthly"
    body = None
    if kind in CELLS:  # the cells' answers are read once, as they are inserted
        run.cells_of.setdefault(table_id, []).append(sha)
    else:
        body = json.loads(path.read_bytes().decode("utf-8-sig"))
    if kind == "table":
        run.infos[table_id] = (body, meta)
    if _already_loaded(con, kind, sha) or sha in run.new_cells.get(CELLS.get(kind), {}):
        return
    if kind == "metadata":
        _insert_regions(con, body, sha, table_id)
    elif kind == "table":
        _insert_table(con, body, sha, table_id)
    else:
        run.new_cells.setdefault(CELLS[kind], {})[sha] = (path, table_id)
    con.execute(
        "insert or ignore into raw.landing_files values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            sha,
            meta["source"],
            table_id,
            meta["kind"],
            meta["url"],
            json.dumps(meta["query"], ensure_ascii=False),
            meta["fetched_at"],
            meta["source_mode"],
            str(path),
            warehouse.now(),
        ],
    )
    run.loaded += 1


def _months(con) -> set[str]:
    return {r[0] for r in con.execute("select distinct tid from raw.scb_population_monthly").fetchall()}


def _record_state(con, table_id: str, info: tuple[dict, dict] | None) -> None:
    """The `updated` this run's data was downloaded under; none when the data came without a
    /tables/{id} answer (a snapshot), so the next live run downloads the table again."""
    con.execute(f"delete from {STATE} where table_id = ?", [table_id])
    if info is not None:
        body, meta = info
        con.execute(
            f"insert into {STATE} values (?, ?, ?, ?)",
            [table_id, body.get("updated"), (meta.get("query") or {}).get("signature"), warehouse.now()],
        )


def _already_loaded(con, kind: str, sha: str) -> bool:
    table = KIND_TABLE[kind]
    return con.execute(f"select 1 from {table} where sha256 = ? limit 1", [sha]).fetchone() is not None


def _insert_regions(con, body: dict, sha: str, table_id: str) -> None:
    labels = body["dimension"]["Region"]["category"]["label"]
    regions = pd.DataFrame({"region_code": list(labels), "region_name": list(labels.values())})  # noqa: F841
    con.execute("insert into raw.scb_regions select ?, ?, region_code, region_name from regions", [sha, table_id])


def _insert_table(con, body: dict, sha: str, table_id: str) -> None:
    con.execute(
        "insert into raw.scb_tables values (?, ?, ?, ?, ?, ?, ?)",
        [
            sha,
            table_id,
            body.get("label"),
            body.get("updated"),
            body.get("firstPeriod"),
            body.get("lastPeriod"),
            bool(body.get("discontinued")),
        ],
    )


def _insert_cells(con, target: str, answers: dict[str, tuple[Path, str]]) -> None:
    """One insert per target table for all of the run's new answers. DuckDB reads them as one
    stream of Arrow batches, each answer decoded into columns (jsonstat.columns: no Python
    object per cell) only when DuckDB asks for it, so one answer at a time is in memory and both
    cores insert. An eliminated dimension is absent from the answer and loads as null. DuckDB
    would wrap an error raised inside the stream in its own message, so the stream stops at the
    first bad answer and that error is raised here as it is (the caller's transaction is undone)."""
    text = pa.dictionary(pa.int32(), pa.string())
    # civil status is a dimension of the yearly table only
    dims = [d for d in _COLUMN if d != "Civilstand" or target == CELLS["data"]]
    schema = pa.schema(
        [("sha256", text), ("table_id", text), *((d, text) for d in dims), ("value", pa.int64()), ("status", text)]
    )
    failed: list[Exception] = []

    def constant(value: str, n: int) -> pa.DictionaryArray:
        return pa.DictionaryArray.from_arrays(np.zeros(n, dtype=np.int32), pa.array([value], pa.string()))

    def batches():
        for sha, (path, table_id) in answers.items():
            try:
                body = json.loads(path.read_bytes().decode("utf-8-sig"))
                cols = jsonstat.columns(body, where=f"scb {path}")
            except Exception as exc:  # noqa: BLE001 - raised below, unwrapped
                failed.append(exc)
                return
            n = len(cols["value"])
            absent = pa.DictionaryArray.from_arrays(pa.nulls(n, pa.int32()), pa.array([], pa.string()))
            arrays = [constant(sha, n), constant(table_id, n), *(cols.get(d, absent) for d in dims)]
            yield pa.record_batch([*arrays, cols["value"], cols["status"]], schema=schema)

    stream = pa.RecordBatchReader.from_batches(schema, batches())  # noqa: F841 - read by DuckDB below
    columns = ", ".join(["sha256", "table_id", *(_COLUMN[d] for d in dims), "value", "status"])
    con.execute(f"insert into {target} ({columns}) select * from stream")
    if failed:
        raise failed[0]


# SCB's dimension → its column in the cells tables, in the tables' column order
_COLUMN = {
    "Region": "region",
    "Civilstand": "civilstand",
    "Alder": "alder",
    "Kon": "kon",
    "ContentsCode": "contents_code",
    "Tid": "tid",
}
