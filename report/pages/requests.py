"""Förfrågningar: the year's requests against the year before, per decision and origin
(marts.fct_request_totals). A year with only a total has no split: "uppgift saknas", no bar."""

from __future__ import annotations

from dataclasses import dataclass

from report import fmt
from report.base import Meeting, newest
from report.blocks import Bars, Page, Table, missing_bars_notice, unknown_or

DECISIONS = [("n_yes", "Ja"), ("n_no", "Nej"), ("n_pending", "Vilande / under hantering")]


@dataclass
class RequestYear:
    year: int
    total: int
    decisions: dict[str, int | None]  # label → count; None: the split is unknown
    members: int | None
    external: int | None


@dataclass
class Requests:
    this: RequestYear
    last: RequestYear | None


def _year(t: dict | None) -> RequestYear | None:
    if t is None:
        return None
    known = t["n_decision_unknown"] < t["n_requests"]
    origin = t["n_origin_unknown"] < t["n_requests"]
    return RequestYear(
        t["year"],
        t["n_requests"],
        {label: (t[k] if known else None) for k, label in DECISIONS},
        t["n_from_region_members"] if origin else None,
        t["n_external"] if origin else None,
    )


def query(mt: Meeting) -> Requests | None:
    if not mt.m.has("marts.fct_request_totals"):
        return None
    shown = newest(mt.m, "marts.fct_request_totals", mt.year)
    if shown is None:
        return None
    totals = {
        r["year"]: r
        for r in mt.m.rows("select * from marts.fct_request_totals where year in (?, ?)", [shown, shown - 1])
    }
    return Requests(_year(totals[shown]), _year(totals.get(shown - 1)))


def build(mt: Meeting) -> list[Page]:
    r = query(mt)
    if r is None:
        return []
    this, last = r.this, r.last
    years = [t for t in (last, this) if t]
    period = f"Avser {this.year}" + (f", jämfört med {last.year}" if last else "")
    rows = [["Totalt", *(fmt.number(t.total) for t in years)]]
    rows += [[label, *(unknown_or(t.decisions[label]) for t in years)] for label in this.decisions]
    rows.append(["Från ägarkommunerna", *(unknown_or(t.members) for t in years)])
    rows.append(["Från andra", *(unknown_or(t.external) for t in years)])
    chart = Bars(
        ["Totalt", *this.decisions],
        {str(t.year): [t.total, *t.decisions.values()] for t in years},
        "Förfrågningar per beslut",
        "left",
        height_cm=11,
    )
    blocks = [chart, Table(["", *(str(t.year) for t in years)], rows, "requests", "right", 14)]
    notice = missing_bars_notice(chart)
    if notice:
        blocks.insert(1, notice)
    return [Page("forfragningar", f"Förfrågningar {this.year}", period, chapter=True, blocks=blocks)]
