"""The `fou` command line: every command and option explained and documented (the habit of
sqlite-utils), and every error we can explain given as one line, never a traceback."""

import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
import typer

from ingestion.cli import app

PROJECT_DIR = Path(__file__).resolve().parent.parent
FOU = str(Path(sys.executable).with_name("fou"))
COMMAND = typer.main.get_command(app)
DOCS = "\n".join(p.read_text(encoding="utf-8") for p in [PROJECT_DIR / "README.md", *PROJECT_DIR.glob("docs/*.md")])


@pytest.mark.parametrize("name", sorted(COMMAND.commands))
def test_every_command_and_option_has_help(name):
    command = COMMAND.commands[name]
    assert command.help and len(command.help) > 20, name
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"fou {name} {param.opts[0]} has no help text"


@pytest.mark.parametrize("name", sorted(COMMAND.commands))
def test_every_command_is_documented(name):
    # a command counts as documented where the README or docs/ show it being typed
    assert re.search(rf"\bfou {name}\b", DOCS), f"`fou {name}` appears in neither README.md nor docs/"


def fou(*args: str, data_dir: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    """`fou --data-dir DIR <args>`: the data dir is an option of every command, given once."""
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("FOU_DATA_DIR", None)
    cmd = [FOU, "--data-dir", str(data_dir), *args]
    return subprocess.run(cmd, env=env, input=stdin, capture_output=True, text=True, timeout=120)


def one_line_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize("args", [["fees"], ["sql", "-c", "select 1"], ["report", "--no-pdf"], ["docs"]])
def test_no_published_database_is_one_line_saying_what_to_do(tmp_path, args):
    """The same line, in Swedish, from every command that reads the published database."""
    line = one_line_error(fou(*args, data_dir=tmp_path / "empty"))
    assert line == (
        f"fou: inget publicerat datalager i {tmp_path / 'empty' / 'warehouse' / 'fou_nordvast.duckdb'}: "
        "kör först den månatliga laddningen (make run)"
    )


def test_fees_of_a_year_without_a_fee_decision(bundled_warehouse):
    line = one_line_error(fou("fees", "2025", data_dir=bundled_warehouse.data_dir))
    assert line.startswith("fou: no fee decided for 2025") and "2018, 2019, 2022" in line


def test_fees_prints_the_2019_total_of_the_plan(bundled_warehouse):
    result = fou("fees", "2019", data_dir=bundled_warehouse.data_dir)
    assert result.returncode == 0, result.stderr
    assert "3 854 914" in result.stdout  # verksamhetsplan 2019: avgifter totalt
    assert result.stdout.index("Upplands-Bro") < result.stdout.index("Upplands Väsby")  # the plan's order


def test_sql_exit_code_only_on_error(bundled_warehouse):
    ok = fou("sql", "-c", "select count(*) as n from marts.fct_fee_totals", data_dir=bundled_warehouse.data_dir)
    assert ok.returncode == 0 and ok.stdout.splitlines()[0] == "n" and int(ok.stdout.splitlines()[1]) >= 3
    bad = fou("sql", data_dir=bundled_warehouse.data_dir, stdin="select nonsense from nowhere;\nselect 42 as x;\n")
    assert bad.returncode == 1
    assert "42" in bad.stdout  # the session went on after the failed statement
    assert "Traceback" not in bad.stderr and "nowhere" in bad.stderr


def test_schema_shows_the_dbt_descriptions(bundled_warehouse):
    result = fou("sql", data_dir=bundled_warehouse.data_dir, stdin=".schema marts.fct_fee_totals\n")
    assert result.returncode == 0, result.stderr
    rows = result.stdout.splitlines()
    assert rows[0] == "kolumn,typ,beskrivning"
    described = [r for r in rows[1:] if r.split(",", 2)[2].strip()]
    assert len(described) == len(rows) - 1 >= 2  # every column carries its description
