"""Monthly load of the FoU Nordväst warehouse. The DAG only wires steps together; the steps
live in ingestion.pipeline. DuckDB allows one writer, so the tasks that write run one after
another and the DAG never runs two tasks, or two runs, at once."""
from __future__ import annotations

import os
from datetime import timedelta

import pendulum
from airflow.sdk import chain, dag, task


def _settings():
    from ingestion.settings import Settings

    return Settings()


@dag(
    dag_id="monthly_load",
    description="SCB population, ÖJ and internal records → dbt marts → quality gate → published database",
    schedule="0 6 3 * *",  # 06:00 on the 3rd of every month, Stockholm time
    start_date=pendulum.datetime(2026, 1, 1, tz="Europe/Stockholm"),
    catchup=False,
    max_active_runs=1,
    max_active_tasks=1,
    # FOU_TASK_RETRIES: tests and one-off local runs set 0 to fail fast
    default_args={"retries": int(os.environ.get("FOU_TASK_RETRIES", "2")),
                  "retry_delay": timedelta(minutes=2), "retry_exponential_backoff": True},
    tags=["fou-nordvast", "warehouse"],
)
def monthly_load():
    @task
    def extract_population() -> list[str]:
        from ingestion import pipeline

        return pipeline.extract_population(_settings())

    @task
    def load_population(landed: list[str]) -> int:
        from ingestion import pipeline

        return pipeline.load_population(_settings(), landed)

    # one XCom for the whole report: with `-> dict` Airflow would push each file name as an
    # XCom key, and a name like förfrågningar.csv breaks the XCom API path
    @task(multiple_outputs=False)
    def load_records() -> dict:
        import logging

        from ingestion import pipeline, warehouse

        report = pipeline.load_records(_settings())
        # per file: rows loaded and quarantined; the bad rows are in data/reports/intake_<date>.txt
        logging.getLogger("airflow.task").info("%s", warehouse.intake_summary(report))
        return report

    @task
    def extract_oj() -> list[str]:
        from ingestion import pipeline

        return pipeline.extract_oj(_settings())

    @task
    def load_oj(landed: list[str]) -> dict:
        """Failed KPIs are in the returned report (XCom) and logged; they do not fail the task."""
        from ingestion import pipeline

        return pipeline.load_oj(_settings(), landed)

    @task.short_circuit
    def dbt_build() -> bool:
        """dbt build of what changed since the last build. False when nothing changed and the
        gate, publish and report are current too: Airflow then marks those three skipped, so an
        unchanged month costs only its extract and load tasks."""
        from ingestion import pipeline

        settings = _settings()
        built = pipeline.dbt_build(settings)
        return not built["skipped"] or not pipeline.downstream_is_current(settings)

    @task(retries=0)  # failed expectations are data problems: retrying cannot fix them
    def quality_gate() -> dict:
        """GX expectations on the work database; an error-level failure stops the run before
        publish, and the published database stays as it was. Data Docs: <data_dir>/data_docs."""
        from ingestion import pipeline

        return pipeline.quality_gate(_settings())

    @task
    def publish() -> str:
        from ingestion import pipeline

        return pipeline.publish(_settings())

    @task
    def build_report() -> list[str]:
        """The steering-group report (HTML + PDF) for the latest complete year, read-only from the
        published database. It runs after publish, so a failing report never takes data back."""
        from ingestion import pipeline

        # latest complete year; skipped when the published database and the report code are
        # as when it was last built
        return pipeline.build_report(_settings())

    # Every load writes the work database; max_active_tasks=1 keeps them one at a time.
    loads = [
        load_population(extract_population()),
        load_records(),
        load_oj(extract_oj()),
    ]
    chain(loads, dbt_build(), quality_gate(), publish(), build_report())


monthly_load()
