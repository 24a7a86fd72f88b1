"""Issue 25 items 3 and 4, live through the real client against the Kolada stand-in, loaded and
built into the ÖJ marts:

- Kolada's status of a value ('-' bortfall, '.' ej tillämpligt, '..' sekretess, value null)
  reaches fct_oj_results.status and fct_oj_similar_comparison.status, and such a member is never
  ranked, given a quartile or colour, or counted in the region's median, min, max or count;
- a month later, when only changes since the last load are asked (from_date), a cell answered
  with the text "12,5" is quarantined and the mart shows it WITHOUT a value (never the earlier
  3,1) and with the quarantine's reason, as docs/oj.md says; the month Kolada sends a number
  again, the number is back and the quarantine is gone."""

from __future__ import annotations

import duckdb
import pytest

from ingestion import dbt
from ingestion.kolada import extract as kolada_extract
from ingestion.kolada import load as kolada_load
from ingestion.settings import Settings
from tests.support.fake_kolada import FakeKolada
from tests.support.fakeserver import FakeServer

KPI = "N31816"  # direction lower: ranked, quartiles, colours
YEAR = 2024
STATUSES = {"0123": "-", "0125": ".", "0139": ".."}  # three of the eight members
QUARANTINED = "0114"


def value(kpi: str, place: str, year: int) -> float:
    """Distinct per place, so ranks are not all ties; 0114 has 3,1 in 2024."""
    if (place, year) == (QUARANTINED, YEAR):
        return 3.1
    return round((int(place[-3:]) % 97) / 10 + (year - 2000) / 100, 6)


def run(settings: Settings):
    return kolada_load.load(settings, [str(p) for p in kolada_extract.extract(settings)])


@pytest.fixture(scope="module")
def built(tmp_path_factory, module_monkeypatch):
    server = FakeServer().__enter__()
    mp = module_monkeypatch
    mp.setenv("FOU_DATA_DIR", str(tmp_path_factory.mktemp("status") / "data"))
    mp.setenv("FOU_SOURCE_MODE", "live")
    mp.setenv("FOU_KOLADA_BASE_URL", f"{server.url}/v3")
    mp.setenv("FOU_HTTP_RETRIES", "1")
    mp.setenv("FOU_HTTP_BACKOFF_S", "0")
    statuses = {(KPI, place, YEAR, "T"): status for place, status in STATUSES.items()}
    fake = FakeKolada(server, value=value, statuses=statuses)
    s = Settings()
    first = run(s)
    fake.changes = {(KPI, QUARANTINED, YEAR, "T"): "12,5"}  # a month later: only this cell changed
    second = run(s)
    dbt.run(s, "build", "--select", "+path:models/marts/oj", "--indirect-selection", "cautious")
    con = duckdb.connect(str(s.work_db), read_only=True)
    yield s, fake, first, second, con
    con.close()
    server.__exit__(None, None, None)


def test_each_status_reaches_the_mart_without_a_value(built):
    _, _, first, _, con = built
    assert first.failed_kpis == [] and first.quarantined_values == []
    rows = con.execute(
        "select municipality_id, value, status, rank_in_region, quartile, quartile_colour, did_not_report "
        "from marts.fct_oj_results where kpi_id = ? and year = ? and sex = 'T' and is_region_member",
        [KPI, YEAR],
    ).fetchall()
    by_muni = {r[0]: r[1:] for r in rows}
    for muni, status in STATUSES.items():
        assert by_muni[muni] == (None, status, None, None, "grey", True)
    raw = con.execute(
        "select municipality_id, status, value from raw.kolada_values where kpi = ? and period = ? and gender = 'T' "
        "and list_contains(?, municipality_id)",
        [KPI, YEAR, list(STATUSES)],
    ).fetchall()
    assert sorted(raw) == sorted((m, s, None) for m, s in STATUSES.items())  # kept as Kolada sent it
    similar = dict(
        con.execute(
            "select municipality_id, status from marts.fct_oj_similar_comparison where kpi_id = ? and year = ?",
            [KPI, YEAR],
        ).fetchall()
    )
    assert {m: similar[m] for m in STATUSES} == STATUSES


def test_a_member_without_a_value_is_not_ranked_nor_counted(built):
    _, _, _, _, con = built
    rows = con.execute(
        "select municipality_id, value, rank_in_region, region_reporting_count, region_median, region_min, "
        "region_max, quartile from marts.fct_oj_results where kpi_id = ? and year = ? and sex = 'T' "
        "and is_region_member",
        [KPI, YEAR],
    ).fetchall()
    with_value = {r[0]: r[1] for r in rows if r[1] is not None}
    assert len(with_value) == 8 - len(STATUSES) - 1  # and the quarantined one
    ranks = {r[0]: r[2] for r in rows if r[2] is not None}
    assert set(ranks) == set(with_value)
    expected = {m: 1 + sum(1 for o in with_value.values() if o < v) for m, v in with_value.items()}
    assert ranks == expected
    values = sorted(with_value.values())
    n, mid = len(values), len(values) // 2
    median = values[mid] if n % 2 else (values[mid - 1] + values[mid]) / 2
    assert {r[3:7] for r in rows} == {(n, median, values[0], values[-1])}
    # quartiles: among the municipalities of the country with a value only
    counted = con.execute(
        "select distinct municipalities_with_value from marts.fct_oj_results where kpi_id = ? and year = ? "
        "and sex = 'T'",
        [KPI, YEAR],
    ).fetchall()
    assert counted == [(290 - len(STATUSES) - 1,)]


def test_a_quarantined_cell_in_an_incremental_month_is_missing_not_the_old_value(built):
    s, _, _, second, con = built
    assert second.incremental_kpis and KPI in second.incremental_kpis  # the from_date path
    assert second.quarantined_values == [
        f"{KPI} {QUARANTINED} {YEAR} T: kolada: value is text '12,5', not a number "
        "(a decimal comma: Kolada sends numbers, not text)"
    ]
    assert (
        con.execute(
            "select count(*) from raw.kolada_values where kpi = ? and municipality_id = ? and period = ? "
            "and gender = 'T'",
            [KPI, QUARANTINED, YEAR],
        ).fetchone()[0]
        == 0
    )
    row = con.execute(
        "select value, is_stale, stale_reason, quarantine_reason, rank_in_region, quartile_colour "
        "from marts.fct_oj_results where kpi_id = ? and municipality_id = ? and year = ? and sex = 'T'",
        [KPI, QUARANTINED, YEAR],
    ).fetchone()
    assert row[0] is None  # never the earlier 3,1
    assert row[1] is False and row[2] is None
    assert row[3].startswith("quarantined ") and "'12,5'" in row[3]
    assert row[4:] == (None, "grey")
    # the year before is untouched and says nothing of a quarantine
    before = con.execute(
        "select value, quarantine_reason from marts.fct_oj_results where kpi_id = ? and municipality_id = ? "
        "and year = ? and sex = 'T'",
        [KPI, QUARANTINED, YEAR - 1],
    ).fetchone()
    assert before == (value(KPI, QUARANTINED, YEAR - 1), None)


def test_the_month_kolada_sends_a_number_again_it_is_back_and_the_quarantine_gone(built):
    s, fake, _, _, con = built
    con.close()
    fake.changes = {(KPI, QUARANTINED, YEAR, "T"): 3.2}
    third = run(s)
    assert KPI in third.incremental_kpis and third.quarantined_values == []
    with duckdb.connect(str(s.work_db), read_only=True) as c:
        got = c.execute(
            "select value from raw.kolada_values where kpi = ? and municipality_id = ? and period = ? and gender = 'T'",
            [KPI, QUARANTINED, YEAR],
        ).fetchall()
        left = c.execute("select count(*) from raw.kolada_quarantine").fetchone()[0]
    assert got == [(3.2,)] and left == 0
