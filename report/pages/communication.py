"""Kommunikation: the year's channels and reach (marts.fct_communication); the source's stated
change where it gives one, else a change only against the year just before."""

from __future__ import annotations

from dataclasses import dataclass

from report import fmt
from report.base import Meeting, newest
from report.blocks import Page, Table


@dataclass
class Measure:
    channel: str
    metric: str
    subject: str | None
    value: float
    is_approximate: bool
    change: float | None
    change_basis: str


@dataclass
class Communication:
    year: int
    measures: list[Measure]


def _change(r: dict, shown: int) -> tuple[float | None, str]:
    # the source's stated change wins; a computed one only against the year just before
    if r["quoted_change_pct"] is not None:
        return r["quoted_change_pct"], "enligt källan"
    if r["previous_year"] == shown - 1 and r["change_pct"] is not None:
        return r["change_pct"], f"mot {shown - 1}"
    return None, ""


def query(mt: Meeting) -> Communication | None:
    if not mt.m.has("marts.fct_communication"):
        return None
    shown = newest(mt.m, "marts.fct_communication", mt.year)
    if shown is None:
        return None
    rows = mt.m.rows(
        "select channel, metric, subject, value, is_approximate, previous_year, change_pct, quoted_change_pct "
        "from marts.fct_communication where year = ? order by channel, metric, subject nulls first",
        [shown],
    )
    return Communication(
        shown,
        [
            Measure(r["channel"], r["metric"], r["subject"], r["value"], r["is_approximate"], *_change(r, shown))
            for r in rows
        ],
    )


def build(mt: Meeting) -> list[Page]:
    co = query(mt)
    if co is None:
        return []
    rows = []
    for x in co.measures:
        subject = f" ({x.subject.strip('()')})" if x.subject and "hela" not in x.subject else ""
        value = ("ca " if x.is_approximate else "") + fmt.number(x.value)
        change = fmt.pct(x.change, 0, signed=True) + f" {x.change_basis}" if x.change is not None else fmt.DASH
        rows.append([f"{x.channel.capitalize()}, {x.metric}{subject}", value, change])
    return [
        Page(
            "kommunikation",
            f"Sprida kunskap – kommunikation {co.year}",
            f"Avser {co.year}; förändring enligt källan där den anger en",
            blocks=[Table(["Kanal och mått", "Värde", "Förändring"], rows, "communication", size=14, deck_rows=12)],
        )
    ]
