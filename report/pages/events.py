"""Evenemang: the year's events and their ratings, mean as % of the scale's maximum
(marts.fct_events_per_year, marts.fct_event_evaluations)."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from report import fmt
from report.base import Meeting, newest
from report.blocks import UNKNOWN, Bars, Page, Table, Text


@dataclass
class Rated:
    event_name: str
    mean_rating: float
    scale_max: float
    pct_of_scale: float
    respondents: int


@dataclass
class Events:
    year: int
    n_events: int | None
    n_participants: int | None
    n_evaluated: int | None
    rated: list[Rated]


def query(mt: Meeting) -> Events | None:
    if not mt.m.has("marts.fct_events_per_year", "marts.fct_event_evaluations"):
        return None
    shown = newest(mt.m, "marts.fct_events_per_year", mt.year)
    if shown is None:
        return None
    p = mt.m.rows("select * from marts.fct_events_per_year where year = ?", [shown])[0]
    rated = mt.m.rows(
        "select event_name, mean_rating, scale_max, mean_rating_pct_of_scale, respondents "
        "from marts.fct_event_evaluations where year = ? and mean_rating is not null "
        "order by event_date nulls last, event_name",
        [shown],
    )
    return Events(
        shown,
        p["n_events"],
        p["n_participants"],
        p["n_evaluated_events"],
        [Rated(*r.values()) for r in rated],
    )


def build(mt: Meeting) -> list[Page]:
    ev = query(mt)
    if ev is None or not ev.rated:
        return []
    rated = ev.rated[:8]
    people = f"{fmt.number(ev.n_participants)} deltagare" if ev.n_participants is not None else f"deltagare: {UNKNOWN}"
    rows = [
        [
            r.event_name,
            fmt.number(r.mean_rating, 1) + f" av {fmt.number(r.scale_max)}",
            fmt.pct(r.pct_of_scale, 0),
            fmt.number(r.respondents),
        ]
        for r in ev.rated
    ]
    return [
        Page(
            "evenemang",
            f"Utvärderingar av evenemang {ev.year}",
            f"Avser {ev.year}; medelbetyg i procent av skalans högsta värde",
            split=0.62,
            blocks=[
                Bars(
                    [textwrap.shorten(r.event_name, 34, placeholder=" …") for r in rated],
                    {"Medelbetyg (% av max)": [r.pct_of_scale for r in rated]},
                    "Evenemangens betyg",
                    "left",
                    horizontal=True,
                    height_cm=13,
                ),
                Text(
                    [
                        f"{unknown_or_n(ev.n_events)} evenemang",
                        people,
                        f"{unknown_or_n(ev.n_evaluated)} utvärderade",
                    ],
                    "right",
                    18,
                    5,
                ),
                Table(["Evenemang", "Medelbetyg", "Av max", "Svarande"], rows, "event-ratings", only="print"),
            ],
        )
    ]


def unknown_or_n(n) -> str:
    return UNKNOWN if n is None else fmt.number(n)
