"""Which Kolada KPIs a live run may ask only for what changed (`from_date`), and applying such
an answer.

Kolada's data calls take `from_date=YYYY-MM-DD`: only the values changed since that day, each
with `isdeleted` (true for a value Kolada withdrew). A monthly run then downloads a few
changed values instead of every value of every year again.

- raw.kolada_kpi_state, one row per KPI: when its last live fetch succeeded (`last_success_at`)
  and when it was last fetched in full (`last_full_at`). Written by the load, read by the next
  extract (read-only; a work database that is absent or busy means: fetch everything).
- a KPI is asked incrementally only when it has a successful live fetch before, its values
  are real and none is stale; from_date is the day BEFORE that fetch (UTC), so a change made
  late that evening Swedish time is not missed (an overlap only fetches a value twice).
- everything is fetched again when FOU_FULL_BUILD=1 or FOU_KOLADA_FULL_RELOAD=1.
- an incremental answer replaces the rows it names (KPI × place × year × sex) and deletes the
  ones it flags `isdeleted`; the KPI's other rows stay, now checked (`checked_at`) and not stale."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import duckdb
import pandas as pd

from ingestion import warehouse
from ingestion.settings import Settings

log = logging.getLogger(__name__)
KEY = ["kpi", "municipality_id", "period", "gender"]

STATE_SCHEMA = """
create table if not exists raw.kolada_kpi_state (
    kpi varchar, source_mode varchar, last_success_at timestamptz, last_full_at timestamptz,
    last_mode varchar, last_from_date varchar);
alter table raw.kolada_values add column if not exists checked_at timestamptz;
create table if not exists raw.kolada_group_values as select * from raw.kolada_values limit 0;
"""
VALUE_TABLES = ("kolada_values", "kolada_group_values")  # places; Kolada's groups (G ids)


def write_values(con, values: pd.DataFrame | None, full: list[str], incremental: list[str], now) -> int:
    """This run's value rows: the KPIs fetched in full replace all their rows, the incremental
    ones are upserted; group values (G ids) go to raw.kolada_group_values. Returns rows inserted."""
    loaded = 0
    for table in VALUE_TABLES:
        part = None
        if values is not None:
            is_group = values["municipality_id"].str.startswith("G")
            part = values[is_group if table == "kolada_group_values" else ~is_group]
        if full:
            con.execute(f"delete from raw.{table} where list_contains(?, kpi)", [full])
        if part is not None:
            in_full = part[part["kpi"].isin(full)]  # noqa: F841 (read by DuckDB)
            con.execute(f"insert into raw.{table} by name select * from in_full")
            loaded += len(in_full)
        loaded += apply_incremental(con, part, incremental, now, table)
    return loaded


def from_dates(settings: Settings, kpis: list[str]) -> dict[str, str | None]:
    """Per KPI: the from_date to ask with, or None to fetch it in full."""
    full = dict.fromkeys(kpis)
    if settings.full_build or settings.kolada_full_reload:
        log.info("KOLADA: full reload asked for (FOU_FULL_BUILD / FOU_KOLADA_FULL_RELOAD)")
        return full
    if not settings.work_db.exists():
        return full
    try:
        with warehouse.connect(settings.work_db, read_only=True) as con:
            rows = con.execute(
                """
                select s.kpi, s.last_success_at from raw.kolada_kpi_state s
                where s.source_mode = 'live' and list_contains(?, s.kpi)
                  and not exists (select 1 from raw.kolada_values v
                                  where v.kpi = s.kpi and (v.is_stale or v.is_generated))
                """,
                [kpis],
            ).fetchall()
    except duckdb.Error as exc:  # no state table yet, or the database is busy: fetch in full
        log.info("KOLADA: no earlier load state readable (%s); fetching every value", str(exc).splitlines()[0])
        return full
    for kpi, at in rows:
        full[kpi] = (at.date() - timedelta(days=1)).isoformat()
    return full


def apply_incremental(con, values: pd.DataFrame | None, kpis: list[str], now, table: str = "kolada_values") -> int:
    """Upsert one run's incremental rows of `kpis`: rows named in the answer are replaced,
    rows flagged deleted are removed; the KPIs' rows are marked checked now and not stale.
    Returns the number of rows inserted."""
    if not kpis:
        return 0
    rows = values[values["kpi"].isin(kpis)] if values is not None else pd.DataFrame(columns=KEY + ["is_deleted"])
    if len(rows):
        keys = rows[KEY].drop_duplicates()  # noqa: F841 (read by DuckDB)
        con.execute(
            f"delete from raw.{table} v using keys k "
            "where v.kpi = k.kpi and v.municipality_id = k.municipality_id "
            "and v.period = k.period and v.gender = k.gender"
        )
    kept = rows[~rows["is_deleted"].astype(bool)] if len(rows) else rows
    if len(kept):
        con.execute(f"insert into raw.{table} by name select * from kept")
    con.execute(
        f"update raw.{table} set checked_at = ?, is_stale = false, stale_reason = null where list_contains(?, kpi)",
        [now, kpis],
    )
    deleted = int(rows["is_deleted"].astype(bool).sum()) if len(rows) else 0
    if deleted:
        log.info("KOLADA LOAD: %s value(s) withdrawn by Kolada (isdeleted) removed", deleted)
    return len(kept)


def record(con, source_mode: str, modes: dict[str, str | None], loaded: list[str], now) -> None:
    """The KPIs loaded now: when, and whether in full or since which from_date."""
    if not loaded:
        return
    full_at = dict(
        con.execute(
            "select kpi, last_full_at from raw.kolada_kpi_state where list_contains(?, kpi)", [loaded]
        ).fetchall()
    )
    con.execute("delete from raw.kolada_kpi_state where list_contains(?, kpi)", [loaded])
    for kpi in loaded:
        since = modes.get(kpi)
        con.execute(
            "insert into raw.kolada_kpi_state values (?, ?, ?, ?, ?, ?)",
            [
                kpi,
                source_mode,
                now,
                now if since is None else full_at.get(kpi),
                "full" if since is None else "incremental",
                since,
            ],
        )


def already_loaded(settings: Settings, metas: dict[Path, dict], tables: dict[str, str]) -> bool:
    """True when loading these answers again would change nothing: each was loaded before, and
    every table holds rows from this run's answers only (a KPI replaced since by another answer,
    or one that failed, keeps rows from elsewhere, and then the answers are loaded)."""
    run: dict[str, set[str]] = {}
    for path, meta in metas.items():
        run.setdefault(path.parent.name, set()).add(meta["sha256"])
    with warehouse.connect(settings.work_db) as con:
        if not con.execute(
            "select 1 from duckdb_tables() where schema_name = 'raw' and table_name = 'kolada_answers'"
        ).fetchone():
            return False
        shas = sorted(set().union(*run.values()))
        known = con.execute(
            "select count(distinct sha256) from raw.kolada_answers where list_contains(?, sha256)", [shas]
        ).fetchone()[0]
        if known != len(shas):
            return False
        has_stale = "is_stale" in {c[0] for c in con.execute("describe raw.kolada_values").fetchall()}
        if not has_stale or con.execute("select 1 from raw.kolada_values where is_stale limit 1").fetchone():
            return False  # stale rows of an earlier failed run: this run's answers refresh them
        for entity, table in tables.items():
            held = {r[0] for r in con.execute(f"select distinct sha256 from raw.{table}").fetchall()}
            if not held or not held <= run.get(entity, set()):
                return False
    return True
