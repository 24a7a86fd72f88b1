"""Incremental monthly runs (ingestion/incremental.py): nothing changed → dbt, the quality gate
and publish are skipped; a changed input always rebuilds what depends on it, and only that."""

from __future__ import annotations

import json
import os

import duckdb
import pytest

from ingestion import incremental, pipeline, warehouse
from ingestion.http import Response, land
from ingestion.scb import load as scb_load
from tests.support.helpers import make_settings, run_loads

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory, module_monkeypatch):
    """One full offline load (loads, dbt build, gate, publish) that the tests below build on."""
    settings = make_settings(module_monkeypatch, tmp_path_factory.mktemp("incr") / "data")
    module_monkeypatch.delenv("FOU_FULL_BUILD", raising=False)
    run_loads(settings)
    first = pipeline.dbt_build(settings)
    assert first.full and not first.skipped
    pipeline.quality_gate(settings)
    pipeline.publish(settings)
    return settings


def work(settings, sql):
    with duckdb.connect(str(settings.work_db), read_only=True) as con:
        return con.execute(sql).fetchall()


def built_models(settings) -> set[str]:
    results = json.loads((settings.data_dir / "dbt_target" / "run_results.json").read_text(encoding="utf-8"))
    return {r["unique_id"].split(".")[-1] for r in results["results"] if r["unique_id"].startswith("model.")}


def test_nothing_changed_skips_dbt_gate_and_publish(built):
    settings = built
    published = settings.published_db.stat().st_mtime_ns
    run_loads(settings)  # the same answers and files again
    plan = incremental.plan_dbt_build(settings)
    assert plan.skip and plan.changed == [], plan.reason
    assert pipeline.dbt_build(settings).skipped
    assert not pipeline.quality_gate(settings).rerun  # passed on these inputs before
    pipeline.publish(settings)
    assert settings.published_db.stat().st_mtime_ns == published  # not copied again


def test_an_unchanged_month_has_nothing_left_after_dbt_once_the_report_is_built(built):
    """What the DAG's short-circuit asks: are the gate, publish and the report current?"""
    settings = built
    assert not pipeline.downstream_is_current(settings)  # no report built yet
    pipeline.build_report(settings)
    run_loads(settings)
    assert pipeline.dbt_build(settings).skipped
    assert pipeline.downstream_is_current(settings)
    assert not pipeline.downstream_is_current(settings, year=2019)  # another year's report is not built


def test_a_new_record_file_rebuilds_the_records_marts_only(built):
    settings = built
    before = work(settings, "select n_requests from marts.fct_request_totals where year = 2026")
    settings.inbox.mkdir(parents=True, exist_ok=True)
    (settings.inbox / "förfrågningar_test.csv").write_text(
        "förfrågan_id;år;datum;ursprung;avsändare;beslut;linje;antal;beskrivning;källa;exempel\n"
        "TEST-1;2026;;Järfälla;;ja;;3;test;tests/test_incremental.py;ja\n",
        encoding="utf-8",
    )
    pipeline.load_records(settings)
    plan = incremental.plan_dbt_build(settings)
    assert plan.changed == ["records"] and not plan.full
    assert plan.dbt_args == ["--select", "source:records+"]
    pipeline.dbt_build(settings)
    models = built_models(settings)
    assert {"fct_requests", "fct_request_totals", "stg_records__requests"} <= models
    assert not models & {"fct_oj_results", "fct_population", "stg_scb__population"}  # not theirs
    after = work(settings, "select n_requests from marts.fct_request_totals where year = 2026")
    assert after[0][0] == (before[0][0] if before else 0) + 3
    # the gate and publish see a change too, so they run and the analysts get the new figure
    assert pipeline.quality_gate(settings).rerun
    published = settings.published_db.stat().st_mtime_ns
    pipeline.publish(settings)
    assert settings.published_db.stat().st_mtime_ns != published
    assert incremental.plan_dbt_build(settings).skip


def test_a_population_change_rebuilds_the_fee_mart_with_the_new_figure(built):
    """A new SCB answer (a revised 2017 figure for Ekerö, the basis of the 2019 fees) changes the
    scb group only; the fee mart is rebuilt and uses the new figure."""
    settings = built
    old_pop, old_fee = work(
        settings,
        "select basis_population, fee_kr from marts.fct_fees where fee_year = 2019 and municipality_code = '0125'",
    )[0]
    # SCB answers with the whole table again, one figure revised: a new answer (new SHA-256)
    landed = sorted((settings.landing_dir / "scb" / "TAB638").glob("*.json"))
    data = next(
        p
        for p in landed
        if not p.name.endswith(".meta.json") and json.loads(p.with_suffix(".meta.json").read_text())["kind"] == "data"
    )
    body = json.loads(data.read_text(encoding="utf-8"))
    regions = list(body["dimension"]["Region"]["category"]["index"])
    years = list(body["dimension"]["Tid"]["category"]["index"])
    cell = regions.index("0125") * len(years) + years.index("2017")  # Alder and contents have one code
    assert body["value"][cell] == old_pop
    body["value"][cell] = old_pop + 1000
    r = Response(
        "scb",
        "POST",
        "https://example.invalid/tables/TAB638/data",
        None,
        200,
        json.dumps(body).encode(),
        "2099-01-01T00:00:00+00:00",
        source_mode="snapshot",
    )
    scb_load.load_landed(settings, [land(r, settings.landing_dir, "TAB638")])
    plan = incremental.plan_dbt_build(settings)
    assert plan.changed == ["scb"] and not plan.full
    pipeline.dbt_build(settings)
    assert {"fct_fees", "fct_population"} <= built_models(settings)
    assert "fct_requests" not in built_models(settings)
    new_pop, new_fee = work(
        settings,
        "select basis_population, fee_kr from marts.fct_fees where fee_year = 2019 and municipality_code = '0125'",
    )[0]
    assert new_pop == old_pop + 1000
    assert new_fee == round((old_pop + 1000) * 9.08) != old_fee


def test_a_month_in_which_only_a_kolada_group_value_changed_is_a_kolada_change(built):
    """Live, Kolada's own values for the groups of similar municipalities land in
    raw.kolada_group_values; a new answer there alone must rebuild the ÖJ marts."""
    assert incremental.plan_dbt_build(built).changed == []
    with warehouse.connect(built.work_db) as con:
        con.execute(
            "insert into raw.kolada_group_values select * replace ('G196055' as municipality_id, "
            "repeat('a', 64) as sha256) from raw.kolada_values limit 1"
        )
    try:
        assert incremental.plan_dbt_build(built).changed == ["kolada"]
    finally:
        with warehouse.connect(built.work_db) as con:
            con.execute("delete from raw.kolada_group_values where sha256 = repeat('a', 64)")
    assert incremental.plan_dbt_build(built).changed == []


def test_a_changed_dbt_project_or_forced_build_is_a_full_build(built, monkeypatch):
    assert incremental.plan_dbt_build(built.model_copy(update={"full_build": True})).full
    with warehouse.connect(built.work_db) as con:  # as if the models had changed since
        con.execute(
            "update main.load_state set fingerprint = json_object('dbt_project', 'older') where step = 'dbt_build'"
        )
    plan = incremental.plan_dbt_build(built)
    assert plan.full and plan.reason == "the dbt project changed"
    assert os.environ.get("FOU_FULL_BUILD") is None
