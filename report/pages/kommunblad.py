"""Kommunblad: one sheet per owner municipality, its fee, requests and decisions, assignments
and activities, and its standing in Öppna jämförelser (rank in the region, quartile, better or
worse than the year before), each for the newest year there is up to the report year."""

from __future__ import annotations

from dataclasses import dataclass

from report import fmt
from report.base import Marts, Meeting, swedish_key
from report.blocks import UNKNOWN, Bars, Caption, Page, Table, Text, generated_notice

QUARTILES = ["Bästa fjärdedelen", "Näst bästa", "Näst sämsta", "Sämsta fjärdedelen"]
SIMILAR = ("kpis_better_than_similar", "kpis_worse_than_similar", "kpis_gaining_on_similar", "kpis_losing_to_similar")

# the marts a sheet reads; a database without them (an older one) gets no sheets, not an error
NEEDS = (
    "marts.dim_municipality",
    "marts.fct_fees",
    "marts.fct_requests",
    "marts.fct_follow_up_by_municipality",
    "marts.fct_oj_results",
)


@dataclass
class Sheet:
    code: str
    name: str
    fee_year: int | None
    fee: dict | None
    request_year: int | None
    decisions: dict[str, int]
    work_year: int | None
    work: dict[str, int | None]  # item type → count; None: no records of the type that year
    oj_year: int | None
    oj: dict
    similar: list[dict]


def sheets(m: Marts, year: int, meeting_year: int) -> list[Sheet]:
    members = m.rows("select municipality_code, municipality_name from marts.dim_municipality where is_region_member")
    fee_year = m.one("select max(fee_year) from marts.fct_fees where is_invoiced and fee_year <= ?", [meeting_year])
    req_year = m.one("select max(year) from marts.fct_requests where year <= ? and origin_code <> 'okänd'", [year])
    work_year = m.one("select max(year) from marts.fct_follow_up_by_municipality where year <= ?", [year])
    oj_year = m.one("select max(year) from marts.fct_oj_results where year <= ? and value is not null", [year])
    recorded = {
        r["item_type"]
        for r in m.rows(
            "select distinct item_type from marts.fct_follow_up_by_municipality where year = ?", [work_year]
        )
    }
    out = []
    for mun in sorted(members, key=lambda r: swedish_key(r["municipality_name"])):
        code = mun["municipality_code"]
        fee = m.rows(
            "select fee_kr, rate_per_inhabitant, basis_population, population_share_pct from marts.fct_fees "
            "where fee_year = ? and municipality_code = ?",
            [fee_year, code],
        )
        decisions = {
            r["decision"]: r["n"]
            for r in m.rows(
                "select decision, sum(n_requests) as n from marts.fct_requests "
                "where year = ? and origin_code = ? group by all",
                [req_year, code],
            )
        }
        work = {
            r["item_type"]: r["n_items"]
            for r in m.rows(
                "select item_type, n_items, previous_year_n_items from marts.fct_follow_up_by_municipality "
                "where year = ? and municipality_code = ?",
                [work_year, code],
            )
        }
        out.append(
            Sheet(
                code,
                mun["municipality_name"],
                fee_year,
                fee[0] if fee else None,
                req_year,
                decisions,
                work_year,
                {t: work.get(t, 0) if t in recorded else None for t in ("uppdrag", "aktivitet")},
                oj_year,
                standing(m, code, oj_year),
                against_similar(m, code, oj_year),
            )
        )
    return out


def standing(m: Marts, code: str, year: int | None) -> dict:
    """How many indicators put the municipality in each quartile, and how many got better or worse."""
    if year is None:
        return dict(n=0)
    rows = m.rows(
        "select kpi_id, quartile, change_assessment, rank_in_region, region_reporting_count, is_generated "
        "from marts.fct_oj_results where year = ? and municipality_id = ? and sex = 'T' and value is not null",
        [year, code],
    )
    ranks = [r["rank_in_region"] for r in rows if r["rank_in_region"] is not None]
    return dict(
        n=len(rows),
        n_ranked=sum(1 for r in rows if r["quartile"] is not None),  # direction "none" has no quartile
        quartiles={q: sum(1 for r in rows if r["quartile"] == q) for q in (1, 2, 3, 4)},
        better=sum(1 for r in rows if r["change_assessment"] == "better"),
        worse=sum(1 for r in rows if r["change_assessment"] == "worse"),
        median_rank=sorted(ranks)[len(ranks) // 2] if ranks else None,
        generated_kpis=sorted({r["kpi_id"] for r in rows if r["is_generated"]}),
    )


def against_similar(m: Marts, code: str, year: int | None) -> list[dict]:
    """Per area: on how many indicators the municipality is better or worse than its similar
    municipalities (Kolada's "Liknande kommuner IFO" group), and whether it gained on them."""
    if year is None or not m.has("marts.rpt_oj_similar_area_summary"):
        return []
    return m.rows(
        "select area, kpis_compared, kpis_better_than_similar, kpis_worse_than_similar, kpis_gaining_on_similar, "
        "kpis_losing_to_similar, is_generated from marts.rpt_oj_similar_area_summary "
        "where municipality_id = ? and year = ? and kpis_compared > 0 order by area",
        [code, year],
    )


def _count(n) -> str:
    return UNKNOWN if n is None else fmt.number(n)


def _facts(sh: Sheet) -> list[list[str]]:
    fee = sh.fee or {}
    requests = [
        ["Förfrågningar", _count(sum(sh.decisions.values()) if sh.request_year else None)],
        *[[f"   därav {k}", fmt.number(v)] for k, v in sorted(sh.decisions.items())],
    ]
    return [
        ["Avgift", fmt.kr(fee.get("fee_kr")) if sh.fee else UNKNOWN],
        ["Andel av folkmängden", fmt.pct(fee.get("population_share_pct")) if sh.fee else UNKNOWN],
        *requests,
        ["Uppdrag", _count(sh.work["uppdrag"])],
        ["Aktiviteter", _count(sh.work["aktivitet"])],
    ]


def _standing(mt: Meeting, sh: Sheet) -> list:
    o = sh.oj
    if not o["n"]:
        return []
    median = fmt.DASH if o["median_rank"] is None else o["median_rank"]
    return [
        Bars(
            QUARTILES,
            {"Indikatorer": list(o["quartiles"].values())},
            f"ÖJ {sh.oj_year}: {o['n_ranked']} av {o['n']} indikatorer har kvartil",
            "right",
            height_cm=7,
        ),
        Text(
            [
                f"Median av placeringen i regionen: {median} av {len(mt.region.members)}",
                f"Bättre än året före: {o['better']}, sämre: {o['worse']}",
            ],
            "right",
            14,
            2.5,
        ),
        Caption(f"Källa: Kolada, SCB. Avgift, andel, kvartil och placering: {mt.computed_by()}.", "right"),
    ]


def build(mt: Meeting) -> list[Page]:
    if not mt.m.has(*NEEDS) or not mt.detailed:
        return []
    out = []
    for n, sh in enumerate(sheets(mt.m, mt.year, mt.on.year)):
        blocks: list = [Table(["", sh.name], _facts(sh), f"sheet-{sh.code}", "left", 14), *_standing(mt, sh)]
        if sh.similar:
            blocks.append(
                Table(
                    ["Mot liknande kommuner", "Bättre", "Sämre", "Knappat in", "Tappat"],
                    [[a["area"], *(fmt.number(a[k]) for k in SIMILAR)] for a in sh.similar],
                    f"similar-{sh.code}",
                    "left",
                    12,
                    first_col_cm=5.2,
                )
            )
        period = (
            f"Avgift {sh.fee_year or UNKNOWN}, förfrågningar {sh.request_year or UNKNOWN}, "
            f"uppdrag {sh.work_year or UNKNOWN}, ÖJ {sh.oj_year or UNKNOWN}"
        )
        generated = generated_notice(sh.oj.get("generated_kpis", []))
        out.append(
            Page(
                f"kommun-{sh.code}",
                f"Kommunblad – {sh.name}",
                period,
                generated=generated,
                sheet=n > 0,  # the first shares its sheet with the divider "Kommunblad"
                blocks=blocks,
            )
        )
    return out
