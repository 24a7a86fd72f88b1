"""The `fou` command: `fou run` runs the monthly DAG once, locally; `fou fees`, `fou report`,
`fou sql` and `fou docs` read the published warehouse. Commands only: the work is elsewhere."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pendulum
import typer
from rich.console import Console
from rich.table import Table

from ingestion.errors import FouError
from ingestion.settings import PROJECT_DIR, Settings, SourceMode
from report import fmt

app = typer.Typer(add_completion=False, help="FoU Nordväst data warehouse.", pretty_exceptions_enable=False)
console = Console(width=110)


def airflow_env(airflow_home: Path) -> None:
    """Local Airflow: SQLite metadata in airflow_home, this project's dags/, no examples."""
    # absolute: dbt runs in the warehouse folder (ingestion/pipeline.py) and a relative SQLite
    # path would then point elsewhere
    os.environ.setdefault("AIRFLOW_HOME", str(airflow_home.resolve()))
    os.environ.setdefault("AIRFLOW__CORE__DAGS_FOLDER", str(PROJECT_DIR / "dags"))
    os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
    os.environ.setdefault("AIRFLOW__CORE__UNIT_TEST_MODE", "False")
    os.environ.setdefault("AIRFLOW__LOGGING__LOGGING_LEVEL", "WARNING")
    if not (Path(os.environ["AIRFLOW_HOME"]) / "airflow.db").exists():
        subprocess.run([sys.executable, "-m", "airflow", "db", "migrate"], check=True, stdout=subprocess.DEVNULL)


def plain(text: str) -> str:
    """The report's Swedish formats (report/fmt.py) with plain spaces instead of no-break
    spaces, which terminals and copy-paste handle better."""
    return text.replace(fmt.NBSP, " ")


def print_fees(db: Path, fee_year: int | None = None) -> None:
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        year = fee_year or con.execute("select max(fee_year) from marts.fct_fees where is_invoiced").fetchone()[0]
        rows = con.execute(
            "select municipality_name, basis_population, previous_population, population_share_pct, "
            "population_growth_pct, rate_per_inhabitant, fee_kr, basis_date, population_source_mode "
            "from marts.fct_fees where fee_year = ? order by municipality_name",
            [year],
        ).fetchall()
        total = con.execute(
            "select region_basis_population, fee_total_kr, region_population_growth_pct "
            "from marts.fct_fee_totals where fee_year = ?",
            [year],
        ).fetchone()
    table = Table(title=f"Intäkter från delägare {year} (folkmängd {rows[0][7]}, källa SCB: {rows[0][8]})")
    for col in ("Kommun", "Folkmängd", "Föregående år", "Andel", "Förändring", "Kr/inv.", "Avgift (kr)"):
        table.add_column(col, justify="left" if col == "Kommun" else "right")
    for name, pop, prev, share, growth, rate, fee, *_ in rows:
        table.add_row(
            name,
            *(
                plain(v)
                for v in (
                    fmt.number(pop),
                    fmt.number(prev),
                    fmt.pct(share),
                    fmt.pct(growth),
                    fmt.number(rate, 2),
                    fmt.number(fee),
                )
            ),
        )
    table.add_row(
        "Summa",
        *(plain(v) for v in (fmt.number(total[0]), "", fmt.pct(100), fmt.pct(total[2]), "", fmt.number(total[1]))),
        style="bold",
    )
    console.print(table)


@app.command()
def run(
    mode: SourceMode = typer.Option(None, help="live, snapshot or auto (default: FOU_SOURCE_MODE, else auto)"),
    data_dir: Path = typer.Option(None, help="where landing, warehouse and logs go (default ./data)"),
    logical_date: datetime = typer.Option(
        None, formats=["%Y-%m-%d"], help="run as the load of this date (backfill); default now"
    ),
) -> None:
    """Run the monthly load DAG once, now, in this process (Airflow's dag.test)."""
    if mode:
        os.environ["FOU_SOURCE_MODE"] = mode.value
    if data_dir:
        os.environ["FOU_DATA_DIR"] = str(data_dir.resolve())
    settings = Settings()
    settings.validate_config()  # a wrong config/*.yml stops here, in a second, before Airflow starts
    airflow_env(settings.data_dir / "airflow")
    started = time.perf_counter()
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(str(PROJECT_DIR / "dags"))
    if bag.import_errors:
        console.print(bag.import_errors)
        raise typer.Exit(1)
    tz = pendulum.timezone("Europe/Stockholm")
    when = {"logical_date": pendulum.instance(logical_date, tz=tz)} if logical_date else {}
    dag_run = bag.get_dag("monthly_load").test(**when)
    state = str(getattr(dag_run, "state", "unknown"))
    elapsed = time.perf_counter() - started
    if "success" not in state:
        task_states = {ti.task_id: str(ti.state) for ti in dag_run.get_task_instances()}
        failed = sorted(t for t, st in task_states.items() if st.endswith("failed") and "upstream" not in st)
        published = "success" in task_states.get("publish", "")
        console.print(
            f"[red]monthly_load ended in state {state} after {elapsed:.0f} s; failed: "
            f"{', '.join(failed) or 'none'}. "
            + (
                "The load was published; only a step after publishing failed."
                if published
                else "The published database was not replaced."
            )
            + "[/red]",
            soft_wrap=True,
        )
        raise typer.Exit(1)
    console.print(f"monthly_load succeeded in {elapsed:.0f} s (source mode: {settings.source_mode.value})")
    console.print(f"Published warehouse (open read-only): {settings.published_db}", soft_wrap=True)
    print_fees(settings.published_db)


@app.command()
def fees(year: int = typer.Argument(None, help="fee year; default the latest invoiced year")) -> None:
    """Print the fee table of a year from the published warehouse."""
    print_fees(Settings().published_db, year)


@app.command()
def report(
    meeting: str = typer.Option(None, help="steering-group meeting YYYY-MM-DD; default the next in config/report.yml"),
    year: int = typer.Option(None, help="activity year only (the old yearly report, HTML + PDF, no deck)"),
    data_dir: Path = typer.Option(None, help="data dir whose published database is read (default ./data)"),
    out_dir: Path = typer.Option(None, help="where the PPTX, HTML and PDF go (default <data dir>/reports)"),
    pdf: bool = typer.Option(True, help="also write the PDF (--no-pdf: no PDF)"),
) -> None:
    """Build the steering-group deck (PPTX, PDF, HTML) for a meeting from the published warehouse."""
    from datetime import date

    from report import next_meeting
    from report.build import build

    if data_dir:
        os.environ["FOU_DATA_DIR"] = str(data_dir.resolve())
    settings = Settings()
    on = None if year and not meeting else (date.fromisoformat(meeting) if meeting else next_meeting())
    year = year or on.year - 1
    paths = build(settings.published_db, out_dir or settings.reports_dir, year, pdf=pdf, on=on)
    console.print(
        "Rapport " + (f"styrgruppsmöte {on}" if on else str(year)) + ":\n  " + "\n  ".join(str(p) for p in paths if p)
    )


@app.command()
def sql(
    command: str = typer.Option(None, "--command", "-c", help="run this statement and exit"),
    data_dir: Path = typer.Option(None, help="data dir whose published database is opened (default ./data)"),
) -> None:
    """Open a read-only SQL shell on the published warehouse (statements end with ;)."""
    from ingestion import shell

    if data_dir:
        os.environ["FOU_DATA_DIR"] = str(data_dir.resolve())
    raise typer.Exit(shell.run(Settings().published_db, command))


@app.command()
def docs() -> None:
    """dbt docs (catalog and manifest, every mart column described) into <data dir>/dbt_target."""
    from ingestion import dbt

    settings = Settings()
    dbt.run(settings, "docs", "generate")
    target = settings.data_dir / "dbt_target"
    console.print(f"dbt docs in {target}; browse them with: python -m http.server -d {target} 8080", soft_wrap=True)


def main() -> None:
    """Errors we explain (FouError) are one line for the user, not a traceback."""
    try:
        app()
    except FouError as exc:
        print(f"fou: {exc}", file=sys.stderr)
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()
