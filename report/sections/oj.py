"""Öppna jämförelser: the chosen indicators, the eight against county and nation, with trends."""

from __future__ import annotations

from pathlib import Path

import yaml

from report import fmt
from report.base import Marts, Section, not_yet, region, swedish_key

INDICATORS = Path(__file__).resolve().parent.parent / "indicators.yml"


def selected_kpis() -> list[str]:
    return yaml.safe_load(INDICATORS.read_text(encoding="utf-8"))["indicators"]


# a column and a line per member reads up to about a dozen municipalities; a county-wide or
# national region (290 members: a 9,5 MB HTML and minutes of PDF layout) gets the region's
# median, the county and the nation, and its members' figures stay in the marts
MAX_MEMBERS_SHOWN = 12


def oj_section(m: Marts, year: int, years_back: int = 4) -> Section:
    r = region(m)
    if not m.has("marts.fct_oj_results", "marts.dim_kpi"):
        return not_yet("marts.fct_oj_results")
    wanted = selected_kpis()
    kpis = {
        k["kpi_id"]: k
        for k in m.rows(
            "select kpi_id, kpi_title, area, direction, unit from marts.dim_kpi where kpi_id in (select unnest(?))",
            [wanted],
        )
    }
    first = year - years_back
    years = list(range(first, year + 1))
    out = []
    for kpi_id in wanted:
        if kpi_id not in kpis:
            continue
        kpi = kpis[kpi_id]
        cells = m.rows(
            """select municipality_name, year, value, quartile, quartile_colour, rank_in_region, region_median,
                      county_value, nation_value, is_generated, value_provenance, region_reporting_count,
                      similar_group_mean
               from marts.fct_oj_results
               where kpi_id = ? and sex = 'T' and is_region_member and year between ? and ?""",
            [kpi_id, first, year],
        )
        if not cells:
            continue
        by_mun: dict[str, dict[int, dict]] = {}
        refs: dict[int, dict] = {}
        for c in cells:
            by_mun.setdefault(c["municipality_name"], {})[c["year"]] = c
            refs[c["year"]] = c
        members = []
        for name in sorted(by_mun, key=swedish_key) if len(by_mun) <= MAX_MEMBERS_SHOWN else []:
            members.append(
                dict(
                    name=name,
                    cells=[by_mun[name].get(y) for y in years],
                    rank=(by_mun[name].get(year) or {}).get("rank_in_region"),
                )
            )
        reference_rows = [
            (f"{r.short} (median)", [refs.get(y, {}).get("region_median") for y in years]),
            (r.county, [refs.get(y, {}).get("county_value") for y in years]),
            ("Riket", [refs.get(y, {}).get("nation_value") for y in years]),
        ]
        out.append(
            dict(
                **kpi,
                # one precision per indicator, the finest Kolada gives any of its values (the
                # nation's 114,2 days next to a municipality's 136 gives 136,0; the region's
                # median is ours and does not count), so a column never mixes 114 and 114,1
                decimals=fmt.decimals_of([c[k] for c in cells for k in ("value", "county_value", "nation_value")]),
                generated=any(c["is_generated"] for c in cells),
                members=members,
                references=reference_rows,
                better={"higher": "högre är bättre", "lower": "lägre är bättre"}.get(
                    kpi["direction"], "ingen riktning"
                ),
            )
        )
    return Section(
        available=bool(out),
        missing="" if out else "Inga av de valda indikatorerna har värden.",
        data=dict(years=years, kpis=out),
    )
