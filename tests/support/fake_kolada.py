"""Kolada's v3 API on the fake server: the metadata lists from the bundled snapshot, and a data
answer for every asked KPI × place × year (value = year − 2000), paged like Kolada (per_page,
next_url). Used by tests/test_kolada_client.py and benchmarks/requests_bench.py."""

from __future__ import annotations

import json
from collections.abc import Callable
from itertools import product

from ingestion.kolada import client as kolada_client
from ingestion.kolada import extract as kolada_extract
from tests.support.fakeserver import Call, FakeServer, Reply


def segments(call: Call) -> dict[str, list[str]]:
    """/v3/data/kpi/A,B/municipality/X/year/2024 → {kpi: [A, B], municipality: [X], year: [2024]}"""
    parts = call.path.split("/")[3:]
    return {parts[i]: parts[i + 1].split(",") for i in range(0, len(parts), 2)}


class FakeKolada:
    """Routes /v3/<metadata> and every /v3/data/... on `server`. `data_calls` lists the data
    calls; `fail(call)` may return a Reply (an error) instead of the data answer."""

    def __init__(self, server: FakeServer, per_page: int = 5000, fail: Callable[[Call], Reply | None] | None = None):
        self.server, self.per_page, self.fail = server, per_page, fail
        self.data_calls: list[Call] = []
        for entity in kolada_client.METADATA:
            body = json.loads((kolada_extract.SNAPSHOT / f"{entity}.json").read_text(encoding="utf-8"))["response"]
            server.route("GET", f"/v3/{entity}", Reply(200, body))
        server.route_prefix("GET", "/v3/data/", self.data)

    def data(self, call: Call) -> Reply:
        self.data_calls.append(call)
        if self.fail and (error := self.fail(call)):
            return error
        seg = segments(call)
        values = [
            {
                "kpi": k,
                "municipality": m,
                "period": int(y),
                "values": [{"gender": "T", "count": 1, "status": "", "value": int(y) - 2000}],
            }
            for k, m, y in product(seg["kpi"], seg["municipality"], seg["year"])
        ]
        page = int((call.query.get("page") or ["1"])[0])
        chunk = values[(page - 1) * self.per_page : page * self.per_page]
        more = page * self.per_page < len(values)
        nxt = f"{self.server.url}{call.path}?page={page + 1}&per_page={self.per_page}" if more else None
        return Reply(200, {"count": len(chunk), "values": chunk, "next_url": nxt, "previous_url": None})
