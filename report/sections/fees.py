"""Avgifter: the fee table of a fee year in the layout of the 2019 plan, every cell formatted
once, here, for the report's page and for `fou fees` alike."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from ingestion.errors import NoFeeDecided
from report import fmt
from report.base import Marts, Section, not_yet, swedish_key

# as the plans' fee table: the basis population with the year before it ("jmf 2016" in VP 2019)
HEADER = ["Kommun", "Folkmängd", "Föregående år", "Andel", "Förändring", "Kr/inv.", "Avgift (kr)"]


@dataclass
class FeeTable:
    """A fee year's table as the report shows it: every cell a formatted Swedish string, the
    municipalities in Swedish order (Upplands-Bro before Upplands Väsby, as in the plans)."""

    year: int
    title: str  # "Intäkter från delägare 2019"
    basis_date: date  # the population the fee is based on: SCB, 31 December two years before
    source_mode: str  # how SCB's population was fetched (live, snapshot, snapshot-rebuilt)
    header: list[str]
    rows: list[list[str]]  # one per member municipality
    total: list[str]  # "Summa"


def fee_table(con: duckdb.DuckDBPyConnection | Marts, year: int | None = None) -> FeeTable:
    """The fee table of `year` (None: the newest invoiced fee year) from the published marts;
    NoFeeDecided when no fee is decided for it."""
    m = con if isinstance(con, Marts) else Marts(con)
    if not m.has("marts.fct_fees", "marts.fct_fee_totals"):
        raise NoFeeDecided(year, [])
    fee_years = [r["fee_year"] for r in m.rows("select distinct fee_year from marts.fct_fees order by 1")]
    if year is None:
        year = m.one("select max(fee_year) from marts.fct_fees where is_invoiced")
    rows = m.rows("select * from marts.fct_fees where fee_year = ?", [year]) if year is not None else []
    if not rows:
        raise NoFeeDecided(year, fee_years)
    rows.sort(key=lambda r: swedish_key(r["municipality_name"]))
    total = m.rows("select * from marts.fct_fee_totals where fee_year = ?", [year])[0]
    return FeeTable(
        year=year,
        title=f"Intäkter från delägare {year}",
        basis_date=rows[0]["basis_date"],
        source_mode=", ".join(sorted({r["population_source_mode"] or "saknas" for r in rows})),
        header=list(HEADER),
        rows=[
            [
                r["municipality_name"],
                fmt.number(r["basis_population"]),
                fmt.number(r["previous_population"]),
                fmt.pct(r["population_share_pct"]),
                fmt.pct(r["population_growth_pct"]),
                fmt.number(r["rate_per_inhabitant"], 2),
                fmt.number(r["fee_kr"]),
            ]
            for r in rows
        ],
        total=[
            "Summa",
            fmt.number(total["region_basis_population"]),
            "",
            fmt.pct(sum(r["population_share_pct"] or 0 for r in rows)),
            fmt.pct(total["region_population_growth_pct"]),
            "",
            fmt.number(total["fee_total_kr"]),
        ],
    )


def fees_section(m: Marts, year: int) -> Section:
    """The fee table of `year` for the report's Avgifter page; not available without a fee."""
    if not m.has("marts.fct_fees", "marts.fct_fee_totals"):
        return not_yet("marts.fct_fees")
    try:
        return Section(data=dict(table=fee_table(m, year)))
    except NoFeeDecided as e:
        return Section(False, str(e))
