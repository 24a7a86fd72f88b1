"""Helpers the tests (and benchmarks) share: settings for a throw-away data dir, every load of
the DAG without Airflow, and a checksum of every mart to compare two loads."""

from __future__ import annotations

from pathlib import Path

import duckdb


def make_settings(monkeypatch, data_dir, **env):
    """Settings pointing every path into `data_dir`, fast retries, snapshot mode unless told."""
    from ingestion.settings import Settings

    monkeypatch.setenv("FOU_DATA_DIR", str(data_dir))
    monkeypatch.setenv("FOU_SOURCE_MODE", "snapshot")
    monkeypatch.setenv("FOU_HTTP_BACKOFF_S", "0.01")
    monkeypatch.setenv("FOU_HTTP_TIMEOUT_S", "2")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return Settings()


def run_loads(settings, population: bool = True) -> None:
    """Every load of the monthly DAG, in its order, without Airflow (dbt needs all raw tables)."""
    from ingestion import pipeline

    if population:
        pipeline.load_population(settings, pipeline.extract_population(settings))
    pipeline.load_records(settings)
    pipeline.load_oj(settings, pipeline.extract_oj(settings))


def mart_checksums(db: Path) -> dict[str, str]:
    """MD5 of every mart's full contents (rows sorted), to compare two loads."""
    with duckdb.connect(str(db), read_only=True) as con:
        tables = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts' "
                "and table_type = 'BASE TABLE' order by 1"
            ).fetchall()
        ]
        return {
            t: con.execute(
                f"select md5(coalesce(string_agg(r::varchar, chr(10) order by r::varchar), '')) from marts.\"{t}\" r"
            ).fetchone()[0]
            for t in tables
        }
