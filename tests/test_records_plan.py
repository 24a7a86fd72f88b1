"""The plan (verksamhetsplan) format: good rows, each cross-field rule reported with file, row
and field, member names with or without "kommun" in the cell's order, cp1252; the bundled plan
of the 2026-02-26 deck loads clean."""

from datetime import date
from pathlib import Path

import pytest

from ingestion.records import intake
from ingestion.records.formats import format_for, formats
from ingestion.records.parse import validate
from ingestion.records.vocabulary import GOALS, NETWORK_LEVELS, PLAN_KINDS, PLAN_STATUSES
from ingestion.settings import PROJECT_DIR, Settings

FMTS = formats(Settings().members)
PLAN = FMTS["plan"]
HEADER = "år;mål;typ;titel;kommuner;status;villkor;datum;nätverksnivå;källa\n"


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_file_names_pick_the_plan_format():
    assert format_for("plan.csv", FMTS) is PLAN
    assert format_for("Verksamhetsplan 2027.xlsx", FMTS) is PLAN
    assert format_for("vp_2027.csv", FMTS) is PLAN


def test_good_rows_names_with_or_without_kommun_in_the_cells_order(tmp_path):
    text = HEADER + (
        "2026;Producera kunskap;uppdrag;Studie;Sigtuna kommun;Villkorat;Under förutsättning av medel;;;VP\n"
        "2026;stödja utveckling;uppdrag;Lärprocessen;Solna, Ekerö och Upplands-Väsby;OK;;;;VP\n"
        "2026;stödja utveckling;erbjudande;Seminarieserie;Upplands Väsby kommun/Sollentuna;förslag;;;;VP\n"
        "2026;sprida kunskap;evenemang;Socialtjänstdagen;;;;2026-05-08;;VP\n"
        "2026;främja samverkan;nätverk;FoU Välfärd;;;;;Nationell;VP\n"
        "2026;;fokus;Nytt avtal;;OKLART;;;;VP\n"
    )
    good, problems = validate(write(tmp_path, "plan.csv", text), PLAN)
    assert problems == []
    rows = good.astype(object).where(good.notna(), None).to_dict("records")
    assert [r["kommuner"] for r in rows[:3]] == ["0191", "0184,0125,0114", "0114,0163"]  # the cell's order
    assert [r["status"] for r in rows] == ["villkorat", "ok", "förslag", None, None, "oklart"]
    assert rows[0]["villkor"] == "Under förutsättning av medel" and rows[0]["mål"] == "producera kunskap"
    assert rows[3]["datum"] == date(2026, 5, 8)
    assert rows[4]["nätverksnivå"] == "nationellt" and rows[5]["mål"] is None


def test_each_cross_field_rule_one_line_with_file_row_and_field(tmp_path):
    text = HEADER + (
        "2026;främja samverkan;nätverk;Utan nivå;;;;;;VP\n"  # row 2: a network needs its level
        "2026;sprida kunskap;evenemang;Med nivå;;;;;regionalt;VP\n"  # row 3: a level only for networks
        "2026;;uppdrag;Utan mål;;;;;;VP\n"  # row 4: the goal is empty only for fokus
        "2026;sprida kunskap;fokus;Fokus med mål;;;;;;VP\n"  # row 5: fokus has no goal
        "2026;producera kunskap;uppdrag;Villkorat utan villkor;;villkorat;;;;VP\n"  # row 6
        "2026;producera kunskap;uppdrag;Villkor utan villkorat;;ok;medel;;;VP\n"  # row 7
        "2026;sprida kunskap;evenemang;Fel år;;;;2027-03-27;;VP\n"  # row 8: the date lies in the year
        "2026;sprida kunskap;evenemang;Täby;Täby;;;;;VP\n"  # row 9: not a member
        "2026;sprida kunskap;webbsida;Okänd typ;;;;;;VP\n"  # row 10: no such kind
        "2026;sprida kunskap;evenemang;Bra;;;;2026-03-27;;VP\n"  # row 11: good, loads despite the others
    )
    good, problems = validate(write(tmp_path, "plan_2026.csv", text, "cp1252"), PLAN)
    assert list(good["titel"]) == ["Bra"]
    assert [(p.file, p.row, p.field) for p in problems] == [
        ("plan_2026.csv", 2, "nätverksnivå"),
        ("plan_2026.csv", 3, "nätverksnivå"),
        ("plan_2026.csv", 4, "mål"),
        ("plan_2026.csv", 5, "mål"),
        ("plan_2026.csv", 6, "villkor"),
        ("plan_2026.csv", 7, "villkor"),
        ("plan_2026.csv", 8, "datum"),
        ("plan_2026.csv", 9, "kommuner"),
        ("plan_2026.csv", 10, "typ"),
    ]
    lines = [str(p) for p in problems]
    assert lines[0] == (
        "plan_2026.csv, rad 2: nätverksnivå: måste fyllas i när typ är nätverk (delregionalt, regionalt, nationellt)"
    )
    assert lines[1] == "plan_2026.csv, rad 3: nätverksnivå: fylls bara i när typ är nätverk (här: evenemang)"
    assert lines[2] == "plan_2026.csv, rad 4: mål: måste fyllas i när typ är uppdrag (tomt bara för fokus)"
    assert lines[3].startswith("plan_2026.csv, rad 5: mål: lämnas tomt när typ är fokus")
    assert lines[4].startswith("plan_2026.csv, rad 6: villkor: måste fyllas i när status är villkorat")
    assert lines[5] == "plan_2026.csv, rad 7: villkor: fylls bara i när status är villkorat"
    assert lines[6] == "plan_2026.csv, rad 8: datum: 2027-03-27 ligger inte i år 2026"
    assert "'Täby' är inte bland regionens kommuner" in lines[7] and "andra parter i titeln" in lines[7]
    assert lines[8].startswith("plan_2026.csv, rad 10: typ: 'webbsida' är inte ett tillåtet värde")


def test_the_bundled_plan_is_the_2026_02_26_deck_and_loads_clean():
    good, problems = validate(PROJECT_DIR / "records" / "plan.csv", PLAN)
    assert problems == []
    assert set(good["år"]) == {2026} and good["källa"].str.startswith("Styrgruppsmöte 2026-02-26").all()
    by_kind = good.groupby("typ")["titel"].count().to_dict()
    assert by_kind == {"uppdrag": 7, "erbjudande": 6, "evenemang": 7, "nätverk": 13, "fokus": 4}
    levels = good[good["typ"] == "nätverk"].groupby("nätverksnivå")["titel"].count().to_dict()
    assert levels == {"delregionalt": 5, "regionalt": 3, "nationellt": 5}
    dated = dict(zip(good["datum"].dropna().map(date.isoformat), good.dropna(subset=["datum"])["titel"], strict=True))
    assert {d for d in dated} >= {"2026-03-27", "2026-05-29", "2026-05-08"}
    assert dated["2026-05-08"].startswith("Socialtjänstdagen i Nordväst")
    statuses = good.dropna(subset=["status"]).groupby("status")["titel"].count().to_dict()
    assert statuses == {"ok": 2, "oklart": 1, "förslag": 2, "villkorat": 2}  # as the deck marks them
    assert good[good["typ"] == "fokus"]["mål"].isna().all()


def test_the_vocabulary_is_the_plans_and_the_config_table_written_from_it(settings):
    from ingestion import warehouse

    assert PLAN_KINDS == ("uppdrag", "erbjudande", "evenemang", "nätverk", "fokus")
    assert PLAN_STATUSES == ("ok", "oklart", "förslag", "villkorat")
    assert NETWORK_LEVELS == ("delregionalt", "regionalt", "nationellt")
    warehouse.load_config(settings)
    with warehouse.connect(settings.work_db) as con:
        words = con.execute("select word_list, word, position from raw.plan_words order by all").fetchall()
        goals = [g for (g,) in con.execute("select goal from raw.result_goals order by position").fetchall()]
    assert goals == list(GOALS)
    expected = [("kind", w, i) for i, w in enumerate(PLAN_KINDS, 1)]
    expected += [("network_level", w, i) for i, w in enumerate(NETWORK_LEVELS, 1)]
    expected += [("status", w, i) for i, w in enumerate(PLAN_STATUSES, 1)]
    assert words == sorted(expected)


def test_intake_reports_a_bad_plan_row_with_file_row_and_field(inbox_settings):
    s = inbox_settings
    text = HEADER + "2026;främja samverkan;nätverk;Utan nivå;;;;;;VP\n2026;;fokus;Fokus;;;;;;VP\n"
    (s.inbox / "verksamhetsplan_2026.csv").write_bytes(text.encode("cp1252"))
    result = intake.load_records(s)
    r = result.files["inbox/verksamhetsplan_2026.csv"]
    assert (r.status, r.record_type, r.loaded, r.quarantined) == ("loaded", "plan", 1, 1)
    report = Path(result.report).read_text(encoding="utf-8")
    assert "inbox/verksamhetsplan_2026.csv, rad 2: nätverksnivå: måste fyllas i när typ är nätverk" in report


@pytest.mark.parametrize("name", ["plan"])
def test_the_quality_gate_checks_the_plans_key_and_required_fields(name):
    from ingestion.quality import params

    key, required = params(Settings()).record_formats[name]
    assert key == ("år", "typ", "titel", "datum")
    assert required == ("år", "typ", "titel", "källa")
