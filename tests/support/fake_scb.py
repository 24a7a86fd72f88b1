"""A stand-in for SCB's PxWebApi v2 behind the fake server: real table metadata (trimmed to
a few years), answers built for whatever selection is POSTed, and injectable faults."""

from __future__ import annotations

import itertools
import json
from dataclasses import replace

from ingestion.settings import SNAPSHOT_DIR
from tests.support.fakeserver import Call, FakeServer, Reply


def real_metadata(table: str, years: list[str]) -> dict:
    body = json.loads((SNAPSHOT_DIR / f"scb/{table}/metadata.json").read_text(encoding="utf-8"))["response"]
    body["dimension"]["Tid"]["category"] = {
        "index": {y: i for i, y in enumerate(years)},
        "label": {y: y for y in years},
    }
    body["size"][body["id"].index("Tid")] = len(years)
    return body


def cell_value(codes: dict[str, str]) -> int:
    """A deterministic population for one cell, so tests can recompute any sum."""
    age = codes.get("Alder", "0")
    age_n = 200 if not age[:1].isdigit() else int(age.rstrip("+1") or 100) if "+" in age else int(age)
    return (
        10 + int(codes["Region"][-2:]) + age_n % 50 + int(codes["Tid"]) % 7 + {"1": 1, "2": 2}.get(codes.get("Kon"), 3)
    )


def answer(metadata: dict, selection: list[dict]) -> dict:
    chosen = {s["variableCode"]: s["valueCodes"] for s in selection}
    dims = [d for d in metadata["id"] if d in chosen]
    values = [cell_value(dict(zip(dims, combo))) for combo in itertools.product(*(chosen[d] for d in dims))]
    return {
        "version": "2.0",
        "class": "dataset",
        "id": dims,
        "size": [len(chosen[d]) for d in dims],
        "dimension": {d: {"category": {"index": {c: i for i, c in enumerate(chosen[d])}}} for d in dims},
        "value": values,
    }


class FakeScb:
    def __init__(
        self,
        server: FakeServer,
        max_cells: int = 150_000,
        max_calls: int = 30,
        window_s: int = 10,
        years638=("2015", "2016", "2017"),
        years5557=("2025",),
    ):
        self.server = server
        self.metadata = {
            "TAB638": real_metadata("TAB638", list(years638)),
            "TAB5557": real_metadata("TAB5557", list(years5557)),
        }
        self.faults: list[Reply] = []  # served (in order) before normal data answers; body None = the real one
        self.bom = False
        self.mutate = None  # body -> body: turns normal data answers into contradicting ones
        server.route(
            "GET",
            "/config",
            Reply(
                200,
                {
                    "apiVersion": "2.0.0",
                    "maxDataCells": max_cells,
                    "maxCallsPerTimeWindow": max_calls,
                    "timeWindow": window_s,
                },
            ),
        )
        for table in self.metadata:
            server.route("GET", f"/tables/{table}/metadata", self._metadata(table))
            server.route("POST", f"/tables/{table}/data", self._data(table))

    def _metadata(self, table):
        def handle(call: Call) -> Reply:
            body = json.dumps(self.metadata[table], ensure_ascii=False).encode("utf-8")
            return Reply(200, (b"\xef\xbb\xbf" if self.bom else b"") + body)

        return handle

    def _data(self, table):
        def handle(call: Call) -> Reply:
            real = answer(self.metadata[table], json.loads(call.body)["selection"])
            if self.faults:  # a fault without a body carries the real answer (cut mid-answer)
                fault = self.faults.pop(0)
                return replace(fault, body=real) if fault.body is None else fault
            return Reply(200, self.mutate(real) if self.mutate else real)

        return handle

    def data_calls(self):
        return [json.loads(c.body)["selection"] for c in self.server.calls if c.method == "POST"]
