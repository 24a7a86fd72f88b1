"""The bundled records through intake and dbt: the 2026 plan of the 2026-02-26 deck in
marts.fct_plan_items, the named work of each year in marts.fct_work_items (the 2025 knowledge
products with their municipalities), nothing quarantined; a new plan file is a records change
(the records marts rebuild), and the population, fee and ÖJ marts do not depend on any of it."""

import json
import shutil
from datetime import date

import duckdb
import pytest

from ingestion import dbt, incremental, pipeline
from ingestion.settings import Settings


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("plan_marts")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FOU_DATA_DIR", str(tmp / "data"))
        mp.setenv("FOU_SOURCE_MODE", "snapshot")
        s = Settings()  # the bundled records/ folder, as `make run` takes it in
        pipeline.load_population(s, pipeline.extract_population(s))
        intake = pipeline.load_records(s)
        dbt.run(s, "build", "--select", "+path:models/marts/activity")  # the activity area and its inputs
        yield {"settings": s, "intake": intake}


def rows(run, sql, params=()):
    # a connection per query: a test below loads a file into the same work database
    with duckdb.connect(str(run["settings"].work_db), read_only=True) as con:
        return con.execute(sql, params).fetchall()


def test_the_bundled_records_load_with_nothing_quarantined(run):
    files = run["intake"].files
    assert (files["records/plan.csv"].record_type, files["records/plan.csv"].loaded) == ("plan", 37)
    assert {name: f.quarantined for name, f in files.items() if f.quarantined} == {}
    assert rows(run, "select count(*) from raw.records_quarantine") == [(0,)]


def test_the_plan_mart_holds_the_2026_plan_in_the_decks_order(run):
    plan = rows(
        run,
        "select position, goal, kind, title, municipality_names, status, condition, event_date, network_level "
        "from marts.fct_plan_items where plan_year = 2026 order by position",
    )
    assert [p[0] for p in plan] == list(range(1, 38))
    assert plan[0][1:4] == ("producera kunskap", "uppdrag", "Lovande arbetssätt version 2.0")
    sigtuna = plan[1]
    assert sigtuna[4:7] == ("Sigtuna", "villkorat", "Under förutsättning av medel beviljas av FORTE")
    # the goals in the deck's order: Producera kunskap, Stöd till utveckling, Sprida kunskap, Främja samverkan, Fokus
    assert list(dict.fromkeys(p[1] for p in plan)) == [
        "producera kunskap",
        "stödja utveckling",
        "sprida kunskap",
        "främja samverkan",
        None,
    ]
    assert {p[2] for p in plan if p[1] is None} == {"fokus"}
    statuses = [(p[3][:40], p[5]) for p in plan if p[5] in ("ok", "oklart")]
    assert [s for _, s in statuses] == ["ok", "ok", "oklart"]  # Stöd till utveckling – VP 2026: OK, OK, OKLART
    dated = sorted((p[7], p[3]) for p in plan if p[7] is not None)
    assert [d for d, _ in dated[:3]] == [date(2026, 3, 27), date(2026, 5, 8), date(2026, 5, 29)]
    assert dated[1][1].startswith("Socialtjänstdagen i Nordväst")
    levels = rows(
        run,
        "select network_level, count(*) from marts.fct_plan_items where kind = 'nätverk' group by 1 order by 1",
    )
    assert levels == [("delregionalt", 5), ("nationellt", 5), ("regionalt", 3)]
    assert rows(run, "select count(*) from marts.fct_plan_items where kind <> 'nätverk' and network_level is not null")[
        0
    ] == (0,)


def test_the_work_mart_names_the_2025_knowledge_products_with_their_municipalities(run):
    products = dict(
        rows(
            run,
            "select item_name, municipality_names from marts.fct_work_items "
            "where year = 2025 and item_type = 'uppdrag' and goal = 'producera kunskap'",
        )
    )
    assert len(products) == 5  # Producera kunskap VB 25: five knowledge products
    assert products["Hemlöshetskartläggning"] == "Solna"
    named = {name.split(":")[0].split(" – ")[0]: where for name, where in products.items()}
    assert named["Tillit"] == "Järfälla" and named["Genomlysning av Kronpärmerna"] == "Sollentuna"
    assert named["ROC"] is None and named["En motiverande, förebyggande och tillgänglig familjerätt"] is None
    assert rows(
        run,
        "select municipality_names from marts.fct_work_items where item_id = 'VB25-S01'",
    ) == [("Sigtuna, Upplands Väsby",)]
    assert rows(run, "select count(*) from marts.fct_work_items where source_document is null") == [(0,)]


def test_the_work_mart_lists_exactly_what_the_follow_up_counts(run):
    listed = rows(run, "select year, item_type, goal, count(*) from marts.fct_work_items group by all order by all")
    counted = rows(
        run,
        "select year, item_type, goal, sum(n_items) from marts.fct_follow_up_by_goal "
        "group by all having sum(n_items) > 0 order by all",
    )
    assert listed == counted
    assert (2025, "uppdrag", "producera kunskap", 5) in listed


def test_a_new_plan_file_is_a_records_change_that_reaches_the_plan_mart(run):
    s = run["settings"]
    manifest = json.loads((s.data_dir / "dbt_target" / "manifest.json").read_text(encoding="utf-8"))
    parents = manifest["parent_map"]
    assert "source.fou_nordvast.records.records_plan" in parents["model.fou_nordvast.stg_records__plan"]
    before = incremental.fingerprint(s)
    copy = s.inbox / "verksamhetsplan_2027.csv"
    shutil.copy(s.records / "plan.csv", copy)
    copy.write_text(copy.read_text(encoding="utf-8").replace("\n2026;", "\n2027;"), encoding="utf-8")
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("FOU_DATA_DIR", str(s.data_dir))
            pipeline.load_records(s)
        after = incremental.fingerprint(s)
    finally:
        copy.unlink()
    assert [g for g in incremental.SOURCE_GROUPS if before[g] != after[g]] == ["records"]


def ancestors(manifest: dict, node: str) -> set[str]:
    seen, todo = set(), [node]
    while todo:
        for parent in manifest["parent_map"].get(todo.pop(), []):
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


def test_population_fee_and_oj_marts_do_not_depend_on_the_plan_or_the_named_work(run):
    manifest = json.loads((run["settings"].data_dir / "dbt_target" / "manifest.json").read_text(encoding="utf-8"))
    changed = {
        "source.fou_nordvast.records.records_plan",
        "source.fou_nordvast.records.records_assignments",
        "source.fou_nordvast.records.records_activities",
        "source.fou_nordvast.records.records_events",
        "source.fou_nordvast.config.plan_words",
    }
    marts = [
        n
        for n, node in manifest["nodes"].items()
        if node["resource_type"] == "model"
        and node["fqn"][1] == "marts"
        and node["fqn"][2] in ("population_fees", "oj")
    ]
    assert any(m.endswith(".fct_population") for m in marts) and any(m.endswith(".fct_fees") for m in marts)
    assert any(".fct_oj" in m for m in marts)
    assert {m: ancestors(manifest, m) & changed for m in marts if ancestors(manifest, m) & changed} == {}
