"""Stale ÖJ values are said out loud: the quality gate warns (not blocks) and the report's appendix
lists the KPI with the reason, when a KPI's latest fetch failed and its earlier values are kept."""

import shutil

import duckdb

from ingestion import quality
from report.base import Marts
from report.pages.about import provenance_section

REASON = "kolada: GET http://127.0.0.1/v3/data/kpi/N31816/… answered HTTP 500"


def mark_stale(db, kpi: str = "N31816") -> None:
    with duckdb.connect(str(db)) as con:
        con.execute("update raw.kolada_values set is_stale = true, stale_reason = ? where kpi = ?", [REASON, kpi])


def test_gate_warns_and_report_lists_a_stale_kpi(bundled_warehouse, tmp_path):
    shutil.copytree(bundled_warehouse.data_dir, tmp_path / "data")
    settings = bundled_warehouse.model_copy(update={"data_dir": tmp_path / "data"})
    mark_stale(settings.work_db)
    result = quality.run(settings)
    assert result.passed  # a warning, not an error: the other KPIs are fresh and publish
    # the bundled load itself has no warning (make run: 0 warned), so this one is the stale KPI's
    assert [f.check for f in result.warnings] == ["raw_kolada_stale_kpis"]
    copy = tmp_path / "published.duckdb"
    shutil.copyfile(settings.published_db, copy)
    copy.chmod(0o644)
    mark_stale(copy)
    with duckdb.connect(str(copy), read_only=True) as con:
        warnings = provenance_section(Marts(con)).data["warnings"]
    assert any("N31816" in w and "HTTP 500" in w for w in warnings), warnings
