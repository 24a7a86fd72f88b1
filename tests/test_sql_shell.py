"""The analysts' SQL shell: reads the published database and refuses every write."""

import io
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from ingestion import shell as sql_shell

PROJECT_DIR = Path(__file__).resolve().parent.parent


@pytest.fixture
def published(tmp_path):
    """A small published database laid out as a load leaves it (data/warehouse/fou_nordvast.duckdb)."""
    data = tmp_path / "data"
    db = data / "warehouse" / "fou_nordvast.duckdb"
    db.parent.mkdir(parents=True)
    with duckdb.connect(str(db)) as con:
        con.execute("create schema marts")
        con.execute(
            "create table marts.fct_fee_totals as select * from (values (2019, 3854914), (2018, 3699197)) "
            "t(fee_year, fee_total_kr)"
        )
    return data, db


def run(db: Path, script: str) -> tuple[int, str]:
    out = io.StringIO()
    code = sql_shell.run(db, stdin=io.StringIO(script), out=out)
    return code, out.getvalue()


WRITES = [
    "create table marts.x (i int);",
    "insert into marts.fct_fee_totals values (2030, 1);",
    "update marts.fct_fee_totals set fee_total_kr = 0;",
    "delete from marts.fct_fee_totals;",
    "drop table marts.fct_fee_totals;",
    "alter table marts.fct_fee_totals add column y int;",
    "create or replace view marts.v as select 1;",
]


@pytest.mark.parametrize("statement", WRITES)
def test_every_write_is_refused_and_nothing_changes(published, statement):
    _, db = published
    code, out = run(db, statement + "\n")
    assert code == 1
    assert "read-only" in out
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*), sum(fee_total_kr) from marts.fct_fee_totals").fetchone() == (2, 7554111)
        assert con.execute("select count(*) from information_schema.tables").fetchone()[0] == 1


def test_queries_span_lines_and_print_a_table(published):
    _, db = published
    code, out = run(db, "select fee_year,\n  fee_total_kr\nfrom marts.fct_fee_totals\norder by fee_year;\n")
    assert code == 0
    assert "2018" in out and "3854914" in out and out.index("2018") < out.index("2019")


def test_dot_commands(published):
    _, db = published
    code, out = run(db, ".marts\n.schema marts.fct_fee_totals\n.tables\n.quit\nselect 'not reached';\n")
    assert code == 0
    assert "fct_fee_totals" in out and "fee_total_kr" in out and "not reached" not in out


def test_a_missing_database_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="make run"):
        sql_shell.run(tmp_path / "none.duckdb", "select 1")


def test_cli_command_is_read_only_too(published):
    """`python -m ingestion.cli sql` (what `make sql` runs), fed on standard input."""
    data, _ = published
    env = {**os.environ, "FOU_DATA_DIR": str(data)}
    result = subprocess.run(
        [sys.executable, "-m", "ingestion.cli", "sql", "--data-dir", str(data)],
        input="select sum(fee_total_kr) as s from marts.fct_fee_totals;\ndrop table marts.fct_fee_totals;\n",
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
        env=env,
        timeout=120,
    )
    assert "7554111" in result.stdout
    assert "read-only" in result.stdout
    assert result.returncode == 1
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ingestion.cli",
            "sql",
            "--data-dir",
            str(data),
            "-c",
            "select count(*) as n from marts.fct_fee_totals",
        ],
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0 and "2" in result.stdout
