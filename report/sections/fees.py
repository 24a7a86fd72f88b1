"""Avgifter: the fee table in the layout of the 2019 plan, or the basis of a year without a fee."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from report.base import Marts, Section, not_yet, swedish_key


def fees_section(m: Marts, year: int) -> Section:
    if not m.has("marts.fct_fees", "marts.fct_fee_totals"):
        return not_yet("marts.fct_fees")
    rows = m.rows("select * from marts.fct_fees where fee_year = ?", [year])
    history = m.rows(
        "select fee_year, fee_model, basis_date, region_basis_population, rate_per_inhabitant, "
        "fee_total_kr, is_invoiced from marts.fct_fee_totals order by fee_year"
    )
    data: dict = {"history": history, "has_fee": bool(rows)}
    if rows:
        total = m.rows("select * from marts.fct_fee_totals where fee_year = ?", [year])[0]
        data.update(
            basis_date=rows[0]["basis_date"],
            fee_model=rows[0]["fee_model"],
            is_invoiced=total["is_invoiced"],
            source_document=rows[0]["source_document"],
            source_mode=sorted({r["population_source_mode"] or "saknas" for r in rows}),
            total=dict(
                population=total["region_basis_population"],
                previous=sum(r["previous_population"] or 0 for r in rows) or None,
                share=sum(r["population_share_pct"] or 0 for r in rows),
                growth=total["region_population_growth_pct"],
                fee=total["fee_total_kr"],
            ),
        )
    else:
        # No fee decided for the year in records/fee_parameters.csv: show the basis it would have
        # (SCB population 31 December two years before), in the same layout, without rate and fee.
        basis_year = year - 2
        rows = m.rows(
            """with pop as (select region_code, year, population, source_mode from marts.fct_population
                            where sex = 'total' and age_band = 'total')
               select d.municipality_code, d.municipality_name, cur.population as basis_population,
                      prev.population as previous_population, cur.source_mode as population_source_mode,
                      null as rate_per_inhabitant, null as fee_kr
               from marts.dim_municipality d
               left join pop cur on cur.region_code = d.municipality_code and cur.year = ?
               left join pop prev on prev.region_code = d.municipality_code and prev.year = ? - 1
               where d.is_region_member""",
            [basis_year, basis_year],
        )
        region = sum(r["basis_population"] or 0 for r in rows)
        previous = sum(r["previous_population"] or 0 for r in rows)
        for r in rows:
            r["population_share_pct"] = Decimal(100 * r["basis_population"]) / region if r["basis_population"] else None
            r["population_growth_pct"] = (
                Decimal(100 * (r["basis_population"] - r["previous_population"])) / r["previous_population"]
                if r["basis_population"] and r["previous_population"]
                else None
            )
        latest = [h for h in history if h["is_invoiced"] and h["fee_year"] < year]
        data.update(
            basis_date=date(basis_year, 12, 31),
            fee_model=None,
            is_invoiced=False,
            source_document=None,
            latest_invoiced=latest[-1] if latest else None,
            source_mode=sorted({r["population_source_mode"] or "saknas" for r in rows}),
            total=dict(
                population=region or None,
                previous=previous or None,
                share=sum(r["population_share_pct"] or 0 for r in rows),
                growth=Decimal(100 * (region - previous)) / previous if previous else None,
                fee=None,
            ),
        )
    rows.sort(key=lambda r: swedish_key(r["municipality_name"]))
    data["rows"] = rows
    return Section(data=data)
