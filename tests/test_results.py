"""The steps' typed results: each goes through XCom as a plain JSON dict and `fou run`
(ingestion/console.py) rebuilds it; a field renamed on one side only fails loudly. And the one
error hierarchy: every error we explain is an ingestion.errors.FouError."""

import json
import re
from dataclasses import asdict

import pytest

from ingestion import console, errors
from ingestion.kolada.load import KoladaLoadResult
from ingestion.pipeline import DbtBuildResult, ExtractResult, PublishResult, ReportResult
from ingestion.quality import GateResult
from ingestion.records.intake import FileIntake, IntakeResult
from ingestion.scb.load import ScbLoadResult

RESULTS = {
    "population.extract_population": ExtractResult(["a.json", "b.json"]),
    "population.load_population": ScbLoadResult(3, ["2026M01"], ["TAB638"], []),
    "oj.load_oj": KoladaLoadResult(
        source_mode="snapshot",
        kpis_requested=33,
        kpis_loaded=32,
        values_loaded=100,
        failed_kpis=["N1"],
        failed_reasons={"N1": "HTTP 500"},
        incremental_kpis={},
        kept_real_kpis=[],
        generated=True,
        stale_kpis={"N1": "HTTP 500"},
        quarantined_values=["N2 0114 2024 T: not a number"],
    ),
    "records.load_records": IntakeResult(
        {
            "inbox/förfrågningar.csv": FileIntake("loaded", "requests", 2, 1, "ab" * 32),
            "records/b.csv": FileIntake("already loaded", "budget"),
        },
        report="/data/inbox/rapporter/intag_2026-12-06.txt",
    ),
    "dbt_build": DbtBuildResult(skipped=True, full=False, changed=[], reason="no input changed", later_steps=False),
    "quality_gate": GateResult(passed=True, expectations=124, warnings=["w"]),
    "publish": PublishResult("/data/warehouse/fou_nordvast.duckdb", published=True),
    "build_report": ReportResult(["a.html", "a.pdf"]),
}


@pytest.mark.parametrize("task_id", list(RESULTS))
def test_a_result_goes_through_xcom_as_json_and_comes_back(task_id):
    result = RESULTS[task_id]
    value = json.loads(json.dumps(asdict(result)))  # what XCom stores
    assert console.result_of(task_id, value) == result


def test_the_summaries_are_the_lines_fou_run_prints():
    lines = {t: r.summary() for t, r in RESULTS.items()}
    assert lines == {
        "population.extract_population": "2 answer(s) landed",
        "population.load_population": "3 new answer(s) loaded; new months: 2026M01; "
        "unchanged at SCB, not downloaded: TAB638",
        "oj.load_oj": "100 value(s) of 32/33 KPIs (snapshot); failed: N1; STALE, earlier values kept: N1; "
        "1 value(s) quarantined",
        "records.load_records": "2 file(s), 1 new: 2 row(s) loaded, 1 quarantined",
        "dbt_build": "nothing changed, later steps skipped",
        "quality_gate": "124 expectation(s): 0 failed, 1 warned",
        "publish": "published",
        "build_report": "2 file(s)",
    }
    assert GateResult(passed=True, rerun=False).summary() == "passed on the same inputs before, not rerun"
    assert ScbLoadResult(0, [], [], []).summary() == "0 new answer(s) loaded; new months: none"


@pytest.mark.parametrize("task_id", list(RESULTS))
def test_a_renamed_field_is_an_error_not_a_silent_zero(task_id):
    value = asdict(RESULTS[task_id])
    name = next(iter(value))
    value[name + "_renamed"] = value.pop(name)
    with pytest.raises(TypeError):
        console.result_of(task_id, value)


def test_a_renamed_field_of_a_file_in_the_intake_is_an_error_too():
    value = asdict(RESULTS["records.load_records"])
    value["files"]["records/b.csv"]["rows_loaded"] = value["files"]["records/b.csv"].pop("loaded")
    with pytest.raises(TypeError):
        console.result_of("records.load_records", value)


@pytest.mark.parametrize(
    "name",
    ["HttpStatusError", "JsonStatError", "AnswerContradicts", "LoadRunning", "MeetingError", "NoPublishedDatabase"],
)
def test_every_error_we_explain_is_a_fou_error_the_run_summary_finds(name):
    cls = getattr(errors, name)
    assert issubclass(cls, errors.FouError) and cls.__doc__
    line = f"{cls.__module__}.{cls.__qualname__}: what the user reads"  # as the log shows it
    assert re.findall(r"^ingestion\.[\w.]*?\.[A-Z]\w*: (.+)$", line, re.M) == ["what the user reads"]


def test_no_published_database_says_in_swedish_what_to_do(tmp_path):
    err = errors.NoPublishedDatabase(tmp_path / "w.duckdb")
    assert isinstance(err, FileNotFoundError) and err.path == tmp_path / "w.duckdb"
    assert (
        str(err)
        == f"inget publicerat datalager i {tmp_path / 'w.duckdb'}: kör först den månatliga laddningen (make run)"
    )
