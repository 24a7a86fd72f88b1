"""Avgifter (Intäkter från delägare): the fee table of a fee year in the layout of the 2019
plan, every cell formatted once, here, for the report's page and for `fou fees` alike. A
fee-free year (fee 0 by decision) says so; the page names the year of the newest decided fee."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from ingestion.errors import NoFeeDecided
from report import fmt
from report.base import Marts, Meeting, swedish_key
from report.blocks import Caption, Notice, Page, Table

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
    fee_free: bool = False  # no fee by decision (2022): said in words, never a silent 0 kr

    @property
    def note(self) -> str:
        return f"{self.year}: {FEE_FREE}" if self.fee_free else ""


FEE_FREE = "avgiftsfritt år enligt beslut"


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
    fee_free = not total["is_invoiced"] and not total["fee_total_kr"]
    return FeeTable(
        fee_free=fee_free,
        year=year,
        title=f"Intäkter från delägare {year}" + (f" – {FEE_FREE}" if fee_free else ""),
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


def decided_fee_years(m: Marts, upto: int) -> tuple[int | None, list[int]]:
    """The newest invoiced fee year up to `upto`, and the fee-free years by decision after it."""
    newest = m.one("select max(fee_year) from marts.fct_fees where is_invoiced and fee_year <= ?", [upto])
    free = [
        r["fee_year"]
        for r in m.rows(
            "select fee_year from marts.fct_fee_totals where not is_invoiced and coalesce(fee_total_kr, 0) = 0 "
            "and fee_year > ? and fee_year <= ? order by 1",
            [newest or 0, upto],
        )
    ]
    return newest, free


def build(mt: Meeting) -> list[Page]:
    """The fee of the newest decided (invoiced) fee year up to the meeting's year."""
    if not mt.m.has("marts.fct_fees", "marts.fct_fee_totals"):
        return []
    year, free = decided_fee_years(mt.m, mt.on.year)
    if year is None:
        return []
    t = fee_table(mt.m, year)
    newest = f"Senaste beslutade avgift: {year}"
    if year < mt.on.year:
        newest += f" (ingen nyare avgift i underlaget till och med {mt.on.year})"
    if free:
        newest += "; " + ", ".join(str(y) for y in free) + f": {FEE_FREE}"
    return [
        Page(
            "avgifter",
            t.title,
            f"Avser {year}; folkmängd {t.basis_date}, andel och förändring avrundade från exakt kvot",
            chapter=True,
            blocks=[
                Notice(newest + "."),
                Table(t.header, [*t.rows, t.total], "fees", size=14),
                Caption(f"Folkmängd: Källa: SCB. Andel, förändring och avgift: {mt.computed_by('SCB')}."),
            ],
        )
    ]
