"""Kolada v3 client against a local server: paging by next_url, 25-id batching, 429 with
Retry-After, failed KPI batches, auto fallback, and the load's replace rules."""

from __future__ import annotations

import json
from itertools import product
from pathlib import Path

import duckdb
import pytest

from ingestion.errors import SourceError
from ingestion.kolada import client as kolada_client
from ingestion.kolada import extract as kolada_extract
from ingestion.kolada import load as kolada_load
from ingestion.settings import Settings
from tests.support.fake_kolada import FakeKolada, segments
from tests.support.fakeserver import Call, Reply


def live_settings(fake_server, monkeypatch, mode="live") -> Settings:
    """Needs the `settings` fixture first: it points FOU_DATA_DIR into a temporary directory."""
    monkeypatch.setenv("FOU_SOURCE_MODE", mode)
    monkeypatch.setenv("FOU_KOLADA_BASE_URL", f"{fake_server.url}/v3")
    return Settings()


def test_chunks_and_path_respect_the_25_id_limit():
    ids = [f"N{i:05d}" for i in range(53)]
    parts = kolada_client.chunks(ids)
    assert [len(p) for p in parts] == [25, 25, 3]
    assert sum(parts, []) == ids
    assert (
        kolada_client.data_path(["N1", "U2"], ["0114", "0000"], [2023, 2024])
        == "data/kpi/N1,U2/municipality/0114,0000/year/2023,2024"
    )
    with pytest.raises(ValueError, match="26 kpi ids"):
        kolada_client.data_path(ids[:26], ["0114"], [2024])
    with pytest.raises(ValueError):
        kolada_client.data_path(["N1"], [], [2024])


def test_paging_follows_next_url_until_it_is_empty(fake_server, monkeypatch, settings):
    def kpi_pages(call: Call) -> Reply:
        page = int(call.query["page"][0])
        nxt = f"{fake_server.url}/v3/kpi?page={page + 1}&per_page=5000" if page < 3 else ""
        return Reply(200, {"count": 1, "values": [{"id": f"N{page}", "title": "t"}], "next_url": nxt})

    fake_server.route("GET", "/v3/kpi", kpi_pages)
    client = kolada_client.KoladaClient(live_settings(fake_server, monkeypatch))
    pages = client.metadata("kpi")
    assert [p.json()["values"][0]["id"] for p in pages] == ["N1", "N2", "N3"]
    calls = fake_server.calls_to("/v3/kpi")
    assert [c.query for c in calls] == [{"page": [str(n)], "per_page": ["5000"]} for n in (1, 2, 3)]
    assert all(p.kind == "metadata" for p in pages)


def test_paging_refuses_a_next_url_that_loops(fake_server, monkeypatch, settings):
    def loop(call):
        return Reply(200, {"values": [], "next_url": f"{fake_server.url}/v3/kpi?page=1&per_page=5000"})

    fake_server.route("GET", "/v3/kpi", loop)
    with pytest.raises(SourceError, match="does not end"):
        kolada_client.KoladaClient(live_settings(fake_server, monkeypatch)).metadata("kpi")


def test_data_is_batched_25_ids_per_segment_never_one_call_per_value(fake_server, monkeypatch, settings):
    kpis = [f"U{i:05d}" for i in range(30)]
    munis = [f"{i:04d}" for i in range(100, 160)]
    years = [2021, 2022, 2023]
    fake = FakeKolada(fake_server)
    pages = kolada_client.KoladaClient(live_settings(fake_server, monkeypatch)).data(kpis, munis, years)
    # 30 KPIs → 2 batches, 60 places → 3 batches, 3 years → 1: six calls for 5 400 values
    assert len(fake.data_calls) == 6
    for call in fake.data_calls:
        seg = segments(call)
        assert all(0 < len(seg[s]) <= 25 for s in ("kpi", "municipality", "year"))
    got = {(v["kpi"], v["municipality"], v["period"]) for p in pages for v in p.json()["values"]}
    assert got == set(product(kpis, munis, years))


def test_429_is_retried_after_the_retry_after_delay(fake_server, monkeypatch, settings):
    ok = Reply(200, {"count": 1, "values": [{"id": "0114", "title": "Upplands Väsby", "type": "K"}], "next_url": None})
    fake_server.route("GET", "/v3/municipality", [Reply(429, {"error": "slow down"}, headers={"Retry-After": "1"}), ok])
    pages = kolada_client.KoladaClient(live_settings(fake_server, monkeypatch)).metadata("municipality")
    assert pages[0].json()["values"][0]["title"] == "Upplands Väsby"
    calls = fake_server.calls_to("/v3/municipality")
    assert len(calls) == 2
    assert calls[1].at - calls[0].at >= 0.9  # waited as Retry-After asked


def test_429_that_never_ends_fails_with_a_source_error(fake_server, monkeypatch, settings):
    monkeypatch.setenv("FOU_HTTP_RETRIES", "2")
    fake_server.route("GET", "/v3/kpi", Reply(429, {"error": "slow down"}, headers={"Retry-After": "0"}))
    with pytest.raises(SourceError):
        kolada_client.KoladaClient(live_settings(fake_server, monkeypatch)).metadata("kpi")
    assert len(fake_server.calls_to("/v3/kpi")) == 3  # first try + 2 retries


def live_extract(fake_server, monkeypatch, failing_kpi: str | None = None):
    def fail(call):
        if failing_kpi and failing_kpi in segments(call)["kpi"]:
            return Reply(400, {"error": "bad request"})  # 4xx: not retried
        return None

    fake = FakeKolada(fake_server, fail=fail)
    settings = live_settings(fake_server, monkeypatch)
    return settings, kolada_extract.extract(settings), fake.data_calls


def test_live_extract_a_failing_batch_does_not_stop_the_others(fake_server, monkeypatch, settings):
    kpis = Settings().kpis.ids
    second_batch = kolada_client.chunks(kpis)[1]
    settings, landed, data_calls = live_extract(fake_server, monkeypatch, failing_kpi=second_batch[0])
    manifest = json.loads(open(landed[0], encoding="utf-8").read())
    assert manifest["source_mode"] == "live"
    assert sorted(manifest["failed"]) == sorted(second_batch)
    # places: 8 members + county + Riket + the 9 Kolada groups (each member's Liknande kommuner
    # IFO group and G196055) + 282 other municipalities = 301 → 13 batches of ≤ 25
    places = set()
    for call in data_calls:
        places.update(segments(call)["municipality"])
    groups = {p for p in places if p.startswith("G")}
    assert len(places) - len(groups) == 292 and {"0000", "0001", "0163"} <= places
    assert groups == set(manifest["group_ids"]) and "G196055" in groups and len(manifest["similar_groups"]) == 8
    first_batch_calls = [c for c in data_calls if segments(c)["kpi"] == kolada_client.chunks(kpis)[0]]
    assert len(first_batch_calls) == len(kolada_client.chunks(sorted(places)))
    # the failing batch stops at its first call (400), the first batch is complete
    report = kolada_load.load(settings, [str(p) for p in landed])
    assert report.failed_kpis == sorted(second_batch)
    assert report.kpis_loaded == len(kpis) - len(second_batch)
    with duckdb.connect(str(settings.work_db), read_only=True) as con:
        n, gen = con.execute("select count(*), bool_or(is_generated) from raw.kolada_values").fetchone()
        failed_json = con.execute("select failed_kpis from raw.kolada_load_runs").fetchone()[0]
    sent = [
        o["municipality"]
        for p in landed
        if p.parent.name == "data"
        for o in json.loads(p.read_text())["values"]
        for v in o["values"]
    ]
    groups_sent = sum(m.startswith("G") for m in sent)
    assert n == len(sent) - groups_sent and gen is False  # every value of the first batch, none of the second
    with duckdb.connect(str(settings.work_db), read_only=True) as con:
        assert con.execute("select count(*) from raw.kolada_group_values").fetchone()[0] == groups_sent > 0
    assert sorted(json.loads(failed_json)) == sorted(second_batch)

    # a snapshot load afterwards: generated values never replace the real ones just loaded
    monkeypatch.setenv("FOU_SOURCE_MODE", "snapshot")
    snap = Settings()
    report = kolada_load.load(snap, [str(p) for p in kolada_extract.extract(snap)])
    assert sorted(report.kept_real_kpis) == sorted(kolada_client.chunks(kpis)[0])
    with duckdb.connect(str(settings.work_db), read_only=True) as con:
        rows = dict(con.execute("select kpi, bool_or(is_generated) from raw.kolada_values group by kpi").fetchall())
    assert all(rows[k] is False for k in kolada_client.chunks(kpis)[0])
    assert all(rows[k] is True for k in second_batch)  # failed live, so the generated ones fill in


def test_every_batch_failing_raises(fake_server, monkeypatch, settings):
    cfg = Settings().kpis
    FakeKolada(fake_server, fail=lambda call: Reply(400, {"error": "no"}))
    settings = live_settings(fake_server, monkeypatch)
    with pytest.raises(SourceError, match="every KPI failed"):
        kolada_extract.extract(settings)
    assert len(cfg.kpis) > 25


def test_auto_mode_falls_back_to_the_generated_snapshot_when_unreachable(monkeypatch, settings):
    monkeypatch.setenv("FOU_SOURCE_MODE", "auto")
    monkeypatch.setenv("FOU_KOLADA_BASE_URL", "http://127.0.0.1:9/v3")  # discard port: refused
    monkeypatch.setenv("FOU_HTTP_RETRIES", "0")
    landed = kolada_extract.extract(Settings())
    manifest = json.loads(open(landed[0], encoding="utf-8").read())
    assert manifest["source_mode"] == "snapshot" and manifest["failed"] == {}
    metas = [json.loads(p.with_suffix(".meta.json").read_text(encoding="utf-8")) for p in landed[1:]]
    assert {m["source_mode"] for m in metas if m["kind"] == "data"} == {"generated", "kolada-copy"}
    assert {m["source_mode"] for m in metas if m["kind"] == "metadata"} == {"snapshot"}
    # the manifest names which KPIs are generated and where the copy comes from
    assert {k for k, p in manifest["provenance"].items() if p == "kolada-copy"} == {"N31807"}
    assert len(manifest["provenance"]) == 33 and list(manifest["provenance"].values()).count("generated") == 32
    assert "claesludvig/projekt" in manifest["notices"]["values.kolada_copy.json.gz"]
    assert "Generated KPIs: N31816" in manifest["notices"]["values.generated.json.gz"]


def test_live_mode_raises_when_unreachable(monkeypatch, settings):
    monkeypatch.setenv("FOU_SOURCE_MODE", "live")
    monkeypatch.setenv("FOU_KOLADA_BASE_URL", "http://127.0.0.1:9/v3")
    monkeypatch.setenv("FOU_HTTP_RETRIES", "0")
    with pytest.raises(SourceError):
        kolada_extract.extract(Settings())


def test_the_same_answers_again_are_not_reloaded_and_a_changed_one_is(settings):
    import hashlib

    def state():
        with duckdb.connect(str(settings.work_db), read_only=True) as con:
            return (
                con.execute(
                    "select count(*), round(sum(value), 3), count(distinct sha256) from raw.kolada_values"
                ).fetchone(),
                con.execute("select count(*) from raw.kolada_load_runs").fetchone()[0],
            )

    first = kolada_load.load(settings, [str(p) for p in kolada_extract.extract(settings)])
    assert first.values_loaded > 0 and not first.unchanged
    before = state()
    again = kolada_load.load(settings, [str(p) for p in kolada_extract.extract(settings)])
    assert again.unchanged and again.values_loaded == 0
    assert state() == before  # same rows, and no load run logged for a load that did nothing

    # a revised answer (one value changed): its KPIs are loaded again, with the new value
    landed = [str(p) for p in kolada_extract.extract(settings)]
    answer = next(p for p in map(Path, landed) if p.parent.name == "data")
    body = json.loads(answer.read_text(encoding="utf-8"))
    first_value = next(v for obj in body["values"] for v in obj["values"] if v["value"] is not None)
    first_value["value"] = 12345.5
    raw = json.dumps(body).encode("utf-8")
    revised = answer.with_name(f"{hashlib.sha256(raw).hexdigest()}.json")
    revised.write_bytes(raw)
    meta = json.loads(answer.with_suffix(".meta.json").read_text(encoding="utf-8"))
    revised.with_suffix(".meta.json").write_text(json.dumps({**meta, "sha256": revised.stem}), encoding="utf-8")
    changed = kolada_load.load(settings, [revised.as_posix() if p == str(answer) else p for p in landed])
    assert not changed.unchanged and changed.values_loaded == before[0][0]
    with duckdb.connect(str(settings.work_db), read_only=True) as con:
        assert con.execute("select count(*) from raw.kolada_values where value = 12345.5").fetchone()[0] == 1


@pytest.mark.parametrize("style", ["relative", "absolute"])
def test_paging_follows_a_relative_or_absolute_next_url(fake_server, monkeypatch, settings, style):
    def kpi_pages(call: Call) -> Reply:
        page = int(call.query["page"][0])
        rel = f"?page={page + 1}&per_page=5000"
        nxt = (rel if style == "relative" else f"{fake_server.url}/v3/kpi{rel}") if page < 3 else None
        return Reply(200, {"count": 1, "values": [{"id": f"N{page}", "title": "t"}], "next_url": nxt})

    fake_server.route("GET", "/v3/kpi", kpi_pages)
    pages = kolada_client.KoladaClient(live_settings(fake_server, monkeypatch)).metadata("kpi")
    assert [p.json()["values"][0]["id"] for p in pages] == ["N1", "N2", "N3"]
    assert [c.query["page"] for c in fake_server.calls_to("/v3/kpi")] == [["1"], ["2"], ["3"]]
