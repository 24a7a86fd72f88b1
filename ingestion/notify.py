"""Who is told how a monthly load went, through Airflow's own notifiers (the official SMTP and
Apprise providers' classes, as on_failure_callback / on_success_callback of the DAG):

- a task that fails for good (after its retries): one message to FOU_NOTIFY_FAILURE_TO naming
  the region, the run, the task, the one-line reason `fou run` prints, what was kept, where the
  log is and the first thing to try;
- a run that succeeds: its summary (the tasks' typed results from XCom) and the deck's file
  names to the chief's list, FOU_NOTIFY_SUCCESS_TO;
- the same texts to the Apprise connection FOU_APPRISE_CONN_ID (a Teams or Slack webhook),
  when it is set.

Nothing is sent while no recipient is set. The SMTP server and its credentials are the Airflow
connection FOU_SMTP_CONN_ID (default smtp_default), never this code. The texts are Swedish and
never carry a traceback, a secret or a record's row: an error we explain (FouError) gives its
first line, any other error only its type."""

from __future__ import annotations

import html
import logging
import re
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from airflow.providers.apprise.notifications.apprise import AppriseNotifier
from airflow.providers.smtp.notifications.smtp import SmtpNotifier
from apprise import NotifyType

from ingestion import errors
from ingestion.settings import Settings

log = logging.getLogger(__name__)

SUBJECT = "FoU-datalagret"
MAX_REASON = 400
RERUN = "kör sedan om körningen (Clear på den misslyckade uppgiften i Airflow, eller `fou run` lokalt)"

# the first thing to try, by the error's class (the first match in this order wins)
FIRST_STEP: list[tuple[type[BaseException], str]] = [
    (errors.SourceUnreachable, "kontrollera att källan går att nå från servern (nätverk, proxy)"),
    (errors.SourceError, "källan svarade med något oväntat: vänta en stund och kör om; kvarstår felet, se loggen"),
    (errors.ConfigError, "rätta konfigurationen som meddelandet nämner (config/*.yml eller en FOU_-inställning)"),
    (errors.RecordFileError, "rätta registerfilen som meddelandet nämner (se intagsrapporten i inbox/rapporter)"),
    (errors.QualityGateFailed, "öppna Data Docs (data_docs/index.html) och rätta de indata som inte klarar kontrollen"),
    (
        errors.PublishRefused,
        "ta reda på varför rader saknas i den nya laddningen; är borttagningen avsiktlig, sätt FOU_ALLOW_SHRINK=1",
    ),
    (errors.DbtFailed, "läs dbt-felet i loggen (modell eller test) och rätta modellen eller indata"),
    (errors.LoadRunning, "vänta tills den pågående laddningen är klar"),
    (errors.FouError, "läs felet ovan och rätta det som det nämner"),
]


def recipients(text: str) -> list[str]:
    """Addresses separated by commas, semicolons or spaces."""
    return [a for a in re.split(r"[,;\s]+", text or "") if a]


def _scrub(text: str) -> str:
    """No credentials of a URL (user:password@) and nothing Airflow knows as a secret."""
    text = re.sub(r"(\w+://)[^/\s@]+@", r"\1***@", text)
    try:
        from airflow.sdk._shared.secrets_masker.secrets_masker import redact

        return str(redact(text))
    except Exception:  # noqa: BLE001 (masking is best effort; the URL scrub above always runs)
        return text


def reason(exc: BaseException | str | None) -> str:
    """The one line `fou run` prints for an error we explain (its message's first line); for
    any other error only its type, since its text may hold anything (a row, a path, a secret)."""
    if exc is None:
        return "okänt fel (se loggen)"
    if isinstance(exc, errors.FouError):
        lines = str(exc).strip().splitlines()
        line = lines[0].strip().rstrip(":") if lines else type(exc).__name__
    else:
        line = f"oväntat fel ({type(exc).__name__ if isinstance(exc, BaseException) else 'okänd typ'}); se loggen"
    line = _scrub(line)
    return line if len(line) <= MAX_REASON else line[: MAX_REASON - 1] + "…"


def first_step(exc: BaseException | None) -> str:
    for cls, what in FIRST_STEP:
        if isinstance(exc, cls):
            return f"{what}; {RERUN}"
    return f"läs loggen; {RERUN}"


def _local(when: Any) -> str:
    """A time as the region reads it (the DAG's time zone, Stockholm)."""
    if not isinstance(when, datetime):
        return str(when or "okänt")
    return f"{when.astimezone(ZoneInfo('Europe/Stockholm')):%Y-%m-%d %H:%M}"


def run_date(context: dict) -> str:
    """The run's logical date; a run triggered without one (REST, the UI's "trigger now") has
    none in Airflow 3: then when it was due (run_after)."""
    dag_run = context.get("dag_run")
    when = context.get("logical_date") or getattr(dag_run, "logical_date", None)
    if when:
        return f"logiskt datum {_local(when)}"
    after = getattr(dag_run, "run_after", None)
    return f"startad {_local(after)}, utan logiskt datum" if after else "utan logiskt datum"


def kept(settings: Settings, run_started: datetime | None) -> str:
    """What the analysts have now: the published file and when it was published."""
    from ingestion import warehouse

    if not settings.published_db.exists():
        return "Inget publicerat datalager finns ännu (det här var den första laddningen)."
    stamp = warehouse.publication_of(settings.published_db)
    at = stamp.get("published_at")
    if isinstance(at, datetime) and isinstance(run_started, datetime) and at >= run_started:
        return (
            f"Den här körningen hann publicera datalagret ({_local(at)}); bara ett steg efter publiceringen "
            "misslyckades."
        )
    version = f", återställd version {stamp['restored_from']}" if stamp.get("restored_from") else ""
    return (
        f"Det publicerade datalagret är oförändrat: analytikerna och rapporten har kvar publiceringen från "
        f"{_local(at)}{version}."
    )


def log_location(ti) -> str:
    """The task's log in the UI and on disk (Airflow's base_log_folder; ./logs in the compose stack)."""
    try:
        from airflow.configuration import conf

        folder = conf.get("logging", "base_log_folder")
    except Exception:  # noqa: BLE001
        folder = "logs"
    path = Path(folder) / f"dag_id={ti.dag_id}" / f"run_id={ti.run_id}" / f"task_id={ti.task_id}"
    where = f"{path}/attempt={getattr(ti, 'try_number', 1) or 1}.log"
    url = getattr(ti, "log_url", None)
    return f"{url}\n  (på servern: {where}; `fou run` lokalt: <datakatalogen>/logs/run_<tid>.log)" if url else where


def failure_message(context: dict, settings: Settings) -> tuple[str, str]:
    """Subject and text of the message for a task that failed for good."""
    ti = context["ti"]
    exc = context.get("exception")
    region = settings.region.region.name
    run = run_date(context)
    started = getattr(context.get("dag_run"), "start_date", None)
    subject = f"{SUBJECT} {region}: månadsladdningen misslyckades ({ti.task_id}, {run})"
    text = "\n".join(
        [
            f"Månadsladdningen av {region} misslyckades.",
            "",
            f"Körning: {ti.run_id} ({run})",
            f"Uppgift som misslyckades: {ti.task_id} (försök {getattr(ti, 'try_number', 1)})",
            f"Orsak: {reason(exc)}",
            "",
            f"Det som behölls: {kept(settings, started)}",
            "",
            f"Loggen: {log_location(ti)}",
            "",
            f"Prova först: {first_step(exc)}.",
        ]
    )
    return subject, text


# ---------------------------------------------------------------- success: the run's summary

# what the summary shows, in order: (label, task id, XCom key)
SUMMARY_TASKS = [
    ("SCB (befolkning)", "population.load_population", "return_value"),
    ("Kolada (ÖJ)", "oj.load_oj", "return_value"),
    ("Egna register", "records.load_records", "return_value"),
    ("dbt", "dbt_build", "result"),
    ("Kvalitetskontroll", "quality_gate", "return_value"),
    ("Publicering", "publish", "return_value"),
    ("Rapport", "build_report", "return_value"),
]


def _pull_from_db(ti):
    """XCom straight from the metadata database: under `fou run` (dag.test) the DAG callback runs
    in the process that ran the DAG, with no task supervisor to ask (the scheduler's
    dag-processor has one, and no database access)."""
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        run = session.scalar(select(DagRun).where(DagRun.dag_id == ti.dag_id, DagRun.run_id == ti.run_id))
        tis = {t.task_id: t for t in run.get_task_instances(session=session)}
        values = {}
        for _, task_id, key in SUMMARY_TASKS:
            values[task_id] = tis[task_id].xcom_pull(task_ids=task_id, key=key) if task_id in tis else None
    return lambda task_ids, key: values.get(task_ids)


def _results(ti) -> dict[str, Any]:
    """The tasks' typed results, rebuilt from their XComs (None: skipped or no result)."""
    from ingestion.console import result_of

    pull = ti.xcom_pull
    try:
        pull(task_ids=SUMMARY_TASKS[-1][1], key=SUMMARY_TASKS[-1][2])
    except Exception:  # noqa: BLE001 (no supervisor: `fou run`)
        pull = _pull_from_db(ti)
    out = {}
    for _, task_id, key in SUMMARY_TASKS:
        try:
            out[task_id] = result_of(task_id, pull(task_ids=task_id, key=key))
        except Exception:  # noqa: BLE001 (a summary line missing is better than no message)
            log.warning("no result of %s for the notification", task_id)
            out[task_id] = None
    return out


def _quarantine(intake) -> str:
    if intake is None:
        return "inga nya registerfiler"
    rows = sum(f.quarantined for f in intake.files.values())
    report = f"; intagsrapport: {Path(intake.report).name}" if intake.report else ""
    return f"{rows} rad(er) i karantän{report}"


def success_message(context: dict, settings: Settings) -> tuple[str, str]:
    """Subject and text of the summary of a successful run, for the chief."""
    ti = context["ti"]
    region = settings.region.region.name
    run = run_date(context)
    results = _results(ti)
    build, gate = results["dbt_build"], results["quality_gate"]
    pub, deck = results["publish"], results["build_report"]
    published = bool(pub and pub.published)
    lines = [f"Månadsladdningen av {region} är klar.", "", f"Körning: {ti.run_id} ({run})", ""]
    lines.append("Inlästa källor:")
    for label, task_id, _ in SUMMARY_TASKS[:3]:
        result = results[task_id]
        lines.append(f"  {label}: {result.summary() if result else 'hoppades över'}")
    changed = ", ".join(build.changed) if build and build.changed else "inget"
    lines += ["", f"Ändrat sedan förra laddningen: {changed}" + (" (full build)" if build and build.full else "")]
    lines.append(f"Karantän: {_quarantine(results['records.load_records'])}")
    warnings = [w.split(", e.g.")[0] for w in (gate.warnings if gate else [])]  # the samples may be rows
    lines.append(f"Kvalitetsvarningar: {len(warnings)}" + "".join(f"\n  - {_scrub(w)}" for w in warnings))
    restored = f" ({pub.summary()})" if pub and pub.restored else ""
    lines.append(f"Publicerat: {'ja' if published else 'nej'}{restored}")
    files = [Path(f).name for f in deck.files] if deck else []
    lines.append("Rapporten: " + (", ".join(files) if files else "ingen ny (oförändrad sedan förra körningen)"))
    subject = f"{SUBJECT} {region}: månadsladdningen klar ({run}), publicerat: {'ja' if published else 'nej'}"
    return subject, "\n".join(lines)


# ---------------------------------------------------------------- the notifiers


def as_html(text: str) -> str:
    return '<div style="font-family: sans-serif; white-space: pre-wrap">' + html.escape(text) + "</div>"


def _without_dag(context) -> dict:
    """Under `fou run` (dag.test) a DAG callback's context holds the serialized DAG, which has no
    Jinja environment for the provider to render with; nothing of ours is a template anyway."""
    return {k: v for k, v in context.items() if k != "dag"}


class _Mail(SmtpNotifier):
    """The SMTP provider's notifier, with the subject and text made from the context."""

    message = staticmethod(failure_message)

    def render_template_fields(self, context, jinja_env=None) -> None:
        super().render_template_fields(_without_dag(context), jinja_env)

    def notify(self, context):
        self.subject, text = self.message(context, Settings())
        self.html_content = as_html(text)
        super().notify(_without_dag(context))


class FailureMail(_Mail):
    message = staticmethod(failure_message)


class SuccessMail(_Mail):
    message = staticmethod(success_message)


class _Apprise(AppriseNotifier):
    """The Apprise provider's notifier (Teams, Slack, … by the connection's URL alone)."""

    message = staticmethod(failure_message)

    def render_template_fields(self, context, jinja_env=None) -> None:
        super().render_template_fields(_without_dag(context), jinja_env)

    def notify(self, context):
        self.title, self.body = self.message(context, Settings())
        super().notify(context)


class FailureApprise(_Apprise):
    message = staticmethod(failure_message)


class SuccessApprise(_Apprise):
    message = staticmethod(success_message)


def on_failure(settings: Settings) -> list:
    """The task failure callbacks the settings ask for (none: nothing is sent)."""
    return _callbacks(settings, settings.notify_failure_to, FailureMail, FailureApprise, NotifyType.FAILURE)


def on_success(settings: Settings) -> list:
    """The DAG success callbacks the settings ask for (none: nothing is sent)."""
    return _callbacks(settings, settings.notify_success_to, SuccessMail, SuccessApprise, NotifyType.SUCCESS)


def _callbacks(settings: Settings, to: str, mail, apprise, notify_type) -> list:
    """An e-mail where recipients are set, an Apprise message where its connection is set."""
    out: list = []
    if recipients(to):
        out.append(mail(to=recipients(to), from_email=settings.notify_from or None, smtp_conn_id=settings.smtp_conn_id))
    if settings.apprise_conn_id:
        out.append(apprise(body="", notify_type=notify_type, apprise_conn_id=settings.apprise_conn_id))
    return out
