"""
### Monthly load of the FoU Nordväst warehouse

SCB population, Öppna jämförelser (Kolada) and the unit's own records are extracted and
loaded into the work database (one task group per source), then `dbt build` makes the marts,
the Great Expectations gate checks them, `publish` replaces the analysts' database atomically
(and emits the `fou_published_warehouse` asset), and the steering-group report is built from it;
`export` writes every mart as xlsx and parquet to <data_dir>/exports beside it.

DuckDB allows one writer, so the tasks that write run one after another and the DAG never
runs two tasks, or two runs, at once. The steps themselves live in `ingestion/pipeline.py`;
this file only wires them. An unchanged month ends after `dbt_build` (a short-circuit).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta

import pendulum
from airflow.sdk import Asset, chain, dag, get_current_context, task, task_group

from ingestion import notify, pipeline
from ingestion.settings import Settings

# The analysts' database; an analyst's DAG can be scheduled on it: schedule=[PUBLISHED_WAREHOUSE]
PUBLISHED_WAREHOUSE = Asset("fou_published_warehouse", uri="file:///fou/warehouse/fou_nordvast.duckdb")

settings = Settings()
settings.validate_config()  # a wrong config/*.yml is an import error of this DAG, not a task failure


# XCom carries plain dicts: each task returns its step's result as dataclasses.asdict, and
# `fou run` (ingestion/console.py) rebuilds the dataclass from it. multiple_outputs=False keeps
# one XCom per task: with a dict Airflow would push each key as an XCom of its own, and a file
# name like förfrågningar.csv as a key breaks the XCom API path.


@task_group
def population():
    @task(multiple_outputs=False)
    def extract_population() -> dict:
        return asdict(pipeline.extract_population(Settings()))

    @task(multiple_outputs=False)
    def load_population(extracted: dict) -> dict:
        return asdict(pipeline.load_population(Settings(), pipeline.ExtractResult(**extracted)))

    return load_population(extract_population())


@task_group
def oj():
    @task(multiple_outputs=False)
    def extract_oj() -> dict:
        return asdict(pipeline.extract_oj(Settings()))

    @task(multiple_outputs=False)
    def load_oj(extracted: dict) -> dict:
        """Failed KPIs are in the returned report (XCom) and logged; they do not fail the task."""
        return asdict(pipeline.load_oj(Settings(), pipeline.ExtractResult(**extracted)))

    return load_oj(extract_oj())


@task_group
def records():
    @task(multiple_outputs=False)
    def load_records() -> dict:
        return asdict(pipeline.load_records(Settings()))

    return load_records()


@task.short_circuit
def dbt_build() -> bool:
    """dbt build of what changed; False (skip the rest) when nothing is left to do. The
    short-circuit's XCom is that condition, so the step's result goes under the key "result"."""
    result = pipeline.dbt_build(Settings())
    get_current_context()["ti"].xcom_push(key="result", value=asdict(result))
    return result.later_steps


@task(retries=0, multiple_outputs=False)  # failed expectations are data problems: retrying cannot fix them
def quality_gate() -> dict:
    """An error-level failure stops the run before publish; Data Docs: <data_dir>/data_docs."""
    return asdict(pipeline.quality_gate(Settings()))


@task(outlets=[PUBLISHED_WAREHOUSE], multiple_outputs=False)
def publish() -> dict:
    return asdict(pipeline.publish(Settings(), run_id=get_current_context()["run_id"]))


@task(multiple_outputs=False)
def build_report() -> dict:
    """After publish, so a failing report never takes data back."""
    return asdict(pipeline.build_report(Settings()))


@task(multiple_outputs=False)
def export() -> dict:
    """xlsx and parquet of every mart into <data_dir>/exports; skipped for an unchanged publication."""
    return asdict(pipeline.export(Settings()))


@dag(
    dag_id="monthly_load",
    description="SCB population, ÖJ and internal records → dbt marts → quality gate → published database",
    doc_md=__doc__,
    schedule="0 6 3 * *",  # 06:00 on the 3rd of every month, Stockholm time
    start_date=pendulum.datetime(2026, 1, 1, tz="Europe/Stockholm"),
    catchup=False,
    max_active_runs=1,
    max_active_tasks=1,
    default_args={
        "retries": settings.task_retries,
        "retry_delay": timedelta(minutes=2),
        "retry_exponential_backoff": True,
        "on_failure_callback": notify.on_failure(settings),  # FOU_NOTIFY_*: off while unset
    },
    on_success_callback=notify.on_success(settings),
    tags=["fou-nordvast", "warehouse"],
)
def monthly_load():
    # every load writes the work database; max_active_tasks=1 keeps them one at a time
    published = publish()
    chain([population(), records(), oj()], dbt_build(), quality_gate(), published, build_report())
    published >> export()  # beside the report: a failing export never stops the report


monthly_load()
