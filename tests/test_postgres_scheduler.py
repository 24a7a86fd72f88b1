"""The monthly load as production runs it: Airflow's metadata in PostgreSQL (a throw-away cluster
of Debian's PostgreSQL), the api-server, the scheduler with the LocalExecutor and the
dag-processor as separate services, runs triggered over the REST API. A first load, an unchanged
month (the short-circuit skips the rest), and a failing run whose failure e-mail reaches a local
SMTP server; each successful run mails its summary to the chief."""

from __future__ import annotations

import os
import time

import duckdb
import pytest

from tests.support.postgres import airflow_services, pg_bin, postgres_cluster
from tests.support.smtp import smtp_server, text_of

pytestmark = pytest.mark.slow

FAILURE_TO, CHIEF = "drift@example.org", "chef@example.org"


def needs_postgres():
    if pg_bin() is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not installed; .ci/run installs it with apt-get install -y postgresql")
        pytest.skip("PostgreSQL not installed (apt-get install -y postgresql)")


def wait_for_mail(inbox, n: int, timeout_s: float = 60):
    deadline = time.monotonic() + timeout_s
    while len(inbox.messages) < n and time.monotonic() < deadline:
        time.sleep(0.5)
    return inbox.messages


def lose_a_slice(data_dir):
    """What makes the third run fail at publish, as a real lost slice would: the published file
    has a fee year the new load lacks, and publish is due (its record is gone)."""
    published = data_dir / "warehouse" / "fou_nordvast.duckdb"
    os.chmod(published, 0o644)
    with duckdb.connect(str(published)) as con:
        con.execute("insert into marts.fct_fees select * replace (1999 as fee_year) from marts.fct_fees limit 1")
    os.chmod(published, 0o444)
    with duckdb.connect(str(data_dir / "work" / "work.duckdb")) as con:
        con.execute("delete from main.load_state where step = 'publish'")


def test_monthly_load_on_postgres_with_local_executor_and_mail(tmp_path):
    needs_postgres()
    data = tmp_path / "data"
    started = time.monotonic()
    with smtp_server() as inbox, postgres_cluster() as db_url:
        env = {
            "AIRFLOW_CONN_SMTP_DEFAULT": inbox.connection,
            "FOU_NOTIFY_FAILURE_TO": FAILURE_TO,
            "FOU_NOTIFY_SUCCESS_TO": CHIEF,
        }
        with airflow_services(tmp_path, data, db_url, env) as airflow:
            first = airflow.trigger()
            run = airflow.finish(first, timeout_s=600)
            tasks = {t["task_id"]: t["state"] for t in airflow.task_instances(first)}
            assert run["state"] == "success", tasks
            assert all(s == "success" for s in tasks.values()), tasks
            [summary] = wait_for_mail(inbox, 1)
            assert summary["X-Envelope-To"] == CHIEF
            text = text_of(summary)
            assert "Månadsladdningen av FoU Nordväst är klar." in text and "Publicerat: ja" in text, text

            unchanged = airflow.trigger()
            run = airflow.finish(unchanged, timeout_s=300)
            tasks = {t["task_id"]: t["state"] for t in airflow.task_instances(unchanged)}
            assert run["state"] == "success", tasks
            skipped = {t for t, s in tasks.items() if s == "skipped"}
            assert skipped == {"quality_gate", "publish", "build_report", "export"}
            assert "Publicerat: nej" in text_of(wait_for_mail(inbox, 2)[1])

            lose_a_slice(data)
            failing = airflow.trigger()
            run = airflow.finish(failing, timeout_s=300)
            tasks = {t["task_id"]: t["state"] for t in airflow.task_instances(failing)}
            assert run["state"] == "failed" and tasks["publish"] == "failed", tasks
            messages = wait_for_mail(inbox, 3)
            time.sleep(3)  # a second failure message would come now
        print(f"\npostgres scheduler test: {time.monotonic() - started:.0f} s")
    assert len(inbox.messages) == 3, [m["Subject"] for m in inbox.messages]
    failure = messages[2]
    assert failure["X-Envelope-To"] == FAILURE_TO
    text = text_of(failure)
    (tmp_path / "failure_mail.txt").write_text(text, encoding="utf-8")
    (tmp_path / "success_mail.txt").write_text(text_of(messages[0]), encoding="utf-8")
    print(f"\n--- failure mail ---\n{text}\n--- success mail ---\n{text_of(messages[0])}")
    for needle in (
        "Månadsladdningen av FoU Nordväst misslyckades.",
        "Uppgift som misslyckades: publish",
        "Orsak: publish refused: the new load has no rows for 1 slice(s) the published database has\n",
        "Det publicerade datalagret är oförändrat",
        "task_id=publish/attempt=1.log",
        "Prova först:",
    ):
        assert needle in text, (needle, text)
    assert "Traceback" not in text and "fee_year=1999" not in text
