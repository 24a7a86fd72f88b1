"""The section dividers of the deck, between Verksamhetsberättelse, Verksamhetsplan, Öppna
jämförelser and Kommunblad (the template's "section header" layout); the title page, whose
agenda is the titles of the pages that open a chapter, so it never promises what the slides
do not hold."""

from __future__ import annotations

from report.base import Meeting
from report.blocks import Page, Text, long_date
from report.pages import plan, work


def divider(page_id: str, title: str, subtitle: str = "") -> Page:
    return Page(page_id, title, subtitle, chapter=True, sheet=True, kind="section")


def vb(mt: Meeting) -> list[Page]:
    """Named after the year the section shows (the newest with records), not the covered year."""
    shown = work.query(mt)
    return [divider("avsnitt-vb", f"Verksamhetsberättelse {shown.year if shown else mt.year}", "Uppdelat på målen")]


def vp(mt: Meeting) -> list[Page]:
    shown = plan.query(mt)
    return [divider("avsnitt-vp", f"Verksamhetsplan {shown.year if shown else mt.plan_year}", "Vad vi vet redan idag")]


def oj(mt: Meeting) -> list[Page]:
    return [divider("avsnitt-oj", "Öppna jämförelser", "Socialtjänstens individ- och familjeomsorg")]


def kommunblad(mt: Meeting) -> list[Page]:
    return [divider("avsnitt-kommunblad", "Kommunblad", "En sida per ägarkommun")]


def members_line(names: list[str]) -> str:
    return ", ".join(names) if len(names) <= 12 else f"{len(names)} kommuner"


def title(mt: Meeting, pages: list[Page]) -> Page:
    heading = f"Styrgruppsmöte {long_date(mt.on)}" if mt.is_meeting else f"Styrgruppsunderlag {mt.year}"
    agenda = [p.title for p in pages if p.chapter]
    return Page(
        "titel",
        heading,
        f"{mt.region.name} · verksamhetsår {mt.year}",
        kind="title",
        blocks=[
            Text([f"• {a}" for a in agenda], "left", 16, 10.5, only="deck"),  # the HTML/PDF have their contents
            Text([f"Ägarkommuner: {members_line(mt.region.members)}"], "right", 16, 4),
        ],
    )
