"""The published file: the atomic publish replaces a read-only (0444) target, and dbt's
descriptions are in the database as comments (COMMENT ON), so any DuckDB client shows them."""

from __future__ import annotations

import hashlib
import shutil
import stat

import duckdb

from ingestion import warehouse


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


PLAIN_CONNECT = (
    "import sys, duckdb\n"
    "con = duckdb.connect(sys.argv[1])\n"  # without read_only=True
    "con.execute('create table main.analyst_scratch as select 1 as x')\n"
)


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
