"""Verksamhetsberättelse: each assignment and activity of the year, per goal, with the
municipalities it was for (marts.fct_work_items; before that mart, the assignments of
marts.fct_assignments), and the counts per goal as a summary chart (marts.fct_follow_up_by_goal).

Unknown is not zero: a count of a record type is shown only for a year that has records of
that type; a year without any reads "uppgift saknas" and has no bar. A long list continues on
the following slide rather than shrinking its text."""

from __future__ import annotations

from dataclasses import dataclass, field

from report import fmt
from report.base import Marts, Meeting
from report.blocks import UNKNOWN, Bars, Notice, Page, Table, list_pages

TYPES = {"uppdrag": "Uppdrag", "aktivitet": "Aktiviteter"}


@dataclass
class Item:
    item_type: str  # "uppdrag" or "aktivitet"
    name: str
    municipalities: str | None


@dataclass
class Goal:
    goal: str
    items: list[Item] = field(default_factory=list)
    counts: dict[str, int | None] = field(default_factory=dict)  # item type → count; None: no records


@dataclass
class Work:
    year: int
    goals: list[Goal]
    named: bool  # whether any record names its work (else only the counts are known)


def goal_order(m: Marts) -> list[str]:
    """The result goals in the plans' order (marts.dim_goal); in a published file from before
    that mart, the goals the activity mart has, in its order."""
    if m.has("marts.dim_goal"):
        return [r["goal"] for r in m.rows("select goal from marts.dim_goal order by position")]
    return [
        r["goal"]
        for r in m.rows(
            "select goal from marts.fct_follow_up_by_goal where goal is not null group by goal order by min(rowid)"
        )
    ]


def _items(m: Marts, year: int) -> list[dict]:
    if m.has("marts.fct_work_items"):
        return m.rows(
            "select item_type, goal, item_name as name, municipality_names from marts.fct_work_items "
            "where year = ? order by item_type desc, item_name",
            [year],
        )
    if m.has("marts.fct_assignments"):
        return m.rows(
            "select 'uppdrag' as item_type, goal, assignment_name as name, municipality_names "
            "from marts.fct_assignments where year = ? order by assignment_name",
            [year],
        )
    return []


def _newest_year(m: Marts, upto: int) -> int | None:
    years = []
    for table in ("marts.fct_follow_up_by_goal", "marts.fct_work_items", "marts.fct_assignments"):
        if m.has(table):
            years.append(m.one(f"select max(year) from {table} where year <= ?", [upto]))
    return max((y for y in years if y is not None), default=None)


def _counts(m: Marts, year: int, items: list[dict]) -> dict[tuple[str, str], int]:
    """The named items' own count where the work mart names them (so a list and its count
    never disagree), else the follow-up mart's counts."""
    named = bool(items) and m.has("marts.fct_work_items")
    if m.has("marts.fct_follow_up_by_goal") and not named:
        rows = m.rows(
            "select goal, item_type, sum(n_items) as n from marts.fct_follow_up_by_goal where year = ? group by all",
            [year],
        )
        return {(r["goal"], r["item_type"]): r["n"] for r in rows if r["n"] is not None}
    out: dict[tuple[str, str], int] = {}
    for i in items:
        out[(i["goal"], i["item_type"])] = out.get((i["goal"], i["item_type"]), 0) + 1
    return out


def query(mt: Meeting) -> Work | None:
    year = _newest_year(mt.m, mt.year)
    if year is None:
        return None
    items = _items(mt.m, year)
    counts = _counts(mt.m, year, items)
    recorded = {t for _g, t in counts} | {i["item_type"] for i in items}
    goals = []
    for g in goal_order(mt.m):
        mine = [Item(i["item_type"], i["name"], i["municipality_names"]) for i in items if i["goal"] == g]
        goals.append(Goal(g, mine, {t: (counts.get((g, t), 0) if t in recorded else None) for t in TYPES}))
    return Work(year, goals, bool(items))


def _line(i: Item) -> str:
    return f"• {i.name}" + (f" – {i.municipalities}" if i.municipalities else "")


def goal_pages(w: Work, g: Goal, n: int) -> list[Page]:
    lines = []
    for t, label in TYPES.items():
        mine = [_line(i) for i in g.items if i.item_type == t]
        if mine:
            lines += [f"{label}:", *mine]
    if not lines:
        lines = [f"Inga namngivna uppdrag eller aktiviteter i underlaget för {w.year}: {UNKNOWN}."]
    counts = ", ".join(f"{label.lower()}: {_count(g.counts[t])}" for t, label in TYPES.items())
    title = f"{g.goal.capitalize()} – Verksamhetsberättelse {w.year}"
    return list_pages(f"vb-{n}", title, f"Avser {w.year} · {counts}", lines)


def _count(n: int | None) -> str:
    return UNKNOWN if n is None else fmt.number(n)


def summary(w: Work) -> Page:
    rows = [[g.goal.capitalize(), *(_count(g.counts[t]) for t in TYPES)] for g in w.goals]
    chart = Bars(
        [g.goal.capitalize() for g in w.goals],
        {label: [g.counts[t] for g in w.goals] for t, label in TYPES.items()},
        "Uppdrag och aktiviteter per mål",
        "left",
        height_cm=11,
    )
    blocks: list = [chart, Table(["Mål", *TYPES.values()], rows, "work-per-goal", "right", 14)]
    silent = [label for t, label in TYPES.items() if all(g.counts[t] is None for g in w.goals)]
    if silent:  # a whole record type without records that year: one line, not a bar list
        blocks.insert(
            1, Notice(f"{' och '.join(silent)} {w.year}: {UNKNOWN} (inga poster i underlaget), ingen stapel.", "left")
        )
    if not w.named:
        blocks.append(
            Notice(f"Namngivna uppdrag och aktiviteter {w.year}: {UNKNOWN} (bara antal i underlaget).", "right")
        )
    return Page(
        "verksamhet",
        f"Verksamhetsberättelse {w.year} – per mål",
        f"Avser {w.year}; {UNKNOWN} där underlaget saknar poster av slaget för året",
        blocks=blocks,
    )


def build(mt: Meeting) -> list[Page]:
    w = query(mt)
    if w is None:
        return []
    out = [summary(w)]
    for n, g in enumerate(w.goals if w.named else [], start=1):
        out += goal_pages(w, g, n)
    return out
