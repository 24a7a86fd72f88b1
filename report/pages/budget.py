"""Budget och utfall: the newest year with a budget up to the meeting's year (marts.fct_budget);
a year with a budget but no outcome shows "utfall saknas" and has no outcome series."""

from __future__ import annotations

from dataclasses import dataclass

from report import fmt
from report.base import Meeting, newest
from report.blocks import BUDGET_MISSING, Bars, Page, Table, unknown_or

ORDER = ["intäkter", "personal", "lokaler", "it", "övrigt"]


@dataclass
class BudgetLine:
    label: str
    category_type: str
    budget_tkr: float | None
    outcome_tkr: float | None


@dataclass
class Budget:
    year: int
    lines: list[BudgetLine]

    @property
    def has_outcome(self) -> bool:
        return any(x.outcome_tkr is not None for x in self.lines)


def query(mt: Meeting) -> Budget | None:
    if not mt.m.has("marts.fct_budget", "marts.fct_budget_totals"):
        return None
    shown = newest(mt.m, "marts.fct_budget", mt.on.year, "budget_tkr is not null or outcome_tkr is not null")
    if shown is None:
        return None
    rows = mt.m.rows(
        "select category, category_type, budget_tkr, outcome_tkr from marts.fct_budget where year = ?", [shown]
    )
    rows.sort(key=lambda r: ORDER.index(r["category"]) if r["category"] in ORDER else 99)
    return Budget(
        shown,
        [
            BudgetLine(
                "IT" if r["category"] == "it" else r["category"].capitalize(),
                r["category_type"],
                r["budget_tkr"],
                r["outcome_tkr"],
            )
            for r in rows
        ],
    )


def build(mt: Meeting) -> list[Page]:
    b = query(mt)
    if b is None:
        return []
    rows = [[x.label, fmt.tkr(x.budget_tkr), unknown_or(x.outcome_tkr, fmt.tkr, BUDGET_MISSING)] for x in b.lines]
    cost = [x for x in b.lines if x.category_type == "cost"]
    series = {"Budget": [x.budget_tkr for x in cost]}
    if b.has_outcome:
        series["Utfall"] = [x.outcome_tkr for x in cost]
    period = f"Avser {b.year}, tkr" + ("" if b.has_outcome else f" · {BUDGET_MISSING}")
    if b.year < mt.on.year:
        period += f" · senaste året med budget i underlaget (inget för {b.year + 1}–{mt.on.year})"
    return [
        Page(
            "budget",
            f"Budget och utfall {b.year}",
            period,
            chapter=True,
            blocks=[
                Table(["Kategori", "Budget", "Utfall"], rows, "budget", "left", 14),
                Bars([x.label for x in cost], series, "Kostnader (tkr)", "right"),
            ],
        )
    ]
