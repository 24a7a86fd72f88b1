"""Record formats on good and bad files: Swedish spreadsheets as staff write them."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from ingestion.errors import RecordFileError
from ingestion.records.formats import format_for, formats
from ingestion.records.parse import validate
from ingestion.settings import PROJECT_DIR, Settings

MEMBERS = Settings().members
FMTS = formats(MEMBERS)


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_every_bundled_record_file_is_clean():
    bundled = sorted((PROJECT_DIR / "records").glob("*.csv"))
    assert {format_for(p.name, FMTS).name for p in bundled} == set(FMTS)  # one file per format
    for path in bundled:
        good, problems = validate(path, format_for(path.name, FMTS))
        assert problems == [], [str(p) for p in problems]
        assert len(good) > 0


def test_file_names_pick_the_format_swedish_aliases_too():
    assert format_for("uppdrag_2026.xlsx", FMTS).name == "assignments"
    assert format_for("Förfrågningar mars.csv", FMTS).name == "requests"
    assert format_for("driftredovisning-2025.csv", FMTS).name == "budget"
    assert format_for("bemanning.csv", FMTS).name == "staffing"
    assert format_for("anteckningar.csv", FMTS) is None


def test_budget_cp1252_decimal_comma_and_space_thousands(tmp_path):
    text = (
        "år;kategori;budget_tkr;utfall_tkr;källa\n"
        "2017;Personal;3 046;2 980;VB 2017\n"
        "2017;Lokal, inkl. städ, avfall;200;200;VB 2017\n"
        "2019;intäkter;3 854,929;;VP 2019\n"
        "2022;Övrigt;322 tkr;899;VB 2022\n"
    )
    good, problems = validate(write(tmp_path, "budget.csv", text, "cp1252"), FMTS["budget"])
    assert problems == []
    rows = good.set_index(["år", "kategori"])
    assert rows.loc[(2017, "personal"), "budget_tkr"] == Decimal("3046")
    assert rows.loc[(2017, "lokaler"), "utfall_tkr"] == Decimal("200")  # synonym of the 2017 report
    assert rows.loc[(2019, "intäkter"), "budget_tkr"] == Decimal("3854.929")  # decimal comma
    assert rows.loc[(2022, "övrigt"), "budget_tkr"] == Decimal("322")  # "tkr" suffix, cp1252 Ö


def test_budget_bad_rows_one_problem_line_each(tmp_path):
    text = (
        "år;kategori;budget_tkr;utfall_tkr;källa\n"
        "2020;personal;3 380;3 181;VB 2022\n"
        "20x0;resor;;;VB 2022\n"  # two problems on one row, one line
        "2020;personal;1;1;VB 2022\n"  # duplicate key
        "2021;it;1.234,5;169;VB 2022\n"
    )  # ambiguous number
    good, problems = validate(write(tmp_path, "budget.csv", text), FMTS["budget"])
    assert list(good["år"]) == [2020]
    assert [p.row for p in problems] == [3, 4, 5]
    assert problems[0].field == "år, kategori"
    assert (
        "'20x0' är inget årtal" in problems[0].problem and "'resor' är inte ett tillåtet värde" in problems[0].problem
    )
    assert "samma nyckel som rad 2" in problems[1].problem
    assert problems[2].field == "budget_tkr" and "inte ett tal" in problems[2].problem
    assert str(problems[0]).startswith("budget.csv, rad 3: år: ")


def test_missing_column_rejects_the_file(tmp_path):
    path = write(tmp_path, "requests.csv", "förfrågan_id;år;ursprung;källa\nA;2025;Solna;x\n")
    with pytest.raises(RecordFileError, match="kolumn saknas: beslut"):
        validate(path, FMTS["requests"])


@pytest.mark.parametrize("content", ["", "\n\n", "# bara en kommentar\n", "förfrågan_id;år;ursprung;beslut;källa\n"])
def test_empty_file_is_a_file_problem(tmp_path, content):
    with pytest.raises(RecordFileError, match="tom|inga rader"):
        validate(write(tmp_path, "requests.csv", content), FMTS["requests"])


def test_requests_municipality_spellings_and_unknown_municipality(tmp_path):
    text = (
        "förfrågan_id,år,datum,ursprung,beslut,antal,källa\n"
        "1,2025,2025-03-02,Upplands-Väsby,ja,,x\n"
        "2,2025,,Upplands Väsby kommun,vilande,,x\n"
        "3,2025,,114,nej,,x\n"
        "4,2025,,JÄRFÄLLA,under utredning,2,x\n"
        "5,2025,,extern,ja,,x\n"
        "6,2025,,Botkyrka,ja,,x\n"  # not a member: must say extern
        "7,2025,2024-12-31,Solna,ja,,x\n"  # date outside the year
        "8,2025,,Solna,kanske,,x\n"
    )
    good, problems = validate(write(tmp_path, "requests.csv", text), FMTS["requests"])  # comma separated
    assert list(good["ursprung"]) == ["0114", "0114", "0114", "0123", "extern"]
    assert list(good["beslut"]) == ["ja", "pågående", "nej", "pågående", "ja"]
    assert good["antal"].tolist()[3] == 2 and pd.isna(good["antal"].tolist()[0])
    assert [(p.row, p.field) for p in problems] == [(7, "ursprung"), (8, "datum"), (9, "beslut")]
    assert "'Botkyrka' är ingen av regionens kommuner" in problems[0].problem and "extern" in problems[0].problem


def test_assignments_municipality_lists(tmp_path):
    text = (
        "uppdrag_id;år;uppdrag;mål;kommuner;externfinansierat;källa\n"
        "A;2019;MI-studie;Producera kunskap;Ekerö, Järfälla och Upplands-Väsby;nej;VP\n"
        "B;2019;Hemlöshet;producera kunskap;samtliga;ja;VP\n"
        "C;2019;Min utredning;stödja utveckling;Ekerö, Botkyrka;nej;VP\n"
        "D;2019;X;forska;;kanske;VP\n"
    )
    good, problems = validate(write(tmp_path, "uppdrag.csv", text), FMTS["assignments"])
    assert list(good["kommuner"]) == ["0114,0123,0125", ",".join(sorted(MEMBERS))]
    assert list(good["externfinansierat"]) == [False, True]
    assert [(p.row, p.field) for p in problems] == [(4, "kommuner"), (5, "mål, externfinansierat")]
    assert "övriga_parter" in problems[0].problem  # tells where Botkyrka belongs


def test_events_checks_across_fields(tmp_path):
    text = (
        "år;evenemang;deltagare;fråga;skala_max;svarande;medelvärde;median;andel_instämmer_pct;andel_delvis_pct;källa\n"
        "2022;Socialtjänstdagen;150;Betyg som helhet;10;99;7,7;8;;;VB\n"
        "2022;Social Talks;;Påverkar arbetet;;24;;;63 %;25;VB\n"
        "2022;Dag A;10;Betyg;10;11;11;;;;VB\n"  # more respondents than participants, mean off scale
        "2022;Dag B;;Betyg;;;;;70;40;VB\n"  # shares over 100 %
        "2022;Dag C;;;;5;;;;;VB\n"
    )  # figures without a question
    good, problems = validate(write(tmp_path, "events.csv", text), FMTS["events"])
    assert good.iloc[0]["medelvärde"] == Decimal("7.7") and good.iloc[1]["andel_instämmer_pct"] == Decimal("63")
    assert [(p.row, p.field) for p in problems] == [(4, "medelvärde, svarande"), (5, "andel_delvis_pct"), (6, "fråga")]


def test_communication_and_staffing(tmp_path):
    comm = (
        "år;kanal;mått;avser;värde;ungefärligt;källa\n"
        "2025;LinkedIn;följare;;1 262;nej;x\n"
        "2025;webb;besökare;;6\u00a0600;ja;x\n"  # non-breaking space as Excel writes it
        "2025;tiktok;följare;;5;;x\n"
    )
    good, problems = validate(write(tmp_path, "kommunikation.csv", comm), FMTS["communication"])
    assert list(good["värde"]) == [1262, 6600] and list(good["kanal"]) == ["linkedin", "hemsida"]
    assert [(p.row, p.field) for p in problems] == [(4, "kanal")]
    staff = (
        "år;roll;finansiering;person;årsarbetare;källa\n"
        "2022;forskare;ej angiven;;1,6;VB\n"
        "2022;forskare;ej angiven;;0,2;VB\n"  # duplicate key (no person)
        "2022;FoU-chef;basanslag;;1;VB\n"
    )
    good, problems = validate(write(tmp_path, "bemanning.csv", staff), FMTS["staffing"])
    assert list(good["roll"]) == ["forskare", "chef"] and list(good["finansiering"]) == ["ej angiven", "ordinarie"]
    assert good.iloc[0]["årsarbetare"] == Decimal("1.6")
    assert [p.row for p in problems] == [3]


def test_excel_file(tmp_path):
    path = tmp_path / "aktiviteter_2025.xlsx"
    pd.DataFrame(
        {
            "aktivitet_id": ["X1", "X2", "X3"],
            "år": [2025, 2025, 2025],
            "datum": [pd.Timestamp("2025-03-27"), None, None],
            "aktivitet": ["FoU-morgonsoffan", "Föreläsning", "Seminarium"],
            "aktivitetstyp": ["seminarium", "föreläsning", "seminarium"],
            "mål": ["sprida kunskap", "sprida kunskap", "sprida kunskap"],
            "kommuner": ["Sigtuna, Upplands-Väsby", "0125", "Täby"],
            "deltagare": [40, 12.0, None],
            "källa": ["x", "x", "x"],
        }
    ).to_excel(path, index=False)
    good, problems = validate(path, FMTS["activities"])
    assert list(good["aktivitet_id"]) == ["X1", "X2"]
    assert good.iloc[0]["datum"] == date(2025, 3, 27) and list(good["deltagare"]) == [40, 12]
    assert list(good["kommuner"]) == ["0114,0191", "0125"]
    assert [(p.row, p.field) for p in problems] == [(4, "kommuner")]


def test_fee_parameters_still_validated(tmp_path):
    text = (
        "avgiftsår;modell;kr_per_invånare;totalbelopp_kr;folkmängd_per;källa\n"
        "2019;per_invånare;9,08;;2017-12-31;VP 2019\n"
        "2020;per_invånare;;;;x\n"
        "2021;fast_total;;4 000 000;;x\n"
    )
    good, problems = validate(write(tmp_path, "fee_parameters.csv", text, "cp1252"), FMTS["fee_parameters"])
    assert list(good["avgiftsår"]) == [2019, 2021] and good.iloc[0]["kr_per_invånare"] == Decimal("9.08")
    assert [(p.row, p.field) for p in problems] == [(3, "kr_per_invånare")]
