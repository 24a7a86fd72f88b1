"""Issue 13 items 3–4 for Kolada, through the real client against the fake server: a batch that
answers 500 every time keeps its earlier values marked stale with the reason (in the run
summary and raw.kolada_load_runs), and a value that is not a number is quarantined per row."""

from __future__ import annotations

import json

import duckdb
import pytest

from ingestion.kolada import client as kolada_client
from ingestion.kolada import extract as kolada_extract
from ingestion.kolada import load as kolada_load
from ingestion.kolada.values import parse_value, value_rows
from ingestion.settings import Settings
from tests.support.fake_kolada import FakeKolada, segments
from tests.support.fakeserver import Reply


def live(fake_server, monkeypatch) -> Settings:
    monkeypatch.setenv("FOU_SOURCE_MODE", "live")
    monkeypatch.setenv("FOU_KOLADA_BASE_URL", f"{fake_server.url}/v3")
    monkeypatch.setenv("FOU_HTTP_RETRIES", "1")
    monkeypatch.setenv("FOU_HTTP_BACKOFF_S", "0")
    return Settings()


def run(settings: Settings) -> dict:
    return kolada_load.load(settings, [str(p) for p in kolada_extract.extract(settings)])


def test_a_batch_answering_500_every_time_keeps_its_values_marked_stale(fake_server, monkeypatch, settings):
    kpis = Settings().kpis.ids
    second = kolada_client.chunks(kpis)[1]
    broken = {"on": False}

    def fail(call):
        if broken["on"] and second[0] in segments(call)["kpi"]:
            return Reply(500, {"error": "internal"})
        return None

    FakeKolada(fake_server, fail=fail)
    s = live(fake_server, monkeypatch)
    first = run(s)
    assert first.stale_kpis == {} and first.failed_kpis == []
    broken["on"] = True
    report = run(s)
    assert sorted(report.stale_kpis) == sorted(second)
    assert all("500" in why and "kolada" in why for why in report.stale_kpis.values())
    with duckdb.connect(str(s.work_db), read_only=True) as con:
        stale = dict(con.execute("select kpi, bool_and(is_stale) from raw.kolada_values group by kpi").fetchall())
        reasons = {r[0] for r in con.execute("select stale_reason from raw.kolada_values where is_stale").fetchall()}
        runs = [
            json.loads(r[0])
            for r in con.execute("select failed_kpis from raw.kolada_load_runs order by loaded_at").fetchall()
        ]
    assert {k for k, v in stale.items() if v} == set(second)
    assert all(stale[k] is False for k in kolada_client.chunks(kpis)[0])
    assert len(reasons) == 1 and "500" in next(iter(reasons))
    assert runs[0] == {} and sorted(runs[1]) == sorted(second)

    broken["on"] = False  # the next good month refreshes them: no longer stale
    assert run(s).stale_kpis == {}
    with duckdb.connect(str(s.work_db), read_only=True) as con:
        assert con.execute("select count(*) from raw.kolada_values where is_stale").fetchone()[0] == 0


@pytest.mark.parametrize("raw", ["12,5", "abc", True, "12.5"])
def test_a_value_that_is_not_a_json_number_is_refused_with_its_text(raw):
    value, reason = parse_value(raw)
    assert value is None and repr(raw) in reason
    assert parse_value(12.5) == (12.5, None) and parse_value(7) == (7.0, None) and parse_value(None) == (None, None)


def test_value_rows_quarantine_only_the_bad_value():
    body = {
        "values": [
            {
                "kpi": "N1",
                "municipality": "0114",
                "period": 2024,
                "values": [{"gender": "K", "value": "12,5"}, {"gender": "T", "value": 3.0, "status": ""}],
            }
        ]
    }
    rows, bad = value_rows(body)
    assert [(r["gender"], r["value"]) for r in rows] == [("T", 3.0)]
    assert bad == [
        {
            "kpi": "N1",
            "municipality_id": "0114",
            "period": 2024,
            "gender": "K",
            "raw_value": "12,5",
            "reason": "kolada: value is text '12,5', not a number (a decimal comma: Kolada sends numbers, not text)",
        }
    ]


def test_a_12_comma_5_value_is_quarantined_and_the_rest_loads(fake_server, monkeypatch, settings):
    fake = FakeKolada(fake_server)
    original = fake.data

    def with_text_value(call):
        reply = original(call)
        for obj in reply.body["values"]:
            if obj["kpi"] == fake_kpi and obj["municipality"] == "0114" and obj["period"] == 2024:
                next(v for v in obj["values"] if v["gender"] == "T")["value"] = "12,5"
        return reply

    fake_kpi = Settings().kpis.ids[0]
    fake_server.route_prefix("GET", "/v3/data/", with_text_value)
    s = live(fake_server, monkeypatch)
    report = run(s)
    assert report.quarantined_values == [
        f"{fake_kpi} 0114 2024 T: kolada: value is text '12,5', not a number "
        "(a decimal comma: Kolada sends numbers, not text)"
    ]
    with duckdb.connect(str(s.work_db), read_only=True) as con:
        q = con.execute(
            "select source, kpi, municipality_id, period, gender, raw_value, url, length(sha256) "
            "from raw.kolada_quarantine"
        ).fetchall()
        loaded, other = con.execute(
            "select count(*) filter (municipality_id = '0114'), count(*) filter (municipality_id = '0115') "
            "from raw.kolada_values where kpi = ?",
            [fake_kpi],
        ).fetchone()
        runs = con.execute("select quarantined_values from raw.kolada_load_runs").fetchone()[0]
    assert len(q) == 1 and q[0][:6] == ("kolada", fake_kpi, "0114", 2024, "T", "12,5")
    assert "/v3/data/kpi/" in q[0][6] and q[0][7] == 64
    assert other > 1 and loaded == other - 1  # only the one value is missing
    assert runs == 1
