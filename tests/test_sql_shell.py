"""The analysts' SQL shell: reads the published database and refuses every write."""

import io
import os
import re
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
    code = sql_shell.run(db, stdin=io.StringIO(script), out=out, err=out)
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
    # without a schema, the table is found in whichever schema holds it
    code, out = run(db, ".schema fct_fee_totals\n")
    assert code == 0 and "fee_total_kr" in out


def test_a_missing_database_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="make run"):
        sql_shell.run(tmp_path / "none.duckdb", "select 1")


def test_cli_command_is_read_only_too(published):
    """`python -m ingestion.cli sql` (what `make sql` runs), fed on standard input."""
    data, _ = published
    env = {**os.environ, "FOU_DATA_DIR": str(data)}
    result = subprocess.run(
        [sys.executable, "-m", "ingestion.cli", "--data-dir", str(data), "sql"],
        input="select sum(fee_total_kr) as s from marts.fct_fee_totals;\ndrop table marts.fct_fee_totals;\n",
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
        env=env,
        timeout=120,
    )
    assert result.stdout.splitlines() == ["s", "7554111"]  # CSV for scripts
    assert "read-only" in result.stderr
    assert result.returncode == 1
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ingestion.cli",
            "--data-dir",
            str(data),
            "sql",
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


SEALED = [
    "attach '{work}' as w (read_write); create table w.main.x (i int);",
    "copy (select 1) to '{tmp}/out.csv';",
    "export database '{tmp}/export';",
    "install httpfs;",
    "load httpfs;",
    "select * from read_csv('{csv}');",
    "set enable_external_access = true;",
]


@pytest.fixture
def sealed_case(published, tmp_path):
    data, db = published
    work = data / "work" / "work.duckdb"  # where Settings.work_db puts it
    work.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(work)) as con:
        con.execute("create table t as select 1 as i")
    csv = tmp_path / "local.csv"
    csv.write_text("a\n1\n", encoding="utf-8")
    return {"db": db, "data": data, "work": work, "tmp": tmp_path, "csv": csv}


def fou_sql(case: dict, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    fou = str(Path(sys.executable).with_name("fou"))
    return subprocess.run(
        [fou, "--data-dir", str(case["data"]), "sql", *args], input=stdin or "", capture_output=True, text=True
    )


@pytest.mark.parametrize("via", ["-c", "stdin"])
@pytest.mark.parametrize("statement", SEALED)
def test_the_shell_cannot_reach_outside_the_published_file(sealed_case, statement, via):
    """ATTACH read-write, COPY TO, EXPORT, INSTALL, LOAD, local files: refused, nothing written."""
    sql = statement.format(**{k: str(v) for k, v in sealed_case.items()})
    res = fou_sql(sealed_case, "-c", sql) if via == "-c" else fou_sql(sealed_case, stdin=sql + "\nselect 42 as a;\n")
    assert res.returncode == 1
    assert re.search(r"Permission Error: .*disabled (by|through) configuration|configuration has been lock", res.stderr)
    assert not (sealed_case["tmp"] / "out.csv").exists() and not (sealed_case["tmp"] / "export").exists()
    with duckdb.connect(str(sealed_case["work"]), read_only=True) as con:
        assert con.execute("select count(*) from information_schema.tables").fetchone()[0] == 1
    if via == "stdin":  # a failed statement does not end the session
        assert "42" in res.stdout


def test_allow_local_files_reads_that_folder_only(sealed_case):
    ok = fou_sql(
        sealed_case, "--allow-local-files", str(sealed_case["tmp"]), "-c", f"select sum(a) from '{sealed_case['csv']}'"
    )
    assert ok.returncode == 0 and "1" in ok.stdout
    refused = fou_sql(
        sealed_case, "--allow-local-files", str(sealed_case["tmp"]), "-c", "select * from read_csv('/etc/passwd')"
    )
    assert refused.returncode == 1 and "disabled by configuration" in refused.stderr
    write = fou_sql(sealed_case, "--allow-local-files", str(sealed_case["tmp"]), "-c", "create table marts.x (i int)")
    assert write.returncode == 1 and "read-only" in write.stderr


def test_a_terminal_gets_harlequin_read_only_and_sealed(tmp_path):
    init = tmp_path / "init.sql"
    cmd = sql_shell.harlequin_command(Path("/w/fou_nordvast.duckdb"), init)
    assert Path(cmd[0]).name == "harlequin" and Path(cmd[0]).exists()
    assert cmd[1:] == ["--adapter", "duckdb", "--read-only", "--init-path", str(init), "/w/fou_nordvast.duckdb"]
    assert sql_shell.seal() == ["SET enable_external_access = false", "SET lock_configuration = true"]


def test_no_published_database_is_one_line(tmp_path):
    fou = str(Path(sys.executable).with_name("fou"))
    res = subprocess.run([fou, "--data-dir", str(tmp_path), "sql", "-c", "select 1"], capture_output=True, text=True)
    assert res.returncode == 1
    db = tmp_path / "warehouse" / "fou_nordvast.duckdb"
    assert (
        res.stderr.strip() == f"fou: inget publicerat datalager i {db}: kör först den månatliga laddningen (make run)"
    )
