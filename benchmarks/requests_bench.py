"""HTTP calls a monthly live load makes, counted on local stand-ins for SCB and Kolada (the fake
server of tests/), against the floor and a naive client; and the calls-per-window check.

SCB: the real client (/config limits, metadata, POST data split at maxDataCells) against
tests/fake_scb.py with SCB's real limits (150 000 cells, 30 calls per 10 s) and the real
years 1968–2024 / 2025. Kolada: the real client against a fake v3 API (metadata from the
bundled snapshot, data answers for every asked KPI × place × year, paged at 5 000)."""

from __future__ import annotations

import json
import math
import os
import sys
from pathlib import Path

from tests.support.fake_kolada import FakeKolada
from tests.support.fake_scb import FakeScb
from tests.support.fakeserver import FakeServer

PROJECT_DIR = Path(__file__).resolve().parent.parent

WINDOW_S = 10.0
MAX_CALLS = 30


def max_in_window(times: list[float], window: float = WINDOW_S) -> int:
    """The most calls that started within any `window` seconds (sliding, from each call)."""
    times = sorted(times)
    best, j = 0, 0
    for i, t in enumerate(times):
        while times[j] <= t - window:
            j += 1
        best = max(best, i - j + 1)
    return best


def run(data_dir: Path, region_config: Path | None = None) -> dict:
    os.environ["FOU_DATA_DIR"] = str(data_dir)
    os.environ["FOU_SOURCE_MODE"] = "live"
    if region_config:
        os.environ["FOU_REGION_CONFIG"] = str(region_config)
    from ingestion.kolada import extract as kolada_extract
    from ingestion.scb import extract as scb_extract
    from ingestion.settings import Settings

    years638 = [str(y) for y in range(1968, 2025)]
    out: dict = {}
    with FakeServer() as server:
        FakeScb(server, years638=years638, years5557=("2025",), max_calls=MAX_CALLS, window_s=int(WINDOW_S))
        os.environ["FOU_SCB_BASE_URL"] = server.url
        settings = Settings()
        scb_extract.extract_population(settings)
        calls = server.calls
        data_calls = [json.loads(c.body)["selection"] for c in calls if c.method == "POST"]
        tables, periods = {}, {}
        for c in calls:
            if c.method == "POST":
                t = c.path.split("/")[2]
                tables.setdefault(t, {"calls": 0, "cells": 0})
                tables[t]["calls"] += 1
                sel = json.loads(c.body)["selection"]
                tables[t]["cells"] += math.prod(len(s["valueCodes"]) for s in sel)
                periods.setdefault(t, set()).update(*(s["valueCodes"] for s in sel if s["variableCode"] == "Tid"))
        n_regions = len(settings.members) + 2
        for v in tables.values():
            v["floor"] = math.ceil(v["cells"] / 150_000)
        out["scb"] = {
            "calls_total": len(calls),
            "data_calls": len(data_calls),
            "other_calls": len(calls) - len(data_calls),
            "tables": tables,
            "floor_data_calls": sum(v["floor"] for v in tables.values()),
            # a naive client: one call per region and period (all ages, sexes, statuses in it)
            "naive_data_calls": sum(n_regions * len(periods[t]) for t in tables),
            "max_calls_in_10s": max_in_window([c.at for c in calls]),
            "limit_calls_in_10s": MAX_CALLS,
            "seconds": round(max(c.at for c in calls) - min(c.at for c in calls), 1),
        }

    with FakeServer() as server:
        FakeKolada(server)
        os.environ["FOU_KOLADA_BASE_URL"] = f"{server.url}/v3"
        settings = Settings()
        kolada_extract.extract(settings)
        calls = server.calls
        data = [c for c in calls if c.path.startswith("/v3/data/")]
        cat = settings.kpis
        n_kpis = len(cat.kpis)
        from datetime import date

        n_years = date.today().year - cat.first_year + 1
        # the places the client asked for: municipalities, county, nation and the groups of
        # similar municipalities (/v3/data/kpi/<ids>/municipality/<ids>/year/<ids>)
        n_places = len({m for c in data for m in c.path.split("/municipality/")[1].split("/")[0].split(",")})
        values = n_kpis * n_places * n_years
        out["kolada"] = {
            "calls_total": len(calls),
            "data_calls": len(data),
            "metadata_calls": len(calls) - len(data),
            "kpis": n_kpis,
            "places": n_places,
            "years": n_years,
            "values_asked": values,
            # floor: 25 ids per segment for each of kpi, municipality, year, and 5 000 values a page
            "floor_data_calls": max(
                math.ceil(n_kpis / 25) * math.ceil(n_places / 25) * math.ceil(n_years / 25), math.ceil(values / 5000)
            ),
            "naive_data_calls": n_kpis * n_places * n_years,  # one KPI, one place, one year per call
            "naive_per_municipality_year": n_places * n_years,  # all KPIs (≤25 a call) per place and year
            "max_calls_in_10s": max_in_window([c.at for c in calls]),
        }
    return out


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        print(json.dumps(run(Path(d), Path(sys.argv[1]) if len(sys.argv) > 1 else None), indent=2))
