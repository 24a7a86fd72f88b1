"""Verksamhetsplan: what the unit plans for the meeting's year (marts.fct_plan_items), in the
order of the hand-made 2026-02-26 deck: Producera kunskap, Stöd till utveckling (each item's
status as the deck shows it: OK / OKLART), Sprida kunskap (dated events in date order, then
the standing offers), Främja samverkan (networks per level) and Fokus."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from report.base import Meeting
from report.blocks import UNKNOWN, Page, Text, list_pages, short_date

STATUS = {"ok": "OK", "oklart": "OKLART"}
LEVELS = ["delregionalt", "regionalt", "nationellt"]
KIND_HEADINGS = {"uppdrag": "Uppdrag", "erbjudande": "Följande erbjuds av FoU", "evenemang": "Evenemang"}


@dataclass
class PlanItem:
    goal: str | None
    kind: str  # uppdrag, erbjudande, evenemang, nätverk, fokus
    title: str
    municipalities: str | None
    status: str  # ok, oklart, förslag, villkorat
    condition: str | None
    event_date: date | None
    network_level: str | None


@dataclass
class Plan:
    year: int  # the plan's year
    items: list[PlanItem]

    def of(self, goal: str | None = None, kind: str | None = None) -> list[PlanItem]:
        return [i for i in self.items if (goal is None or i.goal == goal) and (kind is None or i.kind == kind)]


def query(mt: Meeting) -> Plan | None:
    """The newest plan up to the meeting's year; None without the mart or a plan."""
    if not mt.m.has("marts.fct_plan_items"):
        return None
    year = mt.m.one("select max(plan_year) from marts.fct_plan_items where plan_year <= ?", [mt.plan_year])
    if year is None:
        return None
    rows = mt.m.rows(
        "select goal, kind, title, municipality_names, status, condition, event_date, network_level "
        "from marts.fct_plan_items where plan_year = ? order by position",
        [year],
    )
    return Plan(year, [PlanItem(*r.values()) for r in rows])


def line(i: PlanItem, with_status: bool = False) -> str:
    """One planned item as the deck writes it: title, for whom, its condition, its status."""
    text = f"• {short_date(i.event_date)} {i.title}" if i.event_date else f"• {i.title}"
    if i.municipalities:
        text += f" – {i.municipalities}"
    tags = [i.condition] if i.condition else ["villkorat"] if i.status == "villkorat" else []
    if i.status == "förslag":
        tags.append("förslag")
    if tags:
        text += f" ({', '.join(tags)})"
    if with_status and i.status in STATUS:
        text += f" – {STATUS[i.status]}"
    return text


def _grouped(items: list[PlanItem], with_status: bool = False) -> list[str]:
    out: list[str] = []
    for kind, heading in KIND_HEADINGS.items():
        mine = [i for i in items if i.kind == kind]
        if kind == "evenemang":  # dated events in date order, then the undated ones
            mine.sort(key=lambda i: (i.event_date is None, i.event_date or date.min))
        if mine:
            out += [f"{heading}:", *(line(i, with_status) for i in mine)]
    return out


def _networks(items: list[PlanItem]) -> list[str]:
    out = []
    for level in LEVELS:
        mine = [i.title for i in items if i.kind == "nätverk" and i.network_level == level]
        if mine:
            out.append(f"{level.capitalize()}: {', '.join(mine)}")
    return out + [line(i) for i in items if i.kind != "nätverk"]


PARTS = [  # (page id, title, goal, lines)
    ("vp-producera", "Producera kunskap", "producera kunskap", _grouped),
    ("vp-stod", "Stöd till utveckling", "stödja utveckling", lambda items: _grouped(items, with_status=True)),
    ("vp-sprida", "Sprida kunskap", "sprida kunskap", _grouped),
    ("vp-samverkan", "Främja samverkan – nätverk", "främja samverkan", _networks),
]


def build(mt: Meeting) -> list[Page]:
    plan = query(mt)
    if plan is None:
        return [
            Page(
                "vp",
                f"Verksamhetsplan {mt.plan_year}",
                f"Avser {mt.plan_year}",
                blocks=[Text([f"Verksamhetsplanen för {mt.plan_year}: {UNKNOWN} (ingen plan i underlaget)."])],
            )
        ]
    period = f"Avser {plan.year}" + (
        f" (ingen plan för {mt.plan_year} i underlaget)" if plan.year < mt.plan_year else ""
    )
    out: list[Page] = []
    for page_id, heading, goal, make in PARTS:
        lines = make(plan.of(goal)) or [f"Inget planerat i underlaget: {UNKNOWN}."]
        out += list_pages(page_id, f"{heading} – VP {plan.year}", period, lines)
    focus = [f"✓ {i.title}" for i in plan.of(kind="fokus")] or [f"{UNKNOWN}."]
    out += list_pages("vp-fokus", f"Fokus {plan.year}", period, focus, chapter=True)
    return out
