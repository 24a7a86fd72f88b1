"""Faults injected into SCB with the real client (and, for one, the real DAG): bounded retries,
a clear error naming source and request, an uncorrupted landing area, unchanged published marts.
Each row of the fault table in docs/faults.md is one case here."""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from ingestion import pipeline
from ingestion.errors import SourceError, SourceUnreachable
from ingestion.scb import extract as scb_extract
from ingestion.scb import jsonstat
from tests.support.fake_scb import FakeScb
from tests.support.fakeserver import Reply
from tests.support.helpers import fou_run, make_settings, run_loads

PROJECT_DIR = Path(__file__).resolve().parent.parent
DATA = "/tables/TAB638/data"


@pytest.fixture(scope="module")
def good_data_dir(tmp_path_factory, module_monkeypatch):
    """A data dir holding a published warehouse from a good offline load."""
    data_dir = tmp_path_factory.mktemp("good") / "data"
    s = make_settings(module_monkeypatch, data_dir)
    run_loads(s)
    pipeline.dbt_build(s)
    pipeline.quality_gate(s)
    pipeline.publish(s)
    return data_dir


@pytest.fixture
def live(good_data_dir, tmp_path, fake_server, monkeypatch):
    data_dir = tmp_path / "data"
    shutil.copytree(good_data_dir, data_dir)
    settings = make_settings(
        monkeypatch,
        data_dir,
        FOU_SOURCE_MODE="live",
        FOU_SCB_BASE_URL=fake_server.url,
        FOU_HTTP_RETRIES="3",
        FOU_HTTP_TIMEOUT_S="1",
    )
    return settings, FakeScb(fake_server)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_landing_intact(settings) -> None:
    """Every landed body is complete (its name is its SHA-256), has its sidecar, no temp files."""
    root = settings.landing_dir / "scb"
    assert not list(root.rglob("*.tmp"))
    for body in root.rglob("*.json"):
        if body.name.endswith(".meta.json"):
            continue
        assert sha(body) == body.stem
        assert json.loads(body.with_suffix(".meta.json").read_text())["sha256"] == body.stem
        json.loads(body.read_bytes().decode("utf-8-sig"))


TRANSIENT = {
    "429 with Retry-After": Reply(429, "slow down", headers={"Retry-After": "1"}),
    "429 without Retry-After": Reply(429, "slow down"),
    "500": Reply(500, "internal error"),
    "503": Reply(503, "unavailable"),
    "read timeout": Reply(200, "{}", delay_s=1.5),
    "connection reset": Reply(reset=True),
    "connection cut mid-answer": Reply(200, None, cut_at=100),
}


@pytest.mark.parametrize("fault", TRANSIENT, ids=list(TRANSIENT))
def test_transient_fault_once_is_retried_and_the_load_goes_on(live, fault, fake_server):
    settings, fake = live
    fake.faults = [TRANSIENT[fault]]
    landed = scb_extract.extract_population(settings)
    assert len(fake_server.calls_to(DATA)) == 2  # the fault, then one retry
    assert len(landed) == 9  # 3 tables × (/tables/{id}, metadata, data)
    assert_landing_intact(settings)


PERSISTENT = {
    "429 for ever": (Reply(429, "slow down"), SourceError, "answered HTTP 429"),
    "500 for ever": (Reply(500, "internal error"), SourceError, "answered HTTP 500"),
    "503 for ever": (Reply(503, "unavailable"), SourceError, "answered HTTP 503"),
    "read timeout for ever": (Reply(200, "{}", delay_s=1.5), SourceUnreachable, "could not be reached"),
    "connection reset for ever": (Reply(reset=True), SourceUnreachable, "could not be reached"),
    "cut mid-answer for ever": (Reply(200, None, cut_at=100), SourceUnreachable, "cut off mid-answer 4 times"),
}


@pytest.mark.parametrize("fault", PERSISTENT, ids=list(PERSISTENT))
def test_persistent_fault_fails_after_bounded_retries(live, fault, fake_server):
    settings, fake = live
    reply, error, message = PERSISTENT[fault]
    fake.faults = [reply] * 50
    published = sha(settings.published_db)
    with pytest.raises(error, match=rf"scb: POST {fake_server.url}{DATA}.*{message}"):
        scb_extract.extract_population(settings)
    assert len(fake_server.calls_to(DATA)) == 1 + 3  # FOU_HTTP_RETRIES=3
    assert_landing_intact(settings)
    assert sha(settings.published_db) == published


def test_two_429s_then_a_cut_mid_answer_are_retried_and_the_load_goes_on(live, fake_server):
    settings, fake = live
    fake.faults = [Reply(429, "slow down"), Reply(429, "slow down"), Reply(200, None, cut_at=100)]
    landed = scb_extract.extract_population(settings)
    assert len(fake_server.calls_to(DATA)) == 4  # 429, 429, cut, then the whole answer
    assert len(landed) == 9  # 3 tables × (/tables/{id}, metadata, data)
    assert_landing_intact(settings)


def test_truncated_json_is_refused_and_not_landed(live, fake_server):
    settings, fake = live
    fake.faults = [Reply(200, {"id": ["Region"], "value": [1, 2, 3]}, truncate_to=20)]
    with pytest.raises(SourceError, match=rf"scb: POST {fake_server.url}{DATA}.* returned invalid JSON"):
        scb_extract.extract_population(settings)
    assert_landing_intact(settings)


def test_empty_answer_is_a_clear_error(live, fake_server):
    settings, fake = live
    fake.faults = [Reply(200, b"")]
    with pytest.raises(SourceError, match=rf"scb: POST {fake_server.url}{DATA}.* empty body"):
        scb_extract.extract_population(settings)


def test_missing_field_is_refused_at_extract_naming_the_url(live, fake_server):
    """Changed with issue 13 item 2: an answer that is not json-stat2 is now refused at extract
    (before: landed, then failed at load), and kept raw under refused/."""
    settings, fake = live
    fake.faults = [Reply(200, {"id": ["Region"], "size": [1], "dimension": {}})]
    with pytest.raises(SourceError, match=rf"scb: answer from {fake_server.url}{DATA}.*field 'value' is missing"):
        scb_extract.extract_population(settings)
    assert list((settings.landing_dir / "scb" / "refused" / "TAB638").glob("*.meta.json"))
    assert_landing_intact(settings)


def test_unknown_dimension_in_an_answer_is_refused(live, fake_server):
    settings, fake = live
    meta = fake.metadata["TAB638"]
    meta["id"] = [d if d != "Kon" else "Kön" for d in meta["id"]]
    meta["dimension"]["Kön"] = meta["dimension"].pop("Kon")
    with pytest.raises(SourceError, match=r"TAB638 metadata lacks dimensions \['Kon'\]"):
        scb_extract.extract_population(settings)


def test_redirect_is_followed(live, fake_server):
    settings, fake = live
    fake.faults = [Reply(308, b"", headers={"Location": f"{fake_server.url}/moved{DATA}"})]
    fake_server.route("POST", f"/moved{DATA}", fake_server.routes[("POST", DATA)])
    assert len(scb_extract.extract_population(settings)) == 9
    assert len(fake_server.calls_to(f"/moved{DATA}")) == 1


def run_real_dag(good_data_dir, tmp_path, fake_server):
    """Run the real DAG (dag.test via `fou run`, in a subprocess) live against the fake SCB;
    returns the exit code, the output, and the published file's SHA-256 before and after."""
    data_dir = tmp_path / "data"
    shutil.copytree(good_data_dir, data_dir)
    published = data_dir / "warehouse" / "fou_nordvast.duckdb"
    before = sha(published)
    env = {
        **os.environ,
        "FOU_DATA_DIR": str(data_dir),
        "FOU_SOURCE_MODE": "live",
        "FOU_TASK_RETRIES": "0",
        "FOU_SCB_BASE_URL": fake_server.url,
        "FOU_KOLADA_BASE_URL": "http://127.0.0.1:9",
        "FOU_HTTP_RETRIES": "0",
        "AIRFLOW_HOME": str(tmp_path / "airflow"),
    }
    result = fou_run(env)
    return result.returncode, result.stdout + result.stderr, before, sha(published)


def test_failing_source_fails_the_real_dag_and_published_marts_stay(good_data_dir, tmp_path, fake_server):
    """The real DAG against an SCB that answers with truncated JSON."""
    fake = FakeScb(fake_server)
    fake.faults = [Reply(200, {"value": [1, 2, 3]}, truncate_to=9)] * 10
    returncode, output, before, after = run_real_dag(good_data_dir, tmp_path, fake_server)
    assert returncode == 1, output[-3000:]
    assert "population.extract_population" in output.split("failed:")[1].split(". ")[0]
    assert "The published database was not replaced" in output
    assert f"scb: POST {fake_server.url}{DATA}" in output and "invalid JSON" in output
    assert after == before


def test_contradicting_answer_fails_the_real_dag_and_published_marts_stay(good_data_dir, tmp_path, fake_server):
    """The real DAG against an SCB whose data answers say `Kön` where the metadata says `Kon`."""
    fake = FakeScb(fake_server)
    fake.mutate = rename_kon
    returncode, output, before, after = run_real_dag(good_data_dir, tmp_path, fake_server)
    assert returncode == 1, output[-3000:]
    assert "The published database was not replaced" in output
    assert f"scb: answer from {fake_server.url}{DATA}" in output
    assert "dimension 'Kön' is not in the table's metadata" in output
    assert after == before


def rename_kon(body):
    body["id"] = ["Kön" if d == "Kon" else d for d in body["id"]]
    body["dimension"]["Kön"] = body["dimension"].pop("Kon")
    return body


def every_tenth_age(body):
    """The totals, but only every tenth single age: categories and values both thinned."""
    dims, sizes = body["id"], body["size"]
    ages = jsonstat.dimension_codes(body, "Alder")
    keep = [i for i, a in enumerate(ages) if not a.isdigit() or int(a) % 10 == 0]
    cells = jsonstat.parse(body)
    kept = [c for c in cells if ages.index(c["Alder"]) in keep]
    body["dimension"]["Alder"]["category"]["index"] = {ages[i]: n for n, i in enumerate(keep)}
    body["size"] = [len(keep) if d == "Alder" else n for d, n in zip(dims, sizes)]
    body["value"] = [c["value"] for c in kept]
    return body


def drop_cells(marked: bool):
    def mutate(body):
        body["value"] = {str(i): v for i, v in enumerate(body["value"]) if i % 10}
        if marked:
            body["status"] = {str(i): ".." for i in range(0, math.prod(body["size"]), 10)}
        return body

    return mutate


CONTRADICTIONS = {
    "Kön for Kon": (rename_kon, r"dimension 'Kön' is not in the table's metadata \(expected one of \[.*'Kon'"),
    "every tenth age": (every_tenth_age, r"dimension 'Alder' has 12 codes where 102 were asked for \(missing \['1', "),
    "cells missing": (
        drop_cells(marked=False),
        r"\d+ values for the \d+ cells asked for, the rest without a status marker",
    ),
}


@pytest.mark.parametrize("case", CONTRADICTIONS, ids=list(CONTRADICTIONS))
def test_answer_contradicting_metadata_or_selection_is_refused_and_kept(live, case, fake_server):
    settings, fake = live
    fake.mutate, message = CONTRADICTIONS[case]
    loadable = settings.landing_dir / "scb" / "TAB638"

    def data_answers():
        return sorted(m for m in loadable.glob("*.meta.json") if json.loads(m.read_text())["kind"] == "data")

    before = data_answers()
    with pytest.raises(SourceError, match=rf"scb: answer from {fake_server.url}{DATA}.*: {message}") as exc:
        scb_extract.extract_population(settings)
    refused = list((settings.landing_dir / "scb" / "refused" / "TAB638").glob("*.meta.json"))
    assert len(refused) == 1 and refused[0].name.removesuffix(".meta.json") in str(exc.value)
    assert data_answers() == before  # no data answer landed where the loader reads
    assert_landing_intact(settings)


def test_cells_missing_with_status_markers_load_with_their_markers(live, fake_server):
    settings, fake = live
    fake.mutate = drop_cells(marked=True)
    landed = scb_extract.extract_population(settings)
    pipeline.load_population(settings, pipeline.ExtractResult([str(p) for p in landed]))
    with duckdb.connect(str(settings.work_db), read_only=True) as con:
        nulls, marked = con.execute(
            "select count(*) filter (where value is null), count(*) filter (where status = '..') "
            "from raw.scb_population_cells where table_id = 'TAB638'"
        ).fetchone()
    assert nulls == marked > 0
