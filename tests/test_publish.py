"""The published file: read-only on disk, so a plain duckdb.connect cannot change it, yet the
atomic publish still replaces it; and dbt's descriptions are in the database as comments."""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
import sys

import duckdb
import pytest

from ingestion import warehouse


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


PLAIN_CONNECT = (
    "import sys, duckdb\n"
    "con = duckdb.connect(sys.argv[1])\n"  # without read_only=True
    "con.execute('create table main.analyst_scratch as select 1 as x')\n"
)


def test_published_file_is_read_only_and_a_plain_connect_cannot_change_it(bundled_warehouse, tmp_path):
    """Root ignores file modes: the write refusal is shown only as an unprivileged user (as the
    containers' airflow user runs); under root only the mode is asserted."""
    db = bundled_warehouse.published_db
    assert stat.S_IMODE(db.stat().st_mode) == 0o444
    if os.geteuid() == 0:
        pytest.skip("running as root, which ignores the 0444 mode")
    before = sha256(db)
    run = subprocess.run([sys.executable, "-c", PLAIN_CONNECT, str(db)], capture_output=True, text=True)
    assert run.returncode != 0 and "duckdb" in run.stderr.lower(), run.stderr
    assert sha256(db) == before


def test_publish_replaces_a_read_only_target(bundled_warehouse, tmp_path):
    # a copy: the session's warehouse is shared, and other tests hold connections to it (DuckDB
    # then hands this process the cached old instance instead of the new file)
    shutil.copytree(bundled_warehouse.data_dir, tmp_path / "data")
    settings = bundled_warehouse.model_copy(update={"data_dir": tmp_path / "data"})
    db = settings.published_db
    with duckdb.connect(str(db), read_only=True) as con:
        first = con.execute("select published_at from main.publication").fetchone()[0]
    warehouse.publish(settings)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select published_at from main.publication").fetchone()[0] > first
    assert stat.S_IMODE(db.stat().st_mode) == 0o444


def test_fct_fees_columns_carry_dbt_descriptions(bundled_warehouse):
    with duckdb.connect(str(bundled_warehouse.published_db), read_only=True) as con:
        rows = con.execute(
            "select column_name, comment from duckdb_columns() where schema_name = 'marts' and table_name = 'fct_fees'"
        ).fetchall()
        table = con.execute(
            "select comment from duckdb_tables() where schema_name = 'marts' and table_name = 'fct_fees'"
        ).fetchone()
    comments = dict(rows)
    assert comments and all(comments.values()), comments  # every column documented in dbt
    assert table and table[0]
