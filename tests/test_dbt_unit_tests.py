"""The dbt unit tests (hand-worked fees, ÖJ ranks and quartiles) run here, in `make test`, and
not in the monthly load: their inputs are fixed, so only a code change can change their result."""

import json

from ingestion import dbt, pipeline
from tests.support.helpers import run_loads


def test_every_dbt_unit_test_passes(settings):
    run_loads(settings)
    dbt.run(settings, "build")  # the whole project, unit tests included
    results = json.loads((settings.data_dir / "dbt_target" / "run_results.json").read_text(encoding="utf-8"))
    unit = {
        r["unique_id"].split(".")[-1]: r["status"]
        for r in results["results"]
        if r["unique_id"].startswith("unit_test.")
    }
    assert {
        "fee_per_inhabitant_rounds_to_whole_kronor",
        "fixed_total_split_by_largest_remainder",
        "waived_year_invoices_nothing",
    } <= set(unit)
    assert len(unit) >= 6
    assert set(unit.values()) == {"pass"}


def test_the_monthly_build_leaves_unit_tests_out(settings):
    run_loads(settings)
    pipeline.dbt_build(settings)
    results = json.loads((settings.data_dir / "dbt_target" / "run_results.json").read_text(encoding="utf-8"))
    kinds = {r["unique_id"].split(".")[0] for r in results["results"]}
    assert kinds == {"model", "test"}
