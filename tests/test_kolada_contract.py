"""Kolada v3 to its contract (issue 16 item 2), through the real client and load against the fake
server, which answers with the real answers' shapes: KPI metadata by id and only the groups
needed, a 404 or empty batch handled per KPI, incremental months with from_date (changed
values replaced, isdeleted values removed), a full reload on demand, a relative next_url that
keeps from_date, and the fake's objects shaped like the real N21704 answer."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from ingestion.kolada import client as kolada_client
from ingestion.kolada import extract as kolada_extract
from ingestion.kolada import load as kolada_load
from ingestion.settings import Settings
from tests.support.fake_kolada import DELETED, FakeKolada, segments
from tests.support.fakeserver import Reply

FIXTURE = Path("/work/shared/reference-data/kolada/fixtures/omsorgsradar_kolada_n21704_fixture.json")


def live(fake_server, monkeypatch, **env) -> Settings:
    monkeypatch.setenv("FOU_SOURCE_MODE", "live")
    monkeypatch.setenv("FOU_KOLADA_BASE_URL", f"{fake_server.url}/v3")
    monkeypatch.setenv("FOU_HTTP_RETRIES", "0")
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    return Settings()


def run(settings: Settings) -> dict:
    return kolada_load.load(settings, [str(p) for p in kolada_extract.extract(settings)])


def values(settings: Settings) -> dict:
    """Every value loaded, of places (raw.kolada_values) and of Kolada's groups (G ids)."""
    with duckdb.connect(str(settings.work_db), read_only=True) as con:
        rows = con.execute(
            "select kpi, municipality_id, period, gender, value from raw.kolada_values union all "
            "select kpi, municipality_id, period, gender, value from raw.kolada_group_values"
        )
        return {r[:4]: r[4] for r in rows.fetchall()}


def test_the_fakes_objects_have_the_shape_of_the_real_answer(fake_server, monkeypatch, settings):
    real = json.loads(FIXTURE.read_text(encoding="utf-8"))["values"]
    FakeKolada(fake_server)
    kpi = next(k for k in Settings().kpis.ids if k.startswith("U31500"))
    pages = kolada_client.KoladaClient(live(fake_server, monkeypatch)).data([kpi], ["0114", "0123", "G196055"], [2024])
    body = pages[0].json()
    assert set(body) >= {"count", "values", "next_url"}
    fake = body["values"]
    assert {tuple(sorted(o)) for o in fake} == {tuple(sorted(o)) for o in real}
    assert {tuple(sorted(v)) for o in fake for v in o["values"]} == {
        tuple(sorted(v)) for o in real for v in o["values"]
    }
    assert all(isinstance(o["period"], int) for o in fake)
    orders = {tuple(v["gender"] for v in o["values"]) for o in fake}
    assert len(orders) > 1  # the order of T/K/M varies per object, as in the real answer
    group = next(o for o in fake if o["municipality"] == "G196055")
    assert all(v["count"] == 7 for v in group["values"])  # a group's value: count = members with a value


def test_metadata_is_asked_by_id_and_only_the_groups_needed(fake_server, monkeypatch, settings):
    fake = FakeKolada(fake_server)
    s = live(fake_server, monkeypatch)
    landed = kolada_extract.extract(s)
    paths = [(c.path, c.query.get("title")) for c in fake.metadata_calls]
    kpi_calls = [p for p, _ in paths if p.startswith("/v3/kpi")]
    assert kpi_calls and all(p.startswith("/v3/kpi/") for p in kpi_calls)  # never the whole catalogue
    assert sorted(sum((p.removeprefix("/v3/kpi/").split(",") for p in kpi_calls), [])) == sorted(s.kpis.ids)
    groups = [(p, t) for p, t in paths if p.startswith("/v3/municipality_groups")]
    assert groups == [("/v3/municipality_groups", ["Liknande kommuner IFO"]), ("/v3/municipality_groups/G196055", None)]
    manifest = json.loads(landed[0].read_text(encoding="utf-8"))
    assert manifest["similar_groups"]["0123"] == "G36537"  # Liknande kommuner IFO, Järfälla, 2024
    report = kolada_load.load(s, [str(p) for p in landed])
    assert report.failed_kpis == []
    with duckdb.connect(str(s.work_db), read_only=True) as con:
        n_kpis = con.execute("select count(*) from raw.kolada_kpis").fetchone()[0]
        titles = [r[0] for r in con.execute("select distinct group_title from raw.kolada_groups").fetchall()]
    assert n_kpis == len(s.kpis.ids)
    assert all(t.startswith("Liknande kommuner IFO") or t.startswith("Nordvästkommunerna") for t in titles)


def test_a_404_batch_is_asked_per_kpi_and_only_the_missing_one_fails(fake_server, monkeypatch, settings):
    ids = Settings().kpis.ids
    gone, silent = ids[3], ids[5]  # gone: 404 whenever asked; silent: Kolada answers no value for it
    fake = FakeKolada(
        fake_server,
        fail=lambda call: Reply(404, {"error": "not found"}) if gone in segments(call)["kpi"] else None,
        empty={silent},
    )
    report = run(live(fake_server, monkeypatch))
    assert report.failed_kpis == sorted([gone, silent])
    assert "HTTP 404" in report.failed_reasons[gone]
    assert "no value for " + silent in report.failed_reasons[silent]
    assert report.kpis_loaded == len(ids) - 2
    asked_alone = {segments(c)["kpi"][0] for c in fake.data_calls if len(segments(c)["kpi"]) == 1}
    first_batch = kolada_client.chunks(ids)[0]
    assert asked_alone == set(first_batch)  # only the 404 batch was asked again one by one
    loaded = {k for k, *_ in values(Settings())}
    assert loaded == set(ids) - {gone, silent}


def test_a_month_later_only_changes_are_asked_and_deleted_values_go(fake_server, monkeypatch, settings):
    kpi = Settings().kpis.ids[0]
    fake = FakeKolada(fake_server, next_url="relative", per_page=2000)
    s = live(fake_server, monkeypatch)
    first = run(s)
    assert first.incremental_kpis == {}
    assert "asked only for changes" not in first.summary()
    before = values(s)
    assert (kpi, "0114", 2024, "T") in before and (kpi, "0123", 2023, "T") in before

    fake.changes = {(kpi, "0114", 2024, "T"): 99.5, (kpi, "0123", 2023, "T"): DELETED}
    fake.data_calls.clear()
    second = run(s)
    assert set(second.incremental_kpis) == set(s.kpis.ids)
    assert f"; {len(s.kpis.ids)} KPI(s) asked only for changes since the last load" in second.summary()
    assert all(c.query.get("from_date") for c in fake.data_calls)  # every data call, every page
    after = values(s)
    assert after[(kpi, "0114", 2024, "T")] == 99.5
    assert (kpi, "0123", 2023, "T") not in after
    assert len(after) == len(before) - 1

    def unchanged(k):
        return k[:2] != (kpi, "0114") and not k[1].startswith("G")

    assert {k: v for k, v in after.items() if unchanged(k)} == {
        k: v for k, v in before.items() if unchanged(k) and k != (kpi, "0123", 2023, "T")
    }
    # Kolada's group value changed with its member 0114: (99,5 + 6 × 24) / 7 members
    assert after[(kpi, "G196055", 2024, "T")] == round((99.5 + 6 * 24) / 7, 6) == 34.785714

    # a full reload on demand asks without from_date and gets the same table back
    fake.data_calls.clear()
    full = run(live(fake_server, monkeypatch, FOU_KOLADA_FULL_RELOAD="1"))
    assert full.incremental_kpis == {} and not any(c.query.get("from_date") for c in fake.data_calls)
    assert values(s) == after


def test_a_relative_next_url_keeps_the_from_date(fake_server, monkeypatch, settings):
    fake = FakeKolada(fake_server, next_url="relative", per_page=10)
    c = kolada_client.KoladaClient(live(fake_server, monkeypatch))
    kpi = Settings().kpis.ids[0]
    fake.changes = {(kpi, f"01{i:02d}", 2024, "T"): float(i) for i in range(14, 39)}
    pages = c.data([kpi], [f"01{i:02d}" for i in range(14, 39)], [2024], from_date="2026-11-01")
    assert len(pages) == 3 and sum(len(p.json()["values"]) for p in pages) == 25
    assert [call.query["from_date"] for call in fake.data_calls] == [["2026-11-01"]] * 3


def test_the_copy_never_replaces_live_values_and_generated_never_replaces_the_copy(fake_server, monkeypatch, settings):
    """Trust order live > kolada-copy > generated: a snapshot run after a live one keeps every
    live value (N31807's copy included); on a fresh database the snapshot loads the copy of
    N31807 (not generated) and the generated rest."""
    FakeKolada(fake_server)
    s = live(fake_server, monkeypatch)
    run(s)
    monkeypatch.setenv("FOU_SOURCE_MODE", "snapshot")
    after = run(Settings())
    assert after.kept_real_kpis == sorted(s.kpis.ids) and after.kpis_loaded == 0
    with duckdb.connect(str(s.work_db), read_only=True) as con:
        modes = con.execute("select distinct source_mode from raw.kolada_values").fetchall()
    assert modes == [("live",)]

    monkeypatch.setenv("FOU_DATA_DIR", str(s.data_dir.parent / "fresh"))
    fresh = Settings()
    first = run(fresh)
    assert first.kept_real_kpis == [] and first.kpis_loaded == 33
    with duckdb.connect(str(fresh.work_db), read_only=True) as con:
        got = dict(con.execute("select kpi, list(distinct source_mode) from raw.kolada_values group by kpi").fetchall())
        generated = con.execute("select bool_or(is_generated) from raw.kolada_values where kpi = 'N31807'").fetchone()
    assert got.pop("N31807") == ["kolada-copy"] and generated == (False,)
    assert set(map(tuple, got.values())) == {("generated",)}
