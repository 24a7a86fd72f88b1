"""Kolada's v3 API on the fake server, answering with the shapes of the real answers
(reference-data/kolada/, fixtures/ a real N21704 answer):

- metadata from the bundled snapshot: /v3/kpi, /v3/kpi/{ids}, /v3/municipality,
  /v3/municipality_groups, ?title= (case-insensitive substring) and /v3/municipality_groups/{ids};
- data objects {values: [{gender, count, status, value, isdeleted}], kpi, period, municipality}
  with `isdeleted` always present, T/K/M in an order that varies per object (K and M only for
  a KPI divided by gender), `status` "" and `period` an integer;
- a G id in the municipality segment answers Kolada's group value: the unweighted mean of the
  members with a value, `count` = how many;
- paging by per_page with `count` and `next_url`, absolute (default) or relative ("?page=2",
  which on purpose leaves out from_date: the client must carry it over);
- `from_date`: only the values in `changes` ({(kpi, place, year, gender): value or DELETED}),
  each with isdeleted; without from_date the changes are simply part of the values;
- `statuses` ({(kpi, place, year, gender): status}): that cell answers Kolada's status ("-"
  bortfall, "." ej tillämpligt, ".." sekretess) with `value` null, and a group's mean leaves it out.

value(kpi, place, year) = year − 2000 for T unless given (K = T + 0.5, M = T − 0.5); `fail(call)`
may answer an error instead; `empty` KPIs have no values at all. Used by tests/test_kolada_*.py
and benchmarks/requests_bench.py."""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from itertools import product
from statistics import fmean
from urllib.parse import urlencode

from ingestion.kolada import client as kolada_client
from ingestion.kolada import extract as kolada_extract
from tests.support.fakeserver import Call, FakeServer, Reply

DELETED = object()
GENDERS = ("T", "K", "M")


def segments(call: Call) -> dict[str, list[str]]:
    """/v3/data/kpi/A,B/municipality/X/year/2024 → {kpi: [A, B], municipality: [X], year: [2024]}"""
    parts = call.path.split("/")[3:]
    return {parts[i]: parts[i + 1].split(",") for i in range(0, len(parts), 2)}


def snapshot_body(entity: str) -> dict:
    return json.loads((kolada_extract.SNAPSHOT / f"{entity}.json").read_text(encoding="utf-8"))["response"]


class FakeKolada:
    """Routes /v3/<metadata> and every /v3/data/... on `server`; `data_calls` lists the data
    calls, `metadata_calls` the others."""

    def __init__(
        self,
        server: FakeServer,
        per_page: int = 5000,
        fail: Callable[[Call], Reply | None] | None = None,
        value: Callable[[str, str, int], object] | None = None,
        next_url: str = "absolute",
        changes: dict | None = None,
        empty: set[str] | frozenset = frozenset(),
        statuses: dict | None = None,
    ):
        self.server, self.per_page, self.fail, self.style = server, per_page, fail, next_url
        self.value = value or (lambda kpi, place, year: year - 2000)
        self.changes, self.empty = changes or {}, set(empty)
        self.statuses = statuses or {}
        self.data_calls: list[Call] = []
        self.metadata_calls: list[Call] = []
        self.meta = {e: snapshot_body(e)["values"] for e in kolada_client.METADATA}
        self.groups = {
            g["id"]: [m["member_id"] for m in g.get("members") or []] for g in self.meta["municipality_groups"]
        }
        self.by_gender = {k["id"]: bool(k.get("is_divided_by_gender")) for k in self.meta["kpi"]}
        for entity in kolada_client.METADATA:
            server.route_prefix("GET", f"/v3/{entity}", self.metadata)
        server.route_prefix("GET", "/v3/data/", self.data)

    def metadata(self, call: Call) -> Reply:
        self.metadata_calls.append(call)
        entity, _, ids = call.path.removeprefix("/v3/").partition("/")
        rows = self.meta[entity]
        if ids:
            wanted = ids.split(",")
            rows = [r for r in rows if r["id"] in wanted]
        if title := (call.query.get("title") or [""])[0]:
            rows = [r for r in rows if title.lower() in r["title"].lower()]
        return self.page(call, rows)

    def cell(self, kpi: str, place: str, year: int, gender: str):
        """The value the fake holds for one cell (changes applied), or DELETED/None."""
        if (kpi, place, year, gender) in self.statuses:
            return None
        if (kpi, place, year, gender) in self.changes:
            return self.changes[(kpi, place, year, gender)]
        base = self.value(kpi, place, year)
        if base is None or not isinstance(base, int | float) or gender == "T":
            return base
        return base + (0.5 if gender == "K" else -0.5)

    def point(self, kpi: str, place: str, year: int, gender: str) -> dict | None:
        """One entry of an object's `values`: a member's value, or a group's unweighted mean."""
        if place.startswith("G"):
            got = [
                v for m in self.groups.get(place, []) if isinstance(v := self.cell(kpi, m, year, gender), int | float)
            ]
            if not got:
                return None
            return {
                "gender": gender,
                "count": len(got),
                "status": "",
                "value": round(fmean(got), 6),
                "isdeleted": False,
            }
        v = self.cell(kpi, place, year, gender)
        if v is DELETED:
            return {"gender": gender, "count": 0, "status": "", "value": None, "isdeleted": True}
        status = self.statuses.get((kpi, place, year, gender), "")
        return {"gender": gender, "count": 1, "status": status, "value": v, "isdeleted": False}

    def data(self, call: Call) -> Reply:
        self.data_calls.append(call)
        if self.fail and (error := self.fail(call)):
            return error
        seg = segments(call)
        incremental = bool(call.query.get("from_date"))
        objects = []
        for k, m, y in product(seg["kpi"], seg["municipality"], seg["year"]):
            if k in self.empty:
                continue
            genders = GENDERS if self.by_gender.get(k) else ("T",)
            if incremental:
                within = set(self.groups.get(m, [])) | {m}  # a group's mean changes with its members
                changed = {g for (ck, cm, cy, g) in self.changes if ck == k and cm in within and cy == int(y)}
                genders = tuple(g for g in genders if g in changed)
            points = [p for g in genders if (p := self.point(k, m, int(y), g))]
            if not incremental:
                points = [p for p in points if not p["isdeleted"]]
            if points:  # the order of T/K/M varies per object, as in the real answers
                turn = zlib.crc32(f"{k}{m}{y}".encode()) % len(points)
                objects.append({"values": points[turn:] + points[:turn], "kpi": k, "period": int(y), "municipality": m})
        return self.page(call, objects)

    def page(self, call: Call, rows: list) -> Reply:
        page = int((call.query.get("page") or ["1"])[0])
        per_page = int((call.query.get("per_page") or [str(self.per_page)])[0])
        per_page = min(per_page, self.per_page)
        chunk = rows[(page - 1) * per_page : page * per_page]
        nxt = None
        if page * per_page < len(rows):
            rest = {k: v[0] for k, v in call.query.items() if k not in ("page", "per_page")}
            query = urlencode({"page": page + 1, "per_page": per_page, **rest})
            nxt = (
                f"?page={page + 1}&per_page={per_page}"
                if self.style == "relative"
                else f"{self.server.url}{call.path}?{query}"
            )
        return Reply(200, {"count": len(chunk), "values": chunk, "next_url": nxt, "previous_url": None})
