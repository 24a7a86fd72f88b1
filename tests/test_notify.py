"""The notifications (ingestion/notify.py): the Swedish texts from a callback's context, sent by
the SMTP provider's notifier to a local SMTP server; never a traceback, a secret or a row."""

from dataclasses import asdict
from datetime import UTC, datetime

import pytest

from ingestion import notify, pipeline
from ingestion.errors import PublishRefused, SourceUnreachable
from ingestion.kolada.load import KoladaLoadResult
from ingestion.quality import GateResult
from ingestion.records.intake import FileIntake, IntakeResult
from ingestion.scb.load import ScbLoadResult
from tests.support.helpers import make_settings
from tests.support.smtp import smtp_server, text_of

RUN = "scheduled__2026-03-03T05:00:00+00:00"
SECRET = "hemligt-lösenord-123"


class FakeTI:
    dag_id, run_id, try_number = "monthly_load", RUN, 3
    log_url = "http://localhost:8080/dags/monthly_load/runs/x/tasks/publish?try_number=3"

    def __init__(self, task_id="publish", xcoms=None):
        self.task_id, self.xcoms = task_id, xcoms or {}

    def xcom_pull(self, task_ids, key="return_value"):
        return self.xcoms.get((task_ids, key))


def failure_context(exc, task_id="publish"):
    return {"ti": FakeTI(task_id), "exception": exc, "logical_date": datetime(2026, 3, 3, 5, tzinfo=UTC)}


def test_failure_text_names_run_task_reason_what_was_kept_log_and_first_step(tmp_path, monkeypatch):
    settings = make_settings(monkeypatch, tmp_path)
    try:
        lost = "publish refused: the new load has no rows for 1 slice(s):\n  marts.fct_fees fee_year=1999"
        raise PublishRefused(lost)
    except PublishRefused as exc:
        subject, text = notify.failure_message(failure_context(exc), settings)
    assert "FoU Nordväst" in subject and "misslyckades" in subject and "publish" in subject
    for needle in (
        "Månadsladdningen av FoU Nordväst misslyckades.",
        f"Körning: {RUN} (logiskt datum 2026-03-03 06:00)",
        "Uppgift som misslyckades: publish (försök 3)",
        "Orsak: publish refused: the new load has no rows for 1 slice(s)\n",
        "Inget publicerat datalager finns ännu",
        "Loggen: http://localhost:8080/dags/monthly_load/runs/x/tasks/publish",
        "task_id=publish/attempt=3.log",
        "Prova först: ta reda på varför rader saknas",
        "FOU_ALLOW_SHRINK=1",
    ):
        assert needle in text, (needle, text)
    assert "fee_year=1999" not in text, "only the first line of the reason"
    assert "Traceback" not in text and 'File "' not in text


def test_failure_reason_has_no_secret_and_an_unexplained_error_only_its_type(tmp_path, monkeypatch):
    settings = make_settings(monkeypatch, tmp_path)
    exc = SourceUnreachable(f"kolada: https://user:{SECRET}@api.example.org/v3 could not be reached")
    _, text = notify.failure_message(failure_context(exc, "oj.extract_oj"), settings)
    assert SECRET not in text and "https://***@api.example.org" in text
    assert "kontrollera att källan går att nå" in text
    _, text = notify.failure_message(failure_context(KeyError(f"personnummer 19121212-1212 {SECRET}")), settings)
    assert "oväntat fel (KeyError); se loggen" in text
    assert "19121212" not in text and SECRET not in text


def test_failure_text_says_when_the_published_file_is_kept(bundled_warehouse, monkeypatch):
    monkeypatch.setenv("FOU_DATA_DIR", str(bundled_warehouse.data_dir))
    _, text = notify.failure_message(failure_context(SourceUnreachable("scb: down")), bundled_warehouse)
    assert "Det publicerade datalagret är oförändrat: analytikerna och rapporten har kvar publiceringen från 20" in text


def success_xcoms():
    intake = IntakeResult(
        {"records/avgifter.csv": FileIntake("loaded", "fees", 10, 2, "abc")}, "/data/reports/intake_2026-03-03.txt"
    )
    kolada = KoladaLoadResult("snapshot", 5, 5, 100, [], {}, {}, [], False, {}, [])
    warning = "records: a name [expect_x on namn]: 1 unexpected, e.g. ['Anna Svensson']"
    gate = GateResult(True, 3, 40, warnings=[warning])
    return {
        ("population.load_population", "return_value"): asdict(ScbLoadResult(4, ["2026M01"], [], [])),
        ("oj.load_oj", "return_value"): asdict(kolada),
        ("records.load_records", "return_value"): asdict(intake),
        ("dbt_build", "result"): asdict(pipeline.DbtBuildResult(False, False, ["records", "scb"], "changed")),
        ("quality_gate", "return_value"): asdict(gate),
        ("publish", "return_value"): asdict(pipeline.PublishResult("/data/warehouse/fou_nordvast.duckdb", True)),
        ("build_report", "return_value"): asdict(pipeline.ReportResult(["/data/reports/styrgrupp_2025.pptx"])),
    }


def test_success_text_is_the_runs_summary_without_rows(tmp_path, monkeypatch):
    settings = make_settings(monkeypatch, tmp_path)
    ctx = {"ti": FakeTI("build_report", success_xcoms()), "logical_date": datetime(2026, 3, 3, 5, tzinfo=UTC)}
    subject, text = notify.success_message(ctx, settings)
    assert "klar" in subject and "publicerat: ja" in subject
    for needle in (
        "SCB (befolkning): 4 new answer(s) loaded; new months: 2026M01",
        "Kolada (ÖJ): 100 value(s) of 5/5 KPIs (snapshot)",
        "Egna register: 1 file(s), 1 new: 10 row(s) loaded, 2 quarantined",
        "Ändrat sedan förra laddningen: records, scb",
        "Karantän: 2 rad(er) i karantän; intagsrapport: intake_2026-03-03.txt",
        "Kvalitetsvarningar: 1",
        "Publicerat: ja",
        "Rapporten: styrgrupp_2025.pptx",
    ):
        assert needle in text, (needle, text)
    assert "Anna Svensson" not in text, "a warning's sample values may be a record's rows"


def test_nothing_is_sent_unless_configured(tmp_path, monkeypatch):
    settings = make_settings(monkeypatch, tmp_path)
    assert notify.on_failure(settings) == [] and notify.on_success(settings) == []
    settings = make_settings(
        monkeypatch, tmp_path, FOU_NOTIFY_FAILURE_TO="a@example.org; b@example.org", FOU_APPRISE_CONN_ID="teams"
    )
    failure = notify.on_failure(settings)
    assert [type(n).__name__ for n in failure] == ["FailureMail", "FailureApprise"]
    assert failure[0].to == ["a@example.org", "b@example.org"]
    assert [type(n).__name__ for n in notify.on_success(settings)] == ["SuccessApprise"]


@pytest.mark.parametrize("kind", ["failure", "success"])
def test_the_smtp_notifier_delivers_one_message(tmp_path, monkeypatch, kind):
    settings = make_settings(
        monkeypatch, tmp_path, FOU_NOTIFY_FAILURE_TO="drift@example.org", FOU_NOTIFY_SUCCESS_TO="chef@example.org"
    )
    with smtp_server() as inbox:
        monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", inbox.connection)
        if kind == "failure":
            [notifier] = notify.on_failure(settings)
            notifier(failure_context(SourceUnreachable("scb: https://example.org could not be reached")))
        else:
            [notifier] = notify.on_success(settings)
            notifier({"ti": FakeTI("build_report", success_xcoms()), "logical_date": datetime(2026, 3, 3, tzinfo=UTC)})
    [msg] = inbox.messages
    text = text_of(msg)
    assert msg["X-Envelope-To"] == ("drift@example.org" if kind == "failure" else "chef@example.org")
    assert ("Orsak: scb: https://example.org could not be reached" if kind == "failure" else "Publicerat: ja") in text


def test_the_apprise_notifier_posts_to_a_webhook(tmp_path, monkeypatch):
    """Apprise by configuration alone: its json:// service posts to a local webhook the way the
    msteams:// and slack:// services post to Teams and Slack."""
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    received = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's API)
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        path = f"json://127.0.0.1:{server.server_port}/"
        conn = {"conn_type": "apprise", "extra": {"config": {"path": path}}}
        monkeypatch.setenv("AIRFLOW_CONN_TEAMS", json.dumps(conn))
        settings = make_settings(monkeypatch, tmp_path, FOU_APPRISE_CONN_ID="teams")
        [notifier] = notify.on_failure(settings)
        notifier(failure_context(SourceUnreachable("scb: https://example.org could not be reached")))
    finally:
        server.shutdown()
    [message] = received
    assert "misslyckades" in message["title"] and message["type"] == "failure"
    assert "Orsak: scb: https://example.org could not be reached" in message["message"]
