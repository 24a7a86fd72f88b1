"""The analysts' SQL on the published warehouse, read-only and sealed.

In a terminal `fou sql` opens Harlequin (completion, history, a results grid, the catalog) on
the published file; `-c` and piped SQL get this plain shell, for scripts. Both run with DuckDB's
external access disabled and the configuration locked (SEAL), so ATTACH of another file, COPY
TO, EXPORT DATABASE, INSTALL/LOAD of extensions and reading local files are refused: a
read-only connection alone still lets `ATTACH 'work.duckdb' (READ_WRITE)` change the database
the next load publishes. `--allow-local-files DIR` lets an analyst read (and COPY into) DIR.

The DuckDB CLI on PyPI (duckdb-cli) lags the Python package, and a file written by a newer
DuckDB may not open in an older CLI, so the shell is the same duckdb the warehouse is built
with: `duckdb.connect(published, read_only=True)`. DuckDB itself refuses every write on such a
connection (INSERT, CREATE, ATTACH … read-write), so nothing here has to police statements.

Statements end with ';' and may span lines. Dot commands: .tables, .schema <table> (with dbt's
column descriptions), .marts, .help, .quit. Non-interactive (`-c "select …"` or SQL on standard
input): CSV on stdout, errors on stderr, exit code 1 when a statement failed."""

from __future__ import annotations

import csv
import shutil
import sys
from contextlib import redirect_stdout
from pathlib import Path
from typing import TextIO

import duckdb

from ingestion.warehouse import sql_literal

HELP = """Skriv SQL och avsluta med ; (flera rader går bra). Databasen är skrivskyddad.
  .marts            marterna med antal rader
  .tables           alla tabeller och vyer
  .schema TABELL    kolumner och typer, t.ex. .schema marts.fct_fees
  .help             den här texten
  .quit             avsluta (eller Ctrl-D)"""
MAX_ROWS = 200


def seal(allow_dir: Path | None = None) -> list[str]:
    """The statements that seal a connection; allowed_directories must come before the seal."""
    sealed = ["SET enable_external_access = false", "SET lock_configuration = true"]
    if allow_dir is None:
        return sealed
    folder = str(allow_dir.resolve()).replace("'", "''")
    return [f"SET allowed_directories = ['{folder}/']", *sealed]


def connect(db: Path, allow_dir: Path | None = None) -> duckdb.DuckDBPyConnection:
    if not db.exists():
        raise FileNotFoundError(f"{db} finns inte: kör först den månatliga laddningen (make run)")
    con = duckdb.connect(str(db), read_only=True)
    for statement in seal(allow_dir):
        con.execute(statement)
    return con


def harlequin_command(db: Path, init: Path) -> list[str]:
    """Harlequin on the published file, read-only, with the init script that seals it."""
    exe = Path(sys.executable).with_name("harlequin")
    return [str(exe), "--adapter", "duckdb", "--read-only", "--init-path", str(init), str(db)]


def open_harlequin(db: Path, allow_dir: Path | None = None) -> None:
    """Replace this process with Harlequin (never returns)."""
    import os
    import tempfile

    if not db.exists():
        raise FileNotFoundError(f"{db} finns inte: kör först den månatliga laddningen (make run)")
    fd, init = tempfile.mkstemp(prefix="fou_sql_", suffix=".sql")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(";\n".join(seal(allow_dir)) + ";\n")
    cmd = harlequin_command(db, Path(init))
    os.execv(cmd[0], cmd)


def show(con: duckdb.DuckDBPyConnection, sql: str, out: TextIO, err: TextIO | None = None, as_csv=False) -> bool:
    """Run one statement and print its result: a table for people, CSV (header, then rows) for
    scripts. Errors go to `err` (stderr for scripts), not raised: the session goes on."""
    try:
        rel = con.sql(sql)
        if rel is None:  # a statement without a result (SET, PRAGMA …)
            print("OK", file=err if as_csv else out)
        elif as_csv:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(rel.columns)
            writer.writerows(rel.fetchall())
        else:
            with redirect_stdout(out):  # Relation.show prints through Python's sys.stdout
                # as wide as the terminal, so a wide result is cut to fit instead of wrapping
                rel.show(max_rows=MAX_ROWS, max_width=shutil.get_terminal_size((200, 24)).columns)
        return True
    except duckdb.Error as exc:
        print(f"Fel: {exc}", file=err or out)
        return False


def dot_command(con: duckdb.DuckDBPyConnection, line: str, out: TextIO, err=None, as_csv=False) -> bool:
    """Returns False when the shell should stop."""
    cmd, _, arg = line.strip().partition(" ")
    if cmd in (".quit", ".exit", ".q"):
        return False
    if cmd == ".help":
        print(HELP, file=out)
    elif cmd == ".tables":
        show(con, TABLES, out, err, as_csv)
    elif cmd == ".marts":
        show(con, MARTS, out, err, as_csv)
    elif cmd == ".schema" and arg:
        schema, _, table = arg.strip().rpartition(".")
        sql = SCHEMA.format(table=sql_literal(table), schema=sql_literal(schema))
        show(con, sql, out, err, as_csv)
    else:
        print(f"Okänt kommando {line.strip()}; skriv .help", file=err or out)
    return True


TABLES = (
    "select table_schema as schema, table_name as namn, table_type as typ from information_schema.tables order by 1, 2"
)
MARTS = (
    "select table_name as mart, estimated_size as rader_ungefär, comment as beskrivning from duckdb_tables() "
    "where schema_name = 'marts' union all select view_name, null, comment from duckdb_views() "
    "where schema_name = 'marts' order by 1"
)
# the descriptions are dbt's, stored with COMMENT ON at publish (ingestion/warehouse.py)
SCHEMA = (
    "select column_name as kolumn, data_type as typ, comment as beskrivning from duckdb_columns() "
    "where table_name = {table} and ({schema} = '' or schema_name = {schema}) order by column_index"
)


def run(
    db: Path,
    command: str | None = None,
    stdin: TextIO = sys.stdin,
    out: TextIO = sys.stdout,
    allow_dir: Path | None = None,
    err: TextIO | None = None,
) -> int:
    """Interactive when stdin is a terminal (tables, errors inline); otherwise reads statements
    from stdin (or -c) and writes CSV, errors to stderr. A failed statement does not end the
    session; returns 1 if any failed, so scripts notice."""
    con = connect(db, allow_dir)
    try:
        if command is not None:
            return 0 if show(con, command, out, err or sys.stderr, as_csv=True) else 1
        if not stdin.isatty():
            session = _Session(con, out, err or sys.stderr, as_csv=True)
            for line in stdin:
                if not session.feed(line):
                    break
            return session.finish()
        session = _Session(con, out, out, as_csv=False)
        _greet(db, out)
        while True:
            try:
                line = input("   ...> " if session.buffer else "fou> ")
            except EOFError:
                break
            except KeyboardInterrupt:  # drop the statement being typed, keep the session
                session.buffer = []
                print(file=out)
                continue
            if not session.feed(line):
                break
        return session.finish()
    finally:
        con.close()


def _greet(db: Path, out: TextIO) -> None:
    try:
        import readline  # noqa: F401 - line editing and history where available
    except ImportError:
        pass
    print(f"FoU Nordväst, skrivskyddad SQL mot {db}\n{HELP}", file=out)


class _Session:
    """Statements end with ;, dot commands stand alone; a failed statement does not end it."""

    def __init__(self, con: duckdb.DuckDBPyConnection, out: TextIO, err: TextIO, as_csv: bool):
        self.con, self.out, self.err, self.as_csv = con, out, err, as_csv
        self.buffer: list[str] = []
        self.ok = True

    def feed(self, line: str) -> bool:
        """One line of input; False when it was .quit."""
        if not self.buffer and line.strip().startswith("."):
            return dot_command(self.con, line, self.out, self.err, self.as_csv)
        self.buffer.append(line.rstrip("\n"))
        if line.rstrip().endswith(";"):
            self._run()
        return True

    def finish(self) -> int:
        """Runs an unfinished last statement; 1 if any statement failed, so scripts notice."""
        if "\n".join(self.buffer).strip():
            self._run()
        return 0 if self.ok else 1

    def _run(self) -> None:
        self.ok &= show(self.con, "\n".join(self.buffer), self.out, self.err, self.as_csv)
        self.buffer = []
