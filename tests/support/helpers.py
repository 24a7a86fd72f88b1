"""Helpers the tests (and benchmarks) share: settings for a throw-away data dir, every load of
the DAG without Airflow, and a checksum of every mart to compare two loads."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

PROJECT_DIR = Path(__file__).resolve().parents[2]


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
        return {
            t: con.execute(
                f"select md5(coalesce(string_agg(r::varchar, chr(10) order by r::varchar), '')) from marts.\"{t}\" r"
            ).fetchone()[0]
            for t in tables_in(con, "marts")
        }


def fou_run(env: dict[str, str], timeout: int = 600) -> subprocess.CompletedProcess:
    """`fou run` (what `make run` does) in a subprocess of the project, output captured."""
    cmd = [sys.executable, "-m", "ingestion.cli", "run"]
    return subprocess.run(cmd, cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=timeout)


def tables_in(con: duckdb.DuckDBPyConnection, schema: str) -> list[str]:
    """The base tables of one schema, by name."""
    sql = "select table_name from information_schema.tables where table_schema = ? and table_type = 'BASE TABLE'"
    return sorted(r[0] for r in con.execute(sql, [schema]).fetchall())


def chromium_or_skip() -> str:
    """Debian's headless Chromium; CI must have it (.ci/run installs it), elsewhere the test skips."""
    import pytest

    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if browser is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; .ci/run installs it with apt-get install -y chromium")
        pytest.skip("chromium not installed (apt-get install -y chromium)")
    return browser
