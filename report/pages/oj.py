"""Öppna jämförelser: the chosen indicators (report/indicators.yml), the members against
county and nation, per area, with a trend per indicator (marts.fct_oj_results, marts.dim_kpi).

The newest year with values up to the covered year is shown (the deck for 2027-02-25 shows
2025 when Kolada has nothing for 2026 yet, and says so). Kolada's status codes ("-", ".",
"..") are shown as Kolada shows them, with a legend; a member without a value has no colour.
Captions name the source as its terms ask, and what the warehouse computed itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from report import fmt
from report.base import Marts, Meeting, region, swedish_key
from report.blocks import (
    STATUS_LEGEND,
    Caption,
    Page,
    Table,
    Text,
    Trend,
    generated_notice,
    quartile_fill,
)

INDICATORS = Path(__file__).resolve().parent.parent / "indicators.yml"
YEARS_BACK = 4
COPY = "kolada-copy"


def selected_kpis() -> list[str]:
    return yaml.safe_load(INDICATORS.read_text(encoding="utf-8"))["indicators"]


@dataclass
class Cell:
    value: float | None
    status: str  # Kolada's status code of the value ("" for a normal value)
    quartile: int | None
    similar_group_mean: float | None
    provenance: str | None
    is_generated: bool


@dataclass
class Member:
    name: str
    cells: list[Cell | None]  # one per year


@dataclass
class Indicator:
    kpi_id: str
    kpi_title: str
    area: str
    unit: str | None
    decimals: int
    better: str
    members: list[Member]
    references: list[tuple[str, list]]  # (name, one value per year)
    generated: bool  # shown values generated (not official statistics)
    provenance: set[str] = field(default_factory=set)
    similar_computed: bool = True  # the similar-group means are ours, not Kolada's group value


@dataclass
class OJ:
    year: int  # the newest year with values, up to the covered year
    years: list[int]
    indicators: list[Indicator]


def newest_year(m: Marts, upto: int, kpis: list[str]) -> int | None:
    return m.one(
        "select max(year) from marts.fct_oj_results where year <= ? and value is not null "
        "and kpi_id in (select unnest(?))",
        [upto, kpis],
    )


def _cell(c: dict | None) -> Cell | None:
    if c is None:
        return None
    has = c["value"] is not None
    return Cell(
        c["value"],
        (c.get("status") or "").strip(),
        c["quartile"] if has else None,  # a member without a value is never coloured
        c["similar_group_mean"],
        c["value_provenance"],
        bool(c["is_generated"]) and has,
    )


def _indicator(m: Marts, kpi: dict, years: list[int], r) -> Indicator | None:
    cells = m.rows(
        """select * from marts.fct_oj_results
           where kpi_id = ? and sex = 'T' and is_region_member and year between ? and ?""",
        [kpi["kpi_id"], years[0], years[-1]],
    )
    if not cells:
        return None
    by_mun: dict[str, dict[int, dict]] = {}
    refs: dict[int, dict] = {}
    for c in cells:
        by_mun.setdefault(c["municipality_name"], {})[c["year"]] = c
        refs[c["year"]] = c
    names = sorted(by_mun, key=swedish_key) if len(by_mun) <= 12 else []
    last = [c for c in cells if c["year"] == years[-1] and c["value"] is not None]
    return Indicator(
        kpi["kpi_id"],
        kpi["kpi_title"],
        kpi["area"],
        kpi["unit"],
        # one precision per indicator, the finest Kolada gives any of its values (the region's
        # median is ours and does not count), so a column never mixes 114 and 114,1
        decimals=fmt.decimals_of([c[k] for c in cells for k in ("value", "county_value", "nation_value")]),
        better={"higher": "högre är bättre", "lower": "lägre är bättre"}.get(kpi["direction"], "ingen riktning"),
        members=[Member(n, [_cell(by_mun[n].get(y)) for y in years]) for n in names],
        references=[
            (f"{r.short} (median)", [refs.get(y, {}).get("region_median") for y in years]),
            (r.county, [refs.get(y, {}).get("county_value") for y in years]),
            ("Riket", [refs.get(y, {}).get("nation_value") for y in years]),
        ],
        generated=any(c["is_generated"] for c in last),
        provenance={c["value_provenance"] for c in last if c["value_provenance"]},
        similar_computed=_similar_computed(m, kpi["kpi_id"], years[-1]),
    )


def _similar_computed(m: Marts, kpi_id: str, year: int) -> bool:
    """Whether any similar-group mean shown was computed by us (marts.fct_oj_similar_comparison
    similar_mean_method); without that column, assume ours (never passed off as Kolada's)."""
    table = "marts.fct_oj_similar_comparison"
    if not m.has(table) or "similar_mean_method" not in m.columns(table):
        return True
    methods = m.rows(
        f"select distinct similar_mean_method as x from {table} where kpi_id = ? and year = ?", [kpi_id, year]
    )
    return not methods or any(r["x"] != "kolada" for r in methods)


def query(mt: Meeting) -> OJ | None:
    m = mt.m
    if not m.has("marts.fct_oj_results", "marts.dim_kpi"):
        return None
    wanted = selected_kpis()
    year = newest_year(m, mt.year, wanted)
    if year is None:
        return None
    kpis = {
        k["kpi_id"]: k
        for k in m.rows(
            "select kpi_id, kpi_title, area, direction, unit from marts.dim_kpi where kpi_id in (select unnest(?))",
            [wanted],
        )
    }
    years = list(range(year - YEARS_BACK, year + 1))
    found = [_indicator(m, kpis[k], years, region(m)) for k in wanted if k in kpis]
    found = [i for i in found if i is not None]
    return OJ(year, years, found) if found else None


def shown(cell: Cell | None, k: Indicator) -> str:
    """A value in its indicator's unit and precision; without one, Kolada's status code."""
    if cell is None or cell.value is None:
        return cell.status if cell is not None and cell.status in STATUS_LEGEND else fmt.DASH
    return fmt.value_in_unit(cell.value, k.unit, k.decimals)


def in_unit(value, k: Indicator) -> str:
    return fmt.value_in_unit(value, k.unit, k.decimals)


def source_caption(kpis: list[Indicator]) -> str:
    """Kolada's caption; the copy's own where values came through a third-party copy."""
    copy = [k.kpi_id for k in kpis if COPY in k.provenance]
    if not copy:
        return "Källa: Kolada"
    if len(copy) == len(kpis):
        return "Källa: Kolada (kopia, ej kontrollerad mot kolada.se)"
    return f"Källa: Kolada; {', '.join(copy)}: Kolada (kopia, ej kontrollerad mot kolada.se)"


def computed(mt: Meeting, kpis: list[Indicator]) -> str:
    ours = "Kvartil, regionens median" + (
        " och liknande kommuners medel" if any(k.similar_computed for k in kpis) else ""
    )
    return f"{ours}: {mt.computed_by()}."


def legend() -> str:
    codes = ", ".join(f"{code} {meaning}" for code, meaning in STATUS_LEGEND.items())
    return f"Kolada: {codes}; {fmt.DASH} inget värde. Färg = kvartil i riket; utan värde ingen färg."


def _area_table(kpis: list[Indicator], n: int) -> Table:
    names = [m.name for m in kpis[0].members]
    rows, fills = [], {}
    for k in kpis:
        cells = [m.cells[-1] for m in k.members]
        _median, county, nation = (values for _name, values in k.references)
        rows.append([k.kpi_title, *(shown(x, k) for x in cells), in_unit(county[-1], k), in_unit(nation[-1], k)])
        fills.update({(len(rows), j): quartile_fill(x and x.quartile) for j, x in enumerate(cells, start=1)})
        if any(x and x.similar_group_mean is not None for x in cells):
            # each member's own "Liknande kommuner IFO" group (Kolada), under its column
            rows.append(
                ["   liknande kommuner (medel)", *(in_unit(x and x.similar_group_mean, k) for x in cells), "", ""]
            )
    return Table(
        ["Indikator", *names, "Län", "Riket"], rows, f"oj-area-{n}", size=12, first_col_cm=6.5, fills=fills, deck_rows=8
    )


def trend(years: list[int], k: Indicator) -> Trend:
    """The indicator's years as a chart and, beside it, its table: the members and the references."""
    rows, fills = [], {}
    for i, m in enumerate(k.members, start=1):
        rows.append([m.name, *(shown(x, k) for x in m.cells)])
        fills.update({(i, j): quartile_fill(x and x.quartile) for j, x in enumerate(m.cells, start=1)})
    rows += [[name, *(in_unit(v, k) for v in values)] for name, values in k.references]
    table = Table(["Kommun", *(str(y) for y in years)], rows, f"oj-{k.kpi_id}", size=9, fills=fills, only="print")
    members = {m.name: ([x and x.value for x in m.cells], (m.cells[-1] and m.cells[-1].quartile)) for m in k.members}
    return Trend(years, members, dict(k.references), f"{k.kpi_title} ({k.better})", k.unit or "", k.decimals, table)


def build(mt: Meeting) -> list[Page]:
    o = query(mt)
    if o is None:
        return []
    areas: dict[str, list[Indicator]] = {}
    for k in o.indicators:
        areas.setdefault(k.area or "Övrigt", []).append(k)
    period = f"Avser {o.year}" + (f" (inga ÖJ-värden för {mt.year} ännu)" if o.year < mt.year else "")
    out = []
    for n, (area, kpis) in enumerate(areas.items(), start=1):
        blocks: list = [_area_table(kpis, n)]
        if not kpis[0].members:
            blocks.append(
                Text(
                    [
                        f"{mt.region.name} har {len(mt.region.members)} kommuner: diagram och tabeller visar "
                        "regionens median, länet och riket; värdena per kommun finns i datalagret "
                        "(se Om underlaget)."
                    ],
                    size=14,
                )
            )
        blocks += [
            Caption(legend()),
            Caption(f"{source_caption(kpis)}. {computed(mt, kpis)}"),
        ]
        blocks += [trend(o.years, k) for k in kpis]
        out.append(
            Page(
                f"oj-{n}",
                f"Öppna jämförelser – {area}",
                period + "; färg = kvartil i riket",
                generated=generated_notice([k.kpi_id for k in kpis if k.generated]),
                sheet=False,  # the divider before it starts the sheet
                blocks=blocks,
            )
        )
    return out
