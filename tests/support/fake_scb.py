"""A stand-in for SCB's PxWebApi v2 behind the fake server, answering as its OpenAPI contract
(PxAPI-2.yml) says: real table metadata (trimmed to a few periods), /tables/{id}, /config,
answers built for whatever selection is POSTed, and problem+json errors (400 unknown value
code, 403 too many cells, 404 unknown table, 429 too many calls). Every exchange is recorded
so that tests/test_scb_contract.py can hold each request and answer against the spec."""

from __future__ import annotations

import itertools
import json
from dataclasses import replace

from ingestion.settings import SNAPSHOT_DIR
from tests.support.fakeserver import Call, FakeServer, Reply

PROBLEM = {"Content-Type": "application/problem+json; charset=utf-8"}
TIME_UNIT = {"TAB638": "Annual", "TAB5557": "Annual", "TAB6471": "Monthly"}


def real_metadata(table: str, periods: list[str]) -> dict:
    body = json.loads((SNAPSHOT_DIR / f"scb/{table}/metadata.json").read_text(encoding="utf-8"))["response"]
    body["dimension"]["Tid"]["category"] = {
        "index": {y: i for i, y in enumerate(periods)},
        "label": {y: y for y in periods},
    }
    body["size"][body["id"].index("Tid")] = len(periods)
    return body


def _age_n(age: str) -> int:
    if not age[:1].isdigit():
        return 200
    if "-" in age:  # a 10-year group such as 20-29: its first age
        return int(age.split("-")[0])
    return 100 if "+" in age else int(age)


def cell_value(codes: dict[str, str]) -> int:
    """A deterministic population for one cell, so tests can recompute any sum. A month
    (2026M03) counts as its year plus the month number."""
    tid = codes["Tid"]
    period = int(tid[:4]) + (int(tid[5:]) if "M" in tid else 0)
    return (
        10
        + int(codes["Region"][-2:])
        + _age_n(codes.get("Alder", "0")) % 50
        + period % 7
        + {"1": 1, "2": 2}.get(codes.get("Kon"), 3)
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


def problem(status: int, title: str, detail: str, headers: dict | None = None) -> Reply:
    """An error answer as the spec's ErrorResponse4xx: application/problem+json (RFC 7807)."""
    return Reply(status, {"title": title, "status": status, "detail": detail}, headers={**PROBLEM, **(headers or {})})


def too_many_calls(retry_after_s: int = 1) -> Reply:
    return problem(
        429,
        "Too many requests",
        "You have reach the threshold for request limiting.",
        {"Retry-After": str(retry_after_s)},
    )


class FakeScb:
    def __init__(
        self,
        server: FakeServer,
        max_cells: int = 150_000,
        max_calls: int = 30,
        window_s: int = 10,
        years638=("2015", "2016", "2017"),
        years5557=("2025",),
        months6471=("2026M01", "2026M02"),
        enforce_cells: int | None = None,
    ):
        self.server = server
        self.metadata = {
            "TAB638": real_metadata("TAB638", list(years638)),
            "TAB5557": real_metadata("TAB5557", list(years5557)),
            "TAB6471": real_metadata("TAB6471", list(months6471)),
        }
        self.discontinued = {"TAB638": True}  # SCB ended TAB638 with 2024; TAB5557 continues it
        self.enforce_cells = enforce_cells or max_cells  # what the server really allows per call
        self.faults: list[Reply] = []  # served (in order) before normal data answers; body None = the real one
        self.bom = False
        self.mutate = None  # body -> body: turns normal data answers into contradicting ones
        self.headers: dict = {}  # sent with every answer (x-ratelimit-* tests)
        self.exchanges: list[tuple[Call, Reply]] = []  # every request and the answer given
        self.config = {
            "apiVersion": "2.0.0",
            "appVersion": "2.0.0",
            "languages": [{"id": "sv", "label": "Svenska"}, {"id": "en", "label": "English"}],
            "defaultLanguage": "sv",
            "maxDataCells": max_cells,
            "maxCallsPerTimeWindow": max_calls,
            "timeWindow": window_s,
            "license": "CC0",
            "defaultDataFormat": "px",
            "dataFormats": ["px", "json-stat2", "csv", "xlsx", "html", "json-px", "parquet"],
        }
        self._route("GET", "/config", lambda call: Reply(200, self.config))
        for table in self.metadata:
            self._route("GET", f"/tables/{table}", self._table(table))
            self._route("GET", f"/tables/{table}/metadata", self._metadata(table))
            self._route("POST", f"/tables/{table}/data", self._data(table))
        for method in ("GET", "POST"):
            server.route_prefix(
                method,
                "/",
                self._recorded(
                    lambda call: problem(
                        404,
                        "Not Found",
                        f"Node with id, {call.path.split('/')[2] if call.path.count('/') > 1 else call.path}"
                        " can not be found",
                    )
                ),
            )

    def _recorded(self, handler):
        def handle(call: Call) -> Reply:
            reply = handler(call)
            reply = replace(reply, headers={**self.headers, **reply.headers})
            self.exchanges.append((call, reply))
            return reply

        return handle

    def _route(self, method: str, path: str, handler) -> None:
        self.server.route(method, path, self._recorded(handler))

    def _table(self, table):
        def handle(call: Call) -> Reply:
            meta = self.metadata[table]
            periods = list(meta["dimension"]["Tid"]["category"]["index"])
            return Reply(
                200,
                {
                    "language": "sv",
                    "id": table,
                    "label": meta["label"],
                    "description": "",
                    "updated": meta["updated"],
                    "firstPeriod": periods[0],
                    "lastPeriod": periods[-1],
                    "variableNames": [meta["dimension"][d].get("label", d) for d in meta["id"]],
                    "discontinued": self.discontinued.get(table, False),
                    "source": "SCB",
                    "subjectCode": "BE",
                    "timeUnit": TIME_UNIT[table],
                    "links": [{"rel": "self", "hreflang": "sv", "href": f"{self.server.url}/tables/{table}?lang=sv"}],
                },
            )

        return handle

    def _metadata(self, table):
        def handle(call: Call) -> Reply:
            body = json.dumps(self.metadata[table], ensure_ascii=False).encode("utf-8")
            return Reply(200, (b"\xef\xbb\xbf" if self.bom else b"") + body)

        return handle

    def _data(self, table):
        def handle(call: Call) -> Reply:
            selection = json.loads(call.body)["selection"]
            error = self._refused(table, selection)
            if error:
                return error
            real = answer(self.metadata[table], selection)
            if self.faults:  # a fault without a body carries the real answer (cut mid-answer)
                fault = self.faults.pop(0)
                return replace(fault, body=real) if fault.body is None else fault
            return Reply(200, self.mutate(real) if self.mutate else real)

        return handle

    def _refused(self, table: str, selection: list[dict]) -> Reply | None:
        """What SCB refuses: a value code the table does not have (400), too many cells (403)."""
        meta = self.metadata[table]
        cells = 1
        for s in selection:
            dim = meta["dimension"].get(s["variableCode"])
            if dim is None:
                return problem(400, "Bad Request", f"Variable {s['variableCode']} does not exist")
            unknown = [c for c in s["valueCodes"] if c not in dim["category"]["index"]]
            if unknown:
                detail = f"Value, {unknown[0]} is not a valid value code for variable {s['variableCode']}"
                return problem(400, "Bad Request", detail)
            cells *= len(s["valueCodes"])
        if cells > self.enforce_cells:
            return problem(403, "Forbidden", "The query resulted in cell that exceeds the number of allowed.")
        return None

    def data_calls(self, table: str | None = None):
        return [
            json.loads(c.body)["selection"]
            for c in self.server.calls
            if c.method == "POST" and (table is None or c.path == f"/tables/{table}/data")
        ]
