"""Another region brings its own records: the eight Södertörn municipalities with an empty
records folder go through the whole monthly load (loads, dbt build with its tests, the quality
gate, publish) and get SCB population for their members but not one of FoU Nordväst's records:
no fee decision of 2018, 2019 or the 2022 waiver, no activity, request or budget row."""

import duckdb
import pytest
import yaml

from ingestion import pipeline
from ingestion.errors import ConfigError
from ingestion.records import intake
from ingestion.settings import PROJECT_DIR, Settings
from tests.support.helpers import run_loads

SODERTORN = {  # codes checked against Kolada's municipality list (municipalities_v3.json)
    "0126": "Huddinge",
    "0127": "Botkyrka",
    "0128": "Salem",
    "0136": "Haninge",
    "0138": "Tyresö",
    "0140": "Nykvarn",
    "0181": "Södertälje",
    "0192": "Nynäshamn",
}


def region_config(folder, records_dir):
    """A copy of config/region.yml with Södertörn's members and its own records folder."""
    config = yaml.safe_load((PROJECT_DIR / "config" / "region.yml").read_text(encoding="utf-8"))
    config["region"] |= {"name": "Södertörn", "members": SODERTORN, "records_dir": records_dir}
    path = folder / "region.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_records_folder_is_part_of_the_region_config(tmp_path, monkeypatch):
    monkeypatch.delenv("FOU_RECORDS_DIR", raising=False)
    s = Settings(region_config=region_config(tmp_path, "egna_poster"))
    assert s.records == tmp_path / "egna_poster"  # relative to the config file, not the cwd
    assert Settings().records == PROJECT_DIR / "records"  # the bundled region's own
    assert Settings(region_config=s.region_config, records_dir=tmp_path / "x").records == tmp_path / "x"
    monkeypatch.setenv("FOU_RECORDS_DIR", str(tmp_path / "env"))
    assert Settings(region_config=s.region_config).records == tmp_path / "env"  # the variable wins


def test_absent_records_folder_loads_nothing(tmp_path):
    s = Settings(data_dir=tmp_path / "data", region_config=region_config(tmp_path, "saknas"))
    assert intake.load_records(s).files == {}


def test_a_data_dir_with_another_regions_records_is_refused(tmp_path):
    nordvast = Settings(data_dir=tmp_path / "data", records_dir=tmp_path / "none", inbox_dir=tmp_path / "in")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "förfrågningar.csv").write_text("förfrågan_id;år;ursprung;beslut;källa\nN1;2026;Solna;ja;x\n")
    assert intake.load_records(nordvast).files["in/förfrågningar.csv"].loaded == 1
    other = Settings(data_dir=tmp_path / "data", region_config=region_config(tmp_path, "poster"))
    with pytest.raises(ConfigError, match=r"holds record files of the region 'FoU Nordväst', not 'Södertörn'"):
        intake.load_records(other)


@pytest.fixture(scope="module")
def sodertorn(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("sodertorn")
    (tmp / "poster").mkdir()  # the region's records folder, empty
    s = Settings(
        data_dir=tmp / "data",
        source_mode="snapshot",
        region_config=region_config(tmp, "poster"),
        http_backoff_s=0.01,
        http_timeout_s=2,
    )
    run_loads(s)
    pipeline.dbt_build(s)
    gate = pipeline.quality_gate(s)
    pipeline.publish(s)
    with duckdb.connect(str(s.published_db), read_only=True) as con:
        yield s, con, gate


def test_no_nordvast_record_in_any_mart(sodertorn):
    _, con, _ = sodertorn
    record_marts = [
        r[0]
        for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' and ("
            "table_name in ('fct_fees', 'fct_fee_totals', 'rpt_population_reconciliation', "
            "'rpt_region_population_check') or table_name in (select unnest(?)))",
            [ACTIVITY_MARTS],
        ).fetchall()
    ]
    assert sorted(record_marts) == sorted(
        [*ACTIVITY_MARTS, "fct_fees", "fct_fee_totals", "rpt_population_reconciliation", "rpt_region_population_check"]
    )
    counts = {t: con.execute(f'select count(*) from marts."{t}"').fetchone()[0] for t in record_marts}
    assert counts == dict.fromkeys(record_marts, 0)
    assert con.execute("select count(*) from raw.record_files").fetchone() == (0,)


def test_population_for_the_sodertorn_members(sodertorn):
    _, con, gate = sodertorn
    members = con.execute("select municipality_code from marts.dim_municipality order by 1").fetchall()
    assert [m for (m,) in members if m in SODERTORN] == sorted(SODERTORN)
    # SCB's 31 December 2024 figures for the eight (TAB638 snapshot), every member present
    pop = dict(
        con.execute(
            "select region_code, population from marts.fct_population where year = 2024 and sex = 'total' "
            "and age_band = 'total' and region_code in (select unnest(?))",
            [list(SODERTORN)],
        ).fetchall()
    )
    assert sorted(pop) == sorted(SODERTORN) and all(v > 10_000 for v in pop.values())
    assert gate is not None


ACTIVITY_MARTS = [
    "fct_follow_up_by_goal",
    "fct_follow_up_by_municipality",
    "fct_assignments",
    "fct_requests",
    "fct_request_totals",
    "fct_budget",
    "fct_budget_totals",
    "fct_communication",
    "fct_event_evaluations",
    "fct_events_per_year",
    "fct_staffing",
    "fct_staffing_per_year",
    "fct_requests_by_municipality",
    "fct_plan_items",
    "fct_work_items",
]


def test_the_report_says_the_region_has_no_records_and_names_its_own_members(sodertorn, tmp_path):
    from datetime import date

    from pptx import Presentation

    from report.build import build

    s, _, _ = sodertorn
    html, _, pptx = build(s.published_db, tmp_path, pdf=False, on=date(2026, 2, 26))
    text = html.read_text(encoding="utf-8")
    slides = " ".join(
        shape.text_frame.text
        for slide in Presentation(str(pptx)).slides
        for shape in slide.shapes
        if shape.has_text_frame
    )
    for shown in (text, slides):
        assert "Södertörn har inga egna verksamhetsuppgifter i datalagret för 2025" in shown
        assert "Nordväst" not in shown and "Järfälla" not in shown and "Sollentuna" not in shown
        assert "Huddinge" in shown and "Södertälje" in shown
    assert "Avgifter" not in [slide.shapes.title.text for slide in Presentation(str(pptx)).slides if slide.shapes.title]
