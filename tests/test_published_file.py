"""The published file: the atomic publish replaces a read-only (0444) target, and dbt's
descriptions are in the database as comments (COMMENT ON), so any DuckDB client shows them."""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

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


def as_analyst(*cmd: str) -> list[str]:
    """The command as an ordinary user: root may write a 0444 file, an analyst may not. Under
    root (CI, this sandbox) it runs as nobody through util-linux's setpriv."""
    if os.geteuid() != 0:
        return list(cmd)
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root and setpriv (util-linux) is missing: cannot act as an analyst")
    return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", *cmd]


@pytest.fixture
def analyst_dir():
    """A folder an ordinary user can reach (pytest's tmp_path lies under a 0700 folder of root's)."""
    folder = Path(tempfile.mkdtemp(prefix="fou_analyst_"))
    os.chmod(folder, 0o755)
    yield folder
    shutil.rmtree(folder)


def test_a_plain_connect_cannot_change_the_published_file(bundled_warehouse, analyst_dir):
    """duckdb.connect(path) without read_only=True opened the published file for writing and
    changed it (issue 15); on a 0444 file DuckDB cannot open it for writing at all."""
    db = analyst_dir / "fou_nordvast.duckdb"
    shutil.copy2(bundled_warehouse.published_db, db)  # copy2 keeps the 0444 mode publish set
    assert stat.S_IMODE(db.stat().st_mode) == 0o444
    before = sha256(db)
    result = subprocess.run(
        as_analyst(sys.executable, "-c", PLAIN_CONNECT, str(db)), capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "Permission denied" in result.stderr, result.stderr[-500:]
    assert sha256(db) == before
    # reading it, as the docs say, works for the same user
    read = subprocess.run(
        as_analyst(
            sys.executable,
            "-c",
            "import sys, duckdb; print(duckdb.connect(sys.argv[1], read_only=True)"
            ".execute('select count(*) from marts.fct_fees').fetchone()[0])",
            str(db),
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert read.returncode == 0 and int(read.stdout) > 0, read.stderr[-500:]


def test_no_mart_column_is_a_128_bit_integer(bundled_warehouse):
    """DuckDB's sum() of integers is HUGEINT, which clients show as int128 and pandas as object:
    every count and population in the marts is a plain BIGINT or INTEGER."""
    with duckdb.connect(str(bundled_warehouse.published_db), read_only=True) as con:
        wide = con.execute(
            "select table_name || '.' || column_name from information_schema.columns "
            "where table_schema = 'marts' and data_type in ('HUGEINT', 'UHUGEINT') order by 1"
        ).fetchall()
    assert wide == []
