"""The real SCB client against a local HTTP server: limits, splitting, retries, BOM, modes."""

import json
import logging
import math
import time

import pytest

from ingestion.errors import SourceError, SourceUnreachable
from ingestion.http import CallRateLimiter
from ingestion.scb import client as scb_client
from ingestion.scb import extract as scb_extract
from ingestion.settings import Settings
from tests.support.fake_scb import FakeScb
from tests.support.fakeserver import Reply


@pytest.fixture
def live(settings, fake_server, monkeypatch):
    monkeypatch.setenv("FOU_SCB_BASE_URL", fake_server.url)
    monkeypatch.setenv("FOU_SOURCE_MODE", "live")
    return Settings()


def landed_bodies(paths):
    return [json.loads(p.read_bytes().decode("utf-8-sig")) for p in paths]


def test_split_selection_stays_under_the_limit_and_covers_everything():
    selection = {
        "Region": list("abcdefghij"),
        "Alder": [str(a) for a in range(102)],
        "Kon": ["1", "2"],
        "Tid": ["1", "2", "3"],
    }
    parts = scb_client.split_selection(selection, 5000)
    assert all(scb_client.cell_count(p) <= 5000 for p in parts)
    covered = sorted(
        (r, a, k, t) for p in parts for r in p["Region"] for a in p["Alder"] for k in p["Kon"] for t in p["Tid"]
    )
    assert covered == sorted(
        (r, a, k, t)
        for r in selection["Region"]
        for a in selection["Alder"]
        for k in selection["Kon"]
        for t in selection["Tid"]
    )
    assert len(parts) <= math.ceil(scb_client.cell_count(selection) / 5000) + 1


def test_live_extract_reads_limits_splits_and_lands_every_answer(live, fake_server):
    fake = FakeScb(fake_server, max_cells=5000)
    landed = scb_extract.extract_population(live)
    config_calls = fake_server.calls_to("/config")
    assert len(config_calls) == 1
    selections = fake.data_calls()
    cells = [math.prod(len(s["valueCodes"]) for s in sel) for sel in selections]
    assert max(cells) <= 5000
    # TAB638: 10 regions × 4 civil statuses × 102 ages × 2 sexes × 3 years; TAB5557: 10 × 1 × 102 × 3 × 1;
    # TAB6471: 10 regions × (101 single ages + 11 ten-year groups + total) × 3 sexes × 2 months
    assert sum(cells) == 10 * 4 * 102 * 2 * 3 + 10 * 1 * 102 * 3 * 1 + 10 * 113 * 3 * 2
    assert len(selections) <= math.ceil(24480 / 5000) + 1 + math.ceil(3060 / 5000) + math.ceil(6780 / 5000) + 1
    # every answer landed unchanged with URL, query, fetch time and SHA-256
    metas = [json.loads(p.with_suffix(".meta.json").read_text(encoding="utf-8")) for p in landed]
    assert sum(m["kind"] == "data" for m in metas) == len(selections)
    for path, meta in zip(landed, metas):
        import hashlib

        assert hashlib.sha256(path.read_bytes()).hexdigest() == meta["sha256"] == path.stem
        assert meta["url"].startswith(fake_server.url) and meta["fetched_at"] and meta["source_mode"] == "live"
    posted = [m for m in metas if m["kind"] == "data"][0]["query"]["body"]["selection"]
    assert {s["variableCode"] for s in posted} == {"Region", "Civilstand", "Alder", "Kon", "ContentsCode", "Tid"}


def test_tab5557_asks_for_published_totals_not_sums(live, fake_server):
    fake = FakeScb(fake_server)
    scb_extract.extract_population(live)
    tab5557 = [
        dict((s["variableCode"], s["valueCodes"]) for s in sel)
        for sel in fake.data_calls()
        if dict((s["variableCode"], s["valueCodes"]) for s in sel)["ContentsCode"] == ["000007ME"]
    ]
    assert tab5557 and all(
        sel["Civilstand"] == ["SC"] and "TotSA" in sel["Alder"] and "TotSa" in sel["Kon"] for sel in tab5557
    )


def test_429_with_retry_after_then_success(live, fake_server):
    fake = FakeScb(fake_server)
    fake.faults = [Reply(429, {"error": "too many"}, headers={"Retry-After": "1"})]
    started = time.monotonic()
    landed = scb_extract.extract_population(live)
    posts = [c for c in fake_server.calls if c.method == "POST"]
    assert posts[1].at - posts[0].at >= 0.95  # waited as Retry-After said
    assert time.monotonic() - started < 30
    assert len(landed) == 9  # 3 tables × (/tables/{id}, metadata, one data answer); the 429 was not landed


def test_500_and_503_are_retried_then_fail_clearly(live, fake_server, monkeypatch):
    fake = FakeScb(fake_server)
    fake.faults = [Reply(500, "boom"), Reply(503, "busy")]
    assert len(scb_extract.extract_population(live)) == 9
    fake.faults = [Reply(503, "busy")] * 20
    monkeypatch.setenv("FOU_HTTP_RETRIES", "2")
    with pytest.raises(SourceError, match=r"scb: POST .*/tables/TAB638/data"):
        scb_extract.extract_population(Settings())


def test_utf8_bom_is_tolerated(live, fake_server):
    fake = FakeScb(fake_server)
    fake.bom = True
    landed = scb_extract.extract_population(live)
    meta_bodies = [p for p in landed if json.loads(p.with_suffix(".meta.json").read_text())["kind"] == "metadata"]
    assert meta_bodies[0].read_bytes().startswith(b"\xef\xbb\xbf")  # kept unchanged on landing


def test_rate_limiter_never_exceeds_calls_per_window():
    limiter = CallRateLimiter(max_calls=3, window_s=0.3)
    starts = []
    for _ in range(8):
        limiter.wait()
        starts.append(time.monotonic())
    for i, t in enumerate(starts):
        assert sum(1 for u in starts[i:] if u - t < 0.3) <= 3


def test_auto_mode_falls_back_to_snapshot_loudly(settings, monkeypatch, caplog):
    monkeypatch.setenv("FOU_SCB_BASE_URL", "http://127.0.0.1:9")  # nothing listens on the discard port
    monkeypatch.setenv("FOU_SOURCE_MODE", "auto")
    monkeypatch.setenv("FOU_HTTP_RETRIES", "0")
    with caplog.at_level(logging.WARNING):
        landed = scb_extract.extract_population(Settings())
    assert "SCB IS UNREACHABLE, USING THE BUNDLED SNAPSHOT" in caplog.text
    modes = {json.loads(p.with_suffix(".meta.json").read_text())["source_mode"] for p in landed}
    assert modes == {"snapshot", "snapshot-rebuilt"}


def test_live_mode_does_not_fall_back(settings, monkeypatch):
    monkeypatch.setenv("FOU_SCB_BASE_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("FOU_SOURCE_MODE", "live")
    monkeypatch.setenv("FOU_HTTP_RETRIES", "0")
    with pytest.raises(SourceUnreachable, match="scb: GET http://127.0.0.1:9/config"):
        scb_extract.extract_population(Settings())


def test_changed_schema_is_a_clear_error(live, fake_server):
    fake = FakeScb(fake_server)
    fake.metadata["TAB638"]["id"] = [d for d in fake.metadata["TAB638"]["id"] if d != "Kon"]
    with pytest.raises(SourceError, match=r"TAB638 metadata lacks dimensions \['Kon'\]"):
        scb_extract.extract_population(live)


def test_unknown_contents_code_is_a_clear_error(live, fake_server):
    fake = FakeScb(fake_server)
    fake.metadata["TAB638"]["dimension"]["ContentsCode"]["category"]["index"] = {"BE0101N9": 0}
    with pytest.raises(SourceError, match="TAB638 has no contents code BE0101N1"):
        scb_extract.extract_population(live)
