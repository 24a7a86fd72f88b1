"""Intake of record files from the inbox: good rows loaded, each bad row quarantined once and
reported, originals kept by SHA-256, files never loaded twice, bad files never block good ones."""

import hashlib
import shutil

import duckdb
import pandas as pd
import pytest

from ingestion.records import intake
from ingestion.settings import PROJECT_DIR

BUDGET = "år;kategori;budget_tkr;utfall_tkr;källa\n2022;personal;4 060;4 269;VB 2022\n2022;lokaler;188;12;VB 2022\n"


@pytest.fixture
def s(inbox_settings):
    return inbox_settings


def query(s, sql, params=()):
    with duckdb.connect(str(s.work_db), read_only=True) as con:
        return con.execute(sql, params).fetchall()


def test_good_rows_load_bad_rows_quarantined_and_reported(s):
    broken = (
        "förfrågan_id;år;ursprung;beslut;källa\n"
        "R1;2026;Sollentuna;ja;x\n"
        "R2;2026;Täby;ja;x\n"
        "R3;2026;Solna;kanske;x\n"
        "R4;2026;Upplands-Väsby;nej;x\n"
        "R4;2026;Solna;nej;x\n"
    )
    (s.inbox / "förfrågningar_mars.csv").write_bytes(broken.encode("cp1252"))
    report = intake.load_records(s)
    r = report.files["inbox/förfrågningar_mars.csv"]
    assert (r.status, r.record_type, r.loaded, r.quarantined) == ("loaded", "requests", 2, 3)
    assert query(s, "select förfrågan_id, ursprung from raw.records_requests order by 1") == [
        ("R1", "0163"),
        ("R4", "0114"),
    ]
    quarantine = query(
        s, "select file_name, row_number, field, problem from raw.records_quarantine order by row_number"
    )
    assert [(q[0], q[1], q[2]) for q in quarantine] == [
        ("förfrågningar_mars.csv", 3, "ursprung"),
        ("förfrågningar_mars.csv", 4, "beslut"),
        ("förfrågningar_mars.csv", 6, "förfrågan_id"),
    ]
    assert "'Täby' är ingen av regionens kommuner" in quarantine[0][3]
    text = open(report.report, encoding="utf-8").read()
    assert "inbox/förfrågningar_mars.csv: 2 rad(er) inlästa, 3 i karantän" in text
    assert "inbox/förfrågningar_mars.csv, rad 4: beslut: 'kanske' är inte ett tillåtet värde" in text
    assert "rad 6: förfrågan_id: samma nyckel som rad 5 (dubblettrad)" in text
    # the original is kept unchanged, named by its SHA-256, and stays in the inbox
    sha = hashlib.sha256(broken.encode("cp1252")).hexdigest()
    assert (s.landing_dir / "records" / f"{sha}.csv").read_bytes() == broken.encode("cp1252")
    assert (s.inbox / "förfrågningar_mars.csv").exists()
    assert query(s, "select sha256, status, rows_loaded, rows_quarantined from raw.record_files") == [
        (sha, "loaded", 2, 3)
    ]


def test_same_file_is_not_loaded_twice_even_renamed(s):
    (s.inbox / "budget.csv").write_text(BUDGET, encoding="utf-8")
    assert intake.load_records(s).files["inbox/budget.csv"].loaded == 2
    shutil.copy(s.inbox / "budget.csv", s.inbox / "driftredovisning_kopia.csv")
    report = intake.load_records(s)
    assert report.files["inbox/budget.csv"].status == "already loaded"
    assert report.files["inbox/driftredovisning_kopia.csv"].status == "already loaded"
    assert query(s, "select count(*) from raw.records_budget") == [(2,)]
    assert query(s, "select count(*) from raw.record_files") == [(1,)]


def test_newer_file_rows_are_kept_next_to_older_ones(s):
    (s.inbox / "budget_1.csv").write_text(BUDGET, encoding="utf-8")
    intake.load_records(s)
    (s.inbox / "budget_2.csv").write_text(
        "år;kategori;budget_tkr;utfall_tkr;källa\n2022;personal;4 060;4 270;rättad\n", encoding="utf-8"
    )
    intake.load_records(s)
    # nothing is overwritten in raw: staging picks the newest loaded row per key (test_records_marts)
    rows = query(
        s, "select file_name, utfall_tkr from raw.records_budget where kategori = 'personal' order by loaded_at"
    )
    assert rows == [("budget_1.csv", "4269"), ("budget_2.csv", "4270")]


def test_bad_files_are_rejected_kept_and_do_not_block_others(s):
    (s.inbox / "budget_tom.csv").write_bytes(b"")
    (s.inbox / "staffing.csv").write_text("år;roll;årsarbetare\n2026;chef;1\n", encoding="utf-8")  # columns missing
    (s.inbox / "anteckningar.csv").write_text("a;b\n1;2\n", encoding="utf-8")  # unknown type
    (s.inbox / "budget.csv").write_text(BUDGET, encoding="utf-8")
    report = intake.load_records(s)
    assert report.files["inbox/budget.csv"].loaded == 2
    for name in ("budget_tom.csv", "staffing.csv", "anteckningar.csv"):
        assert (report.files[f"inbox/{name}"].status, report.files[f"inbox/{name}"].quarantined) == ("rejected", 1)
    problems = dict(query(s, "select file_name, problem from raw.records_quarantine"))
    assert problems["budget_tom.csv"] == "filen är tom"
    assert problems["staffing.csv"].startswith("kolumn saknas: finansiering, källa")
    assert problems["anteckningar.csv"].startswith("okänd filtyp")
    assert len(list((s.landing_dir / "records").iterdir())) == 4  # every original kept
    # a rejected file is not reported again every month; renamed to a known type it is tried again
    assert intake.load_records(s).files["inbox/anteckningar.csv"].status == "already loaded"
    (s.inbox / "anteckningar.csv").rename(s.inbox / "requests_anteckningar.csv")
    assert intake.load_records(s).files["inbox/requests_anteckningar.csv"].status == "rejected"


def test_excel_in_the_inbox(s):
    pd.DataFrame(
        {
            "år": [2026, 2026],
            "roll": ["chef", "okänd roll"],
            "finansiering": ["ordinarie"] * 2,
            "årsarbetare": [1.0, 0.5],
            "källa": ["x", "x"],
        }
    ).to_excel(s.inbox / "bemanning_2026.xlsx", index=False)
    r = intake.load_records(s).files["inbox/bemanning_2026.xlsx"]
    assert (r.record_type, r.loaded, r.quarantined) == ("staffing", 1, 1)
    assert query(s, "select roll, årsarbetare from raw.records_staffing") == [("chef", "1")]


def test_bundled_and_inbox_files_are_both_taken_in(settings):
    assert settings.records == PROJECT_DIR / "records" and settings.inbox == settings.data_dir / "inbox"
    report = intake.load_records(settings)
    bundled = {f"records/{p.name}" for p in (PROJECT_DIR / "records").glob("*.csv")}
    assert set(report.files) == bundled
    assert all(r.quarantined == 0 and r.loaded > 0 for r in report.files.values())
    summary = intake.intake_summary(report)
    assert "records/requests.csv [requests]: loaded, 22 row(s) loaded, 0 quarantined" in summary


def test_dag_pushes_the_intake_report_as_one_xcom():
    # with multiple_outputs each file name would become an XCom key in the API path, and a
    # Swedish name (förfrågningar.csv) made the task fail after the rows were loaded
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(str(PROJECT_DIR / "dags"))
    assert bag.import_errors == {}
    assert bag.dags["monthly_load"].get_task("records.load_records").multiple_outputs is False


def test_inbox_files_cannot_reach_outside_their_folder(settings, tmp_path):
    """A symlink in the inbox (to a file elsewhere on the machine) is refused, never read or kept."""

    secret = tmp_path / "outside" / "requests_secret.csv"
    secret.parent.mkdir()
    secret.write_text("år;ursprung\n2025;Solna\n", encoding="utf-8")
    settings.inbox.mkdir(parents=True, exist_ok=True)
    (settings.inbox / "förfrågningar_link.csv").symlink_to(secret)
    (settings.inbox / "förfrågningar_dir.csv").mkdir()
    files = intake.record_files(settings)
    assert all(p.parent.resolve() != secret.parent.resolve() for p in files)
    assert not any(p.name in ("förfrågningar_link.csv", "förfrågningar_dir.csv") for p in files)
