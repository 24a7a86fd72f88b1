"""Kommunblad: one sheet per owner municipality, its fee, requests and decisions, assignments
and activities, and its standing in Öppna jämförelser (rank in the region, quartile, better or
worse than the year before), each for the newest year there is up to the report year."""

from __future__ import annotations

from report.base import Marts, swedish_key

# the marts a sheet reads; a database without them (an older one) gets no sheets, not an error
NEEDS = (
    "marts.dim_municipality",
    "marts.fct_fees",
    "marts.fct_requests",
    "marts.fct_follow_up_by_municipality",
    "marts.fct_oj_results",
)


def sheets(m: Marts, year: int, meeting_year: int) -> list[dict]:
    members = m.rows("select municipality_code, municipality_name from marts.dim_municipality where is_region_member")
    fee_year = m.one("select max(fee_year) from marts.fct_fees where is_invoiced and fee_year <= ?", [meeting_year])
    req_year = m.one("select max(year) from marts.fct_requests where year <= ? and origin_code <> 'okänd'", [year])
    work_year = m.one("select max(year) from marts.fct_follow_up_by_municipality where year <= ?", [year])
    oj_year = m.one("select max(year) from marts.fct_oj_results where year <= ? and value is not null", [year])
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
            r["item_type"]: r
            for r in m.rows(
                "select item_type, n_items, previous_year_n_items from marts.fct_follow_up_by_municipality "
                "where year = ? and municipality_code = ?",
                [work_year, code],
            )
        }
        out.append(
            dict(
                code=code,
                name=mun["municipality_name"],
                fee_year=fee_year,
                fee=fee[0] if fee else None,
                request_year=req_year,
                requests=sum(decisions.values()),
                decisions=decisions,
                work_year=work_year,
                assignments=(work.get("uppdrag") or {}).get("n_items"),
                activities=(work.get("aktivitet") or {}).get("n_items"),
                oj_year=oj_year,
                oj=standing(m, code, oj_year),
                similar=against_similar(m, code, oj_year),
            )
        )
    return out


def standing(m: Marts, code: str, year: int | None) -> dict:
    """How many indicators put the municipality in each quartile, and how many got better or worse."""
    if year is None:
        return dict(n=0)
    rows = m.rows(
        "select quartile, change_assessment, rank_in_region, region_reporting_count, is_generated "
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
        generated=any(r["is_generated"] for r in rows),
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
