"""Personal: the newest staff list up to the meeting's year, FTE per role and funding
(marts.fct_staffing, marts.fct_staffing_per_year)."""

from __future__ import annotations

from dataclasses import dataclass

from report import fmt
from report.base import Meeting, newest
from report.blocks import Bars, Page, Table


@dataclass
class Staffing:
    year: int
    rows: list[dict]  # role, funding, fte
    ordinary_fte: float | None
    external_fte: float | None
    unspecified_fte: float | None
    total_fte: float | None


def query(mt: Meeting) -> Staffing | None:
    if not mt.m.has("marts.fct_staffing_per_year", "marts.fct_staffing"):
        return None
    shown = newest(mt.m, "marts.fct_staffing_per_year", mt.on.year)
    if shown is None:
        return None
    t = mt.m.rows("select * from marts.fct_staffing_per_year where year = ?", [shown])[0]
    rows = mt.m.rows(
        "select role, funding, fte from marts.fct_staffing where year = ? order by fte desc, role", [shown]
    )
    return Staffing(shown, rows, t["ordinary_fte"], t["external_fte"], t["unspecified_fte"], t["total_fte"])


def build(mt: Meeting) -> list[Page]:
    st = query(mt)
    if st is None:
        return []
    rows = [[r["role"].capitalize(), r["funding"], fmt.number(r["fte"], 2)] for r in st.rows]
    rows.append(["Totalt", "", fmt.number(st.total_fte, 2)])
    chart = Bars(
        ["Ordinarie", "Extern", "Ej angiven"],
        {"Årsarbetare": [st.ordinary_fte, st.external_fte, st.unspecified_fte]},
        "Årsarbetare per finansiering",
        "right",
        height_cm=10,
    )
    return [
        Page(
            "bemanning",
            f"Personal {st.year}",
            f"Avser {st.year} (senaste personallistan)",
            chapter=True,
            blocks=[Table(["Roll", "Finansiering", "Årsarbetare"], rows, "staffing", "left", 14), chart],
        )
    ]
