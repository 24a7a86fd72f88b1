"""`fou check-live` (issue 25 item 6) against the local stand-ins serving the real answers: the
Kolada fake answers N31807 with the bundled copy's values and the SCB fake answers TAB638 with
the bundled real population; reached and equal gives exit code 0, a value that differs or a
source that cannot be reached gives 1 and says which."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from ingestion import check_live
from ingestion.cli import app
from tests.support.fake_kolada import FakeKolada
from tests.support.fake_scb import FakeScb


@pytest.fixture
def sources(fake_server, monkeypatch, settings):
    monkeypatch.setenv("FOU_KOLADA_BASE_URL", f"{fake_server.url}/v3")
    monkeypatch.setenv("FOU_SCB_BASE_URL", fake_server.url)
    monkeypatch.setenv("FOU_HTTP_RETRIES", "1")
    monkeypatch.setenv("FOU_HTTP_BACKOFF_S", "0")
    year, kolada = check_live.bundled_kolada(settings)
    selection, population = check_live.bundled_scb()
    served = {"kolada": dict(kolada)}
    fake_kolada = FakeKolada(
        fake_server, value=lambda kpi, place, y: served["kolada"].get(place) if y == year else None
    )
    scb = FakeScb(fake_server, years638=(max(selection["Tid"]),))
    member = sorted(settings.members)[0]
    served["scb"] = population[(member, max(selection["Tid"]))]

    def real_population(body):
        body["value"] = [served["scb"]] * len(body["value"])
        return body

    scb.mutate = real_population
    return fake_kolada, scb, served, year, member


def test_reached_and_equal_exits_0(sources):
    fake, scb, served, year, member = sources
    result = CliRunner().invoke(app, ["check-live"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("kolada: reached") and "all 9 value(s) equal to the bundled ones" in lines[0]
    assert lines[1].startswith("scb: reached") and "all 1 value(s) equal" in lines[1]
    assert len(fake.data_calls) == 1 and f"/year/{year}" in fake.data_calls[0].path  # one small answer
    asked = [c for c, _ in scb.exchanges if c.method == "POST"]
    assert len(asked) == 1 and member in asked[0].body.decode()


def test_a_value_that_differs_is_named_and_exits_1(sources):
    _, _, served, year, member = sources
    served["kolada"]["0125"] = 2.2
    served["scb"] += 1
    result = CliRunner().invoke(app, ["check-live"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert "1 of 9 value(s) DIFFER" in lines[0] and f"0125 {year}: bundled 2.175718, Kolada 2.2" in lines[0]
    assert "1 of 1 value(s) DIFFER" in lines[1] and member in lines[1]


def test_a_source_that_cannot_be_reached_is_said_and_exits_1(sources, monkeypatch):
    monkeypatch.setenv("FOU_KOLADA_BASE_URL", "http://127.0.0.1:9/v3")  # nothing listens on port 9
    result = CliRunner().invoke(app, ["check-live"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("kolada: NOT reached") and "could not be reached" in lines[0]
    assert lines[1].startswith("scb: reached")
