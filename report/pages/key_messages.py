"""Styrgruppsammanfattning – Kärnbudskap: the key messages and the requests to decide on that
the chief recorded for this meeting (marts.fct_meeting_points, records/meeting_points.csv)."""

from __future__ import annotations

from dataclasses import dataclass, field

from report.base import Meeting
from report.blocks import Page, Table, Text


@dataclass
class Point:
    heading: str
    body: str


@dataclass
class KeyMessages:
    messages: list[Point] = field(default_factory=list)
    decisions: list[Point] = field(default_factory=list)


def query(mt: Meeting) -> KeyMessages:
    if not mt.m.has("marts.fct_meeting_points"):
        return KeyMessages()
    rows = mt.m.rows(
        "select point_type, heading, body from marts.fct_meeting_points where meeting_date = ? order by position",
        [mt.on],
    )

    def pick(kind: str) -> list[Point]:
        return [Point(r["heading"], r["body"] or "") for r in rows if r["point_type"] == kind]

    return KeyMessages(pick("kärnbudskap"), pick("beslutspunkt"))


def build(mt: Meeting) -> list[Page]:
    p = query(mt)
    rows = [[x.heading, x.body] for x in p.messages] or [["Inga kärnbudskap ifyllda för mötet", ""]]
    blocks: list = [Table(["Område", "Kärnbudskap"], rows, "key-messages", size=14, first_col_cm=7)]
    if mt.no_records:
        blocks.append(
            Text(
                [
                    f"{mt.region.name} har inga egna verksamhetsuppgifter i datalagret för {mt.year}: "
                    "avgifter, uppdrag, aktiviteter, förfrågningar, bemanning, budget, kommunikation och "
                    "evenemang saknas därför; underlaget visar Öppna jämförelser."
                ],
                size=15,
            )
        )
    if p.decisions:
        lines = ["Nya förfrågningar att ta ställning till:"]
        lines += [f"• {x.heading}: {x.body}".rstrip(": ") for x in p.decisions]
        blocks.append(Text(lines, size=15))
    return [
        Page(
            "karnbudskap",
            "Styrgruppsammanfattning – Kärnbudskap",
            f"Möte {mt.on.isoformat()}",
            chapter=True,
            blocks=blocks,
            sheet=True,
        )
    ]
