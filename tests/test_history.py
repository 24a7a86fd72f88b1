"""Publication history (ingestion/warehouse.py): every publish keeps an immutable version, `fou
restore` republishes one as a publication of its own (undoable), and the next run with unchanged
inputs keeps the restored file but says so."""

from __future__ import annotations

import shutil
import stat
from datetime import date

import duckdb
import pytest
from pptx import Presentation
from typer.testing import CliRunner

from ingestion import pipeline, warehouse
from ingestion.cli import app
from ingestion.errors import PublicationNotFound
from report.build import build
from tests.support.helpers import PROJECT_DIR, make_settings, mart_checksums, run_loads

RATES = ["9,08", "90,8", "9,18"]  # the second is the staff member's wrong fee file of the issue
MEETING = date(2026, 2, 26)


def deck_texts(pptx) -> list[str]:
    """Every text of every slide, tables' cells included: the figures the steering group saw."""
    texts = []
    for slide in Presentation(str(pptx)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if shape.has_table:
                texts += [c.text for row in shape.table.rows for c in row.cells]
    return texts


def load_with_rate(settings, records, rate: str, run_id: str):
    fees = records / "fee_parameters.csv"
    fees.write_text(fees.read_text(encoding="utf-8").replace(";9,08;", f";{rate};"), encoding="utf-8")
    run_loads(settings)
    pipeline.dbt_build(settings)
    pipeline.quality_gate(settings)
    assert pipeline.publish(settings, run_id=run_id).published
    fees.write_text(fees.read_text(encoding="utf-8").replace(f";{rate};", ";9,08;"), encoding="utf-8")
    return mart_checksums(settings.published_db)


@pytest.mark.slow
def test_three_loads_three_versions_restore_and_undo(tmp_path, monkeypatch):
    records = tmp_path / "records"
    shutil.copytree(PROJECT_DIR / "records", records)
    settings = make_settings(monkeypatch, tmp_path / "data", FOU_RECORDS_DIR=str(records))
    loads = [load_with_rate(settings, records, RATES[0], "manual__load1")]
    february = deck_texts(build(settings.published_db, tmp_path / "deck_then", pdf=False, on=MEETING)[2])
    loads += [load_with_rate(settings, records, rate, f"manual__load{i}") for i, rate in enumerate(RATES[1:], 2)]
    assert loads[0] != loads[1] != loads[2]

    kept = warehouse.publications(settings)
    assert [v["run_id"] for v in kept] == ["manual__load3", "manual__load2", "manual__load1"]
    assert all(stat.S_IMODE(v["path"].stat().st_mode) == 0o444 for v in kept)
    assert kept[2]["changed"] == "allt (första publiceringen)" and "records" in kept[1]["changed"]
    assert '"records"' in kept[0]["fingerprint"] and '"fct_fees"' in kept[0]["mart_rows"]
    for v in kept:
        assert mart_checksums(v["path"]) == loads[int(v["run_id"][-1]) - 1]

    runner = CliRunner()
    listing = runner.invoke(app, ["publications"])
    assert listing.exit_code == 0 and all(v["version"] in listing.output for v in kept), listing.output

    first = kept[2]["version"]
    result = runner.invoke(app, ["restore", first])
    assert result.exit_code == 0, result.output
    assert mart_checksums(settings.published_db) == loads[0]
    newest = warehouse.publications(settings)[0]
    assert newest["restored_from"] == first and len(warehouse.publications(settings)) == 4
    assert warehouse.publication_of(settings.published_db)["restored_from"] == first

    # the next run with unchanged inputs keeps the restored file, and says so
    assert not pipeline.downstream_is_current(settings)
    kept_restored = pipeline.publish(settings, run_id="manual__next")
    assert not kept_restored.published and kept_restored.restored == first
    assert "återställda versionen" in kept_restored.summary()
    assert mart_checksums(settings.published_db) == loads[0]

    # a second restore (of the version before the first restore) undoes it
    assert runner.invoke(app, ["restore", kept[0]["version"]]).exit_code == 0
    assert mart_checksums(settings.published_db) == loads[2]
    assert pipeline.restored_version(settings, pipeline.incremental.gate_fingerprint(settings)) is None

    # the deck of the meeting, rebuilt later from the version it was built from, shows the same figures
    again_dir = tmp_path / "again"
    args = ["report", "--publication", first, "--meeting", str(MEETING), "--no-pdf", "--out-dir", str(again_dir)]
    assert runner.invoke(app, args).exit_code == 0
    again = deck_texts(again_dir / f"styrgruppsmote_{MEETING}.pptx")
    assert again == february and any("9,08" in t for t in february)

    # a version opens read-only for analysts
    out = runner.invoke(app, ["sql", "--publication", first, "-c", "select count(*) from marts.fct_fees;"])
    assert out.exit_code == 0, out.output


def small_work_db(settings, n: int) -> None:
    settings.work_db.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(settings.work_db)) as con:
        con.execute("create schema if not exists marts")
        con.execute(f"create or replace table marts.fct_x as select range as x from range({n})")


def test_only_the_newest_n_versions_are_kept(tmp_path, monkeypatch):
    settings = make_settings(monkeypatch, tmp_path / "data", FOU_KEEP_PUBLICATIONS="3")
    for n in range(1, 6):
        small_work_db(settings, n)
        warehouse.publish(settings, provenance={"run_id": f"run{n}", "changed": "scb"})
    kept = warehouse.publications(settings)
    assert [v["run_id"] for v in kept] == ["run5", "run4", "run3"]
    assert kept[0]["mart_rows"] == '{"fct_x": 5}'
    with pytest.raises(PublicationNotFound, match="ingen sparad publicering heter nope"):
        warehouse.find_version(settings, "nope")
    with pytest.raises(PublicationNotFound, match="3 publiceringar börjar med"):
        warehouse.find_version(settings, kept[0]["version"][:4])
    assert warehouse.find_version(settings, kept[1]["version"][:22]) == kept[1]["path"]
