"""The `fou` command: `fou run` runs the monthly DAG once, locally; `fou fees`, `fou report`,
`fou sql`, `fou docs` and `fou export` read the published warehouse; `fou templates` writes the
records' Excel templates. Commands only: the work is elsewhere."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from contextlib import nullcontext
from datetime import datetime
from pathlib import Path

import pendulum
import typer
from rich.console import Console
from rich.table import Table

from ingestion import console as out
from ingestion.dbt import DOCS_PORT
from ingestion.errors import FouError
from ingestion.lock import load_lock
from ingestion.settings import PROJECT_DIR, Settings, SourceMode
from ingestion.warehouse import find_version, published
from report import fmt

app = typer.Typer(add_completion=False, help="FoU Nordväst data warehouse.", pretty_exceptions_enable=False)
console = Console(width=110 if sys.stdout.isatty() else 200)


@app.callback()
def options(
    data_dir: Path = typer.Option(
        None,
        help="data dir of every command: landing, warehouse, reports, logs (default FOU_DATA_DIR, else ./data)",
    ),
) -> None:
    """FoU Nordväst data warehouse."""
    if data_dir:
        os.environ["FOU_DATA_DIR"] = str(data_dir.resolve())


def airflow_env(airflow_home: Path, log_file: Path | None = None) -> None:
    """Local Airflow: SQLite metadata in airflow_home, this project's dags/, no examples.
    Called under the load lock: two migrations of one new SQLite file would collide."""
    # absolute: dbt runs in the warehouse folder (ingestion/pipeline.py) and a relative SQLite
    # path would then point elsewhere
    os.environ.setdefault("AIRFLOW_HOME", str(airflow_home.resolve()))
    os.environ.setdefault("AIRFLOW__CORE__DAGS_FOLDER", str(PROJECT_DIR / "dags"))
    os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
    os.environ.setdefault("AIRFLOW__CORE__UNIT_TEST_MODE", "False")
    os.environ.setdefault("AIRFLOW__LOGGING__LOGGING_LEVEL", "WARNING")
    if not (Path(os.environ["AIRFLOW_HOME"]) / "airflow.db").exists():
        with open(log_file or os.devnull, "a", encoding="utf-8") as out:
            subprocess.run([sys.executable, "-m", "airflow", "db", "migrate"], check=True, stdout=out, stderr=out)


def plain(text: str) -> str:
    """The report's Swedish formats (report/fmt.py) with plain spaces instead of no-break
    spaces, which terminals and copy-paste handle better."""
    return text.replace(fmt.NBSP, " ")


def print_fees(db: Path, fee_year: int | None = None) -> None:
    """The report's own fee table (report/pages/fees.py): the same rounding and order; a
    fee-free year says so in words."""
    import duckdb

    from report.pages.fees import fee_table

    with duckdb.connect(str(db), read_only=True) as con:
        fees = fee_table(con, fee_year)
    table = Table(title=f"{fees.title} (folkmängd {fees.basis_date}, källa SCB: {fees.source_mode})")
    for col in fees.header:
        table.add_column(col, justify="left" if col == "Kommun" else "right")
    for row in fees.rows:
        table.add_row(*(plain(v) for v in row))
    table.add_row(*(plain(v) for v in fees.total), style="bold")
    console.print(table)
    if fees.note:
        console.print(f"{fees.note}.", highlight=False)


@app.command()
def run(
    mode: SourceMode = typer.Option(None, help="live, snapshot or auto (default: FOU_SOURCE_MODE, else snapshot)"),
    logical_date: datetime = typer.Option(
        None, formats=["%Y-%m-%d"], help="run as the load of this date (backfill); default now"
    ),
    wait: float = typer.Option(0, help="seconds to wait for another load of the same data dir (default: refuse)"),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="show Airflow's and dbt's output"),
) -> None:
    """Run the monthly load DAG once, now, in this process (Airflow's dag.test)."""
    # local runs fail fast: no task retries unless asked for (the deployed DAG keeps 2), and the
    # same default mode as `make run`: the bundled snapshot, offline
    os.environ.setdefault("FOU_TASK_RETRIES", "0")
    os.environ["FOU_SOURCE_MODE"] = mode.value if mode else os.environ.get("FOU_SOURCE_MODE") or "snapshot"
    settings = Settings()
    settings.validate_config()  # a wrong config/*.yml stops here, in a second, before Airflow starts
    with load_lock(settings.data_dir, wait=wait):
        log_file = out.quiet_logging(settings, verbose)
        airflow_env(settings.data_dir / "airflow", log_file)
        dag_run, elapsed = _run_dag(settings, logical_date, log_file)
    _summarise(settings, dag_run, elapsed, log_file)


def _run_dag(settings: Settings, logical_date: datetime | None, log_file: Path | None):
    from airflow.dag_processing.dagbag import DagBag

    started = time.perf_counter()
    bag = DagBag(str(PROJECT_DIR / "dags"))
    if bag.import_errors:
        console.print(bag.import_errors)
        raise typer.Exit(1)
    tz = pendulum.timezone("Europe/Stockholm")
    when = {"logical_date": pendulum.instance(logical_date, tz=tz)} if logical_date else {}
    status = f"monthly_load ({settings.source_mode.value}) running; log: {log_file}" if log_file else "running"
    with out.captured(log_file) as live, live.status(status) if live.is_terminal else nullcontext():
        dag_run = bag.get_dag("monthly_load").test(**when)
    return dag_run, time.perf_counter() - started


def _summarise(settings: Settings, dag_run, elapsed: float, log_file: Path | None) -> None:
    state = str(getattr(dag_run, "state", "unknown"))
    for line in out.task_lines(dag_run, settings):
        console.print(line, soft_wrap=True, highlight=False)
    if settings.source_mode is SourceMode.auto:
        fell_back = out.fallbacks(settings, dag_run)
        console.print(f"Fell back to the snapshot: {', '.join(fell_back) or 'none (all live)'}", soft_wrap=True)
    if log_file:
        console.print(f"Log: {log_file}", soft_wrap=True, highlight=False)
    if "success" not in state:
        task_states = {ti.task_id: str(ti.state) for ti in dag_run.get_task_instances()}
        failed = sorted(t for t, st in task_states.items() if st.endswith("failed") and "upstream" not in st)
        published = "success" in task_states.get("publish", "")
        reasons = out.failure_reasons(log_file)
        for reason in reasons:
            console.print(f"  {reason}", soft_wrap=True, highlight=False)
        if settings.source_mode is SourceMode.live and any("could not be reached" in r for r in reasons):
            console.print(
                "  No network? FOU_SOURCE_MODE=auto falls back to the bundled snapshot for each source that "
                "cannot be reached; FOU_SOURCE_MODE=snapshot runs offline.",
                soft_wrap=True,
                highlight=False,
            )
        console.print(
            f"monthly_load ended in state {state} after {elapsed:.0f} s; failed: {', '.join(failed) or 'none'}. "
            + (
                "The load was published; only a step after publishing failed."
                if published
                else "The published database was not replaced."
            ),
            soft_wrap=True,
            style="red",
            highlight=False,
        )
        raise typer.Exit(1)
    console.print(
        f"monthly_load succeeded in {elapsed:.0f} s (source mode: {settings.source_mode.value})", highlight=False
    )
    console.print(f"Published warehouse (open read-only): {settings.published_db}", soft_wrap=True, highlight=False)
    for f in out.report_files(dag_run):
        console.print(f"Report: {f}", soft_wrap=True, highlight=False)
    intake = out.intake_report(dag_run)
    if intake:
        console.print(f"Intake report: {intake}", soft_wrap=True, highlight=False)
    print_fees(settings.published_db)


@app.command()
def fees(year: int = typer.Argument(None, help="fee year; default the latest invoiced year")) -> None:
    """Print the fee table of a year from the published warehouse."""
    print_fees(published(Settings()), year)


@app.command()
def report(
    meeting: str = typer.Option(None, help="steering-group meeting YYYY-MM-DD; default the next in config/report.yml"),
    year: int = typer.Option(None, help="activity year: the deck of the meeting that covers it"),
    out_dir: Path = typer.Option(None, help="where the PPTX, HTML and PDF go (default <data dir>/reports)"),
    pdf: bool = typer.Option(True, help="also write the PDF (--no-pdf: no PDF)"),
    kommunblad: bool = typer.Option(False, help="also one PDF per member municipality (its Kommunblad)"),
    publication: str = typer.Option(None, help="build from this kept version (fou publications), not the current"),
) -> None:
    """Build the steering-group deck (PPTX, PDF, HTML) for a meeting from the published warehouse."""
    from datetime import date

    from report import next_meeting
    from report.build import build

    settings = Settings()
    on = date.fromisoformat(meeting) if meeting else None if year else next_meeting()
    db = find_version(settings, publication) if publication else published(settings)
    paths = build(db, out_dir or settings.reports_dir, year, pdf=pdf, on=on, kommunblad=kommunblad)
    console.print("Rapport:\n  " + "\n  ".join(str(p) for p in paths if p))


@app.command()
def sql(
    command: str = typer.Option(None, "--command", "-c", help="run this statement and exit"),
    allow_local_files: Path = typer.Option(None, help="let SQL read (and COPY into) files in this folder"),
    plain_shell: bool = typer.Option(False, "--plain", help="the plain shell even in a terminal"),
    publication: str = typer.Option(None, help="open this kept version (fou publications), read-only"),
) -> None:
    """SQL on the published warehouse, read-only: Harlequin in a terminal, plain output for -c
    and piped SQL (statements end with ;)."""
    from ingestion import shell

    db = find_version(Settings(), publication) if publication else published(Settings())
    if command is None and not plain_shell and sys.stdin.isatty() and sys.stdout.isatty():
        shell.open_harlequin(db, allow_local_files)
    raise typer.Exit(shell.run(db, command, allow_dir=allow_local_files))


@app.command("check-live")
def check_live() -> None:
    """Before the first live run: ask Kolada (N31807, the members and Riket) and SCB (TAB638,
    one municipality) for one small answer each and compare it with the bundled real answers.
    Exit code 0 when both answered and every value is equal, else 1."""
    from ingestion.check_live import check_live as run_checks

    checks = run_checks(Settings())
    for check in checks:
        console.print(check.line(), soft_wrap=True, highlight=False, style=None if check.ok else "red")
    raise typer.Exit(0 if all(c.ok for c in checks) else 1)


@app.command()
def docs(
    serve: bool = typer.Option(False, "--serve", help="then serve them over HTTP until Ctrl-C (see --port)"),
    port: int = typer.Option(DOCS_PORT, help="port for --serve (8080 is Airflow's)"),
    host: str = typer.Option("127.0.0.1", help="address for --serve (0.0.0.0 in a container)"),
) -> None:
    """dbt docs of the published database (read-only): catalog, manifest and the analysts'
    overview into <data dir>/dbt_docs."""
    from ingestion import dbt

    target = dbt.docs(Settings())
    if not serve:
        console.print(
            f"dbt docs in {target}; serve them with: fou docs --serve (http://localhost:{port})", soft_wrap=True
        )
        return
    server = dbt.serve_docs(target, host, port)
    console.print(f"dbt docs of the published database on http://localhost:{port} (Ctrl-C stops)", soft_wrap=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@app.command()
def templates(
    out_dir: Path = typer.Option(None, "--out", help="folder for the templates (default <inbox>/mallar)"),
) -> None:
    """Excel templates of the record formats, one per format, for staff to fill in (docs/records.md)."""
    from ingestion.records import templates as tpl
    from ingestion.records.formats import formats

    settings = Settings()
    paths = tpl.write_templates(formats(settings.members), out_dir or settings.inbox / tpl.FOLDER, str(settings.inbox))
    console.print("Mallar:\n  " + "\n  ".join(str(p) for p in paths), soft_wrap=True, highlight=False)


@app.command()
def export(
    fmt: str = typer.Option("xlsx", "--format", help="xlsx (a sheet per mart), parquet or csv-sv (a file per mart)"),
    marts: list[str] = typer.Option(None, "--marts", help="marts to export, comma-separated (default: every mart)"),
    out_dir: Path = typer.Option(None, "--out", help="folder (default <data dir>/exports)"),
) -> None:
    """Export the marts of the published warehouse for Excel and Power BI (docs/exports.md)."""
    from ingestion import export as exporter

    settings = Settings()
    names = [n.strip() for m in marts or [] for n in m.split(",") if n.strip()] or None
    started = time.perf_counter()
    paths = exporter.export(published(settings), out_dir or settings.data_dir / "exports", fmt, names)
    console.print(
        f"Export ({fmt}, {time.perf_counter() - started:.1f} s):\n  " + "\n  ".join(str(p) for p in paths),
        soft_wrap=True,
        highlight=False,
    )


@app.command()
def publications() -> None:
    """List the kept versions of the published warehouse, newest first (the first is the current one)."""
    from zoneinfo import ZoneInfo

    from ingestion import warehouse

    kept = warehouse.publications(Settings())
    if not kept:
        console.print("Inga sparade publiceringar ännu: varje lyckad publicering sparas i warehouse/versions/.")
        return
    table = Table(title="Sparade publiceringar (nyaste först; fou restore <version> återställer en)")
    for col in ("Version", "Publicerad", "Körning", "Källäge", "Ändrat", "Storlek"):
        table.add_column(col)
    for v in kept:
        when = v.get("published_at")
        what = f"återställer {v['restored_from']}" if v.get("restored_from") else v.get("changed") or ""
        table.add_row(
            v["version"],
            f"{when.astimezone(ZoneInfo('Europe/Stockholm')):%Y-%m-%d %H:%M}" if when else "",
            v.get("run_id") or "",
            v.get("source_mode") or "",
            what,
            f"{v['size'] / 1e6:.1f} MB",
        )
    console.print(table)


@app.command()
def restore(
    version: str = typer.Argument(..., help="a version as fou publications lists it (or its unique beginning)"),
    wait: float = typer.Option(0, help="seconds to wait for a running load of the same data dir (default: refuse)"),
) -> None:
    """Republish a kept version, atomically and under the load lock; recorded as a publication of
    its own, so restoring the version before it undoes it."""
    from ingestion import warehouse

    settings = Settings()
    with load_lock(settings.data_dir, wait=wait):
        before = warehouse.publications(settings)
        warehouse.restore(settings, version)
    newest = warehouse.publications(settings)[0]
    undo = f"fou restore {before[0]['version']}" if before else "fou restore <versionen före>"
    console.print(
        f"Återställd: {newest['restored_from']} är nu det publicerade datalagret ({settings.published_db}), "
        f"sparad som publiceringen {newest['version']}. Ångra: {undo}. Nästa körning publicerar på nytt "
        "först när indata ändras, och säger det tills dess.",
        soft_wrap=True,
        highlight=False,
    )


def main() -> None:
    """Errors we explain (FouError) are one line for the user, not a traceback."""
    try:
        app()
    except FouError as exc:
        print(f"fou: {exc}", file=sys.stderr)
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()
