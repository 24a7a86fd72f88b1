"""The meeting's pages as renderer-neutral blocks: one list of Page, in the order of the
hand-made 2026-02-26 deck, that the PPTX (report/deck.py), the HTML and, through it, the PDF
all draw. Every figure is formatted here, once, so the three outputs cannot disagree.

A Page is one slide and one section of the HTML/PDF; `chapter` names the table-of-contents
entry a page opens (the PDF starts a new sheet there). Blocks say where they go on a slide
("full", "left", "right"); the HTML puts a left/right pair side by side as well."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

from report import fmt
from report.base import GENERATED_NOTICE, QUARTILE_FILL
from report.sections.meeting import UNKNOWN

MONTHS = "januari februari mars april maj juni juli augusti september oktober november december".split()
BUDGET_MISSING = "utfall saknas"


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    id: str = ""
    place: str = "full"
    size: int = 12  # points on the slide
    first_col_cm: float | None = None
    fills: dict = field(default_factory=dict)  # (row, col) → hex colour; row 0 is the header
    deck_rows: int | None = None  # rows that fit the slide; the HTML shows them all
    only: str = ""  # "deck" or "print" (HTML and PDF); empty: both


@dataclass
class Bars:
    categories: list[str]
    series: dict[str, list]  # None is no bar (unknown is not zero)
    title: str
    place: str = "right"
    horizontal: bool = False
    height_cm: float = 12
    only: str = ""


@dataclass
class Text:
    lines: list[str]
    place: str = "full"
    size: int = 16
    height_cm: float = 4
    only: str = ""


@dataclass
class Trend:
    """One ÖJ indicator over the years: the eight in quartile colours, labelled, and the references;
    a native chart on the slide (up to three a slide), a chart with its table (print only) in the
    HTML/PDF."""

    years: list[int]
    members: dict[str, tuple[list, int | None]]  # name → (values, quartile of the last year)
    references: dict[str, list]
    title: str
    unit: str
    decimals: int
    table: Table


@dataclass
class Page:
    id: str
    title: str
    period: str = ""
    chapter: str = ""
    generated: bool = False
    split: float = 0.5  # share of the width the left column takes
    sheet: bool = False  # the PDF starts a new sheet here (a chapter of its own)
    blocks: list = field(default_factory=list)


def numeric(text: str) -> bool:
    """A figure (or a year heading over figures, or a word for a missing figure) is
    right-aligned on the slide and the page; words stay left."""
    t = text.replace("ca ", "").strip()
    return not t or t[0] in "0123456789+−–" or t in (UNKNOWN, BUDGET_MISSING)


def long_date(d) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def unknown_or(value, f=fmt.number, word: str = UNKNOWN) -> str:
    return word if value is None else f(value)


def quartile_fill(q) -> str | None:
    return {
        1: QUARTILE_FILL["green"],
        2: QUARTILE_FILL["yellow"],
        3: QUARTILE_FILL["yellow"],
        4: QUARTILE_FILL["red"],
    }.get(q)


AGENDA = [
    "Kärnbudskap och beslutspunkter",
    "Verksamhetsberättelse",
    "Förfrågningar",
    "Bemanning",
    "Budget och utfall",
    "Kommunikation och evenemang",
    "Avgifter",
    "Öppna jämförelser",
    "Kommunblad",
    "Om underlaget",
]


def members_line(names: list[str]) -> str:
    return ", ".join(names) if len(names) <= 12 else f"{len(names)} kommuner"


def title(c) -> Page:
    heading = f"Styrgruppsmöte {long_date(c['meeting'])}" if c["is_meeting"] else f"Styrgruppsunderlag {c['year']}"
    agenda = [a + (f" {c['year']}" if a == "Verksamhetsberättelse" else "") for a in AGENDA]
    return Page(
        "titel",
        heading,
        f"Verksamhetsår {c['year']}",
        blocks=[
            Text([f"• {a}" for a in agenda], "left", 18, 12, only="deck"),  # the HTML/PDF have their contents
            Text([c["region"].name, members_line(c["region"].members)], "right", 16, 4),
        ],
    )


def key_messages(c) -> Page:
    p = c["points"]
    rows = [[m["heading"], m["body"] or ""] for m in p["messages"]] or [["Inga kärnbudskap ifyllda för mötet", ""]]
    blocks: list = [Table(["Område", "Kärnbudskap"], rows, "key-messages", size=14, first_col_cm=7)]
    if c["no_records"]:
        blocks.append(
            Text(
                [
                    f"{c['region'].name} har inga egna verksamhetsuppgifter i datalagret för {c['year']}: "
                    "avgifter, uppdrag, aktiviteter, förfrågningar, bemanning, budget, kommunikation och "
                    "evenemang saknas därför; underlaget visar Öppna jämförelser."
                ],
                size=15,
            )
        )
    if p["decisions"]:
        lines = ["Nya förfrågningar att ta ställning till:"] + [
            f"• {x['heading']}: {x['body'] or ''}".rstrip(": ") for x in p["decisions"]
        ]
        blocks.append(Text(lines, size=15))
    return Page(
        "karnbudskap",
        "Styrgruppsammanfattning – Kärnbudskap",
        f"Möte {c['meeting'].isoformat()}",
        "Kärnbudskap och beslutspunkter",
        blocks=blocks,
        sheet=True,
    )


def work(c) -> Page | None:
    w = c["work"]
    if not w:
        return None
    rows = []
    for g in w["goals"]:
        rows.append([g["goal"].capitalize(), fmt.number(g["assignments"]), fmt.number(g["activities"])])
        rows += [[f"   {a['area']}", fmt.number(a["assignments"]), fmt.number(a["activities"])] for a in g["areas"][:3]]
    goals = [g["goal"].capitalize() for g in w["goals"]]
    series = {"Uppdrag": [g["assignments"] for g in w["goals"]], "Aktiviteter": [g["activities"] for g in w["goals"]]}
    return Page(
        "verksamhet",
        f"Verksamhetsberättelse {w['year']} – per mål",
        f"Avser {w['year']}",
        f"Verksamhetsberättelse {w['year']}",
        blocks=[
            Bars(goals, series, "Uppdrag och aktiviteter per mål", "left", height_cm=13),
            Table(["Mål / område", "Uppdrag", "Aktiviteter"], rows, "work-per-goal", "right", 10, deck_rows=16),
        ],
    )


def requests(c) -> Page | None:
    r = c["requests_m"]
    if not r:
        return None
    this, last = r["this"], r["last"]
    years = [t for t in (last, this) if t]
    period = f"Avser {this['year']}" + (f", jämfört med {last['year']}" if last else "")
    series = {str(t["year"]): [t["total"], *t["decisions"].values()] for t in years}
    rows = [["Totalt", *(fmt.number(t["total"]) for t in years)]]
    rows += [[label, *(unknown_or(t["decisions"][label]) for t in years)] for label in this["decisions"]]
    rows.append(["Från ägarkommunerna", *(unknown_or(t["members"]) for t in years)])
    rows.append(["Från andra", *(unknown_or(t["external"]) for t in years)])
    return Page(
        "forfragningar",
        f"Förfrågningar {this['year']}",
        period,
        "Förfrågningar",
        blocks=[
            Bars(["Totalt", *this["decisions"]], series, "Förfrågningar per beslut", "left", height_cm=13),
            Table(["", *(str(t["year"]) for t in years)], rows, "requests", "right", 13),
        ],
    )


def staffing(c) -> Page | None:
    st = c["staffing_m"]
    if not st:
        return None
    t = st["total"]
    rows = [[r["role"].capitalize(), r["funding"], fmt.number(r["fte"], 2)] for r in st["rows"]]
    rows.append(["Totalt", "", fmt.number(t["total_fte"], 2)])
    fte = [t["ordinary_fte"], t["external_fte"], t["unspecified_fte"]]
    return Page(
        "bemanning",
        f"Personal {st['year']}",
        f"Avser {st['year']} (senaste personallistan)",
        "Bemanning",
        blocks=[
            Table(["Roll", "Finansiering", "Årsarbetare"], rows, "staffing", "left", 13),
            Bars(
                ["Ordinarie", "Extern", "Ej angiven"],
                {"Årsarbetare": fte},
                "Årsarbetare per finansiering",
                "right",
                height_cm=10,
            ),
        ],
    )


def budget(c) -> Page | None:
    b = c["budget_m"]
    if not b:
        return None
    rows = [
        [r["label"], fmt.tkr(r["budget_tkr"]), unknown_or(r["outcome_tkr"], fmt.tkr, BUDGET_MISSING)] for r in b["rows"]
    ]
    cost = [r for r in b["rows"] if r["category_type"] == "cost"]
    series = {"Budget": [r["budget_tkr"] for r in cost]}
    if b["has_outcome"]:
        series["Utfall"] = [r["outcome_tkr"] for r in cost]
    older = b["year"] < c["year"]
    period = f"Avser {b['year']}, tkr" + ("" if b["has_outcome"] else f" · {BUDGET_MISSING}")
    if older:
        period += f" · senaste året med budget i underlaget (inget för {b['year'] + 1}–{c['meeting'].year})"
    return Page(
        "budget",
        f"Budget och utfall {b['year']}",
        period,
        "Budget och utfall",
        blocks=[
            Table(["Kategori", "Budget", "Utfall"], rows, "budget", "left", 13),
            Bars([r["label"] for r in cost], series, "Kostnader (tkr)", "right"),
        ],
    )


def communication(c) -> Page | None:
    co = c["communication_m"]
    if not co:
        return None
    rows = []
    for r in co["rows"]:
        subject = f" ({r['subject'].strip('()')})" if r["subject"] and "hela" not in r["subject"] else ""
        value = ("ca " if r["is_approximate"] else "") + fmt.number(r["value"])
        change = fmt.pct(r["change"], 0, signed=True) + f" {r['change_basis']}" if r["change"] is not None else fmt.DASH
        rows.append([f"{r['channel'].capitalize()}, {r['metric']}{subject}", value, change])
    return Page(
        "kommunikation",
        f"Kommunikation {co['year']}",
        f"Avser {co['year']}; förändring enligt källan där den anger en",
        "Kommunikation och evenemang",
        blocks=[Table(["Kanal och mått", "Värde", "Förändring"], rows, "communication", size=12, deck_rows=14)],
    )


def events(c) -> Page | None:
    ev = c["events_m"]
    if not ev or not ev["rated"]:
        return None
    rated = ev["rated"][:10]
    people = (
        f"{fmt.number(ev['per_year']['n_participants'])} deltagare"
        if ev["per_year"]["n_participants"] is not None
        else f"deltagare: {UNKNOWN}"
    )
    p = ev["per_year"]
    names = [textwrap.shorten(r["event_name"], 40, placeholder=" …") for r in rated]
    rows = [
        [
            r["event_name"],
            fmt.number(r["mean_rating"], 1) + f" av {fmt.number(r['scale_max'])}",
            fmt.pct(r["mean_rating_pct_of_scale"], 0),
            fmt.number(r["respondents"]),
        ]
        for r in rated
    ]
    return Page(
        "evenemang",
        f"Evenemang {ev['year']}",
        f"Avser {ev['year']}; medelbetyg i procent av skalans högsta värde",
        split=0.6,
        blocks=[
            Bars(
                names,
                {"Medelbetyg (% av max)": [r["mean_rating_pct_of_scale"] for r in rated]},
                "Evenemangens betyg",
                "left",
                horizontal=True,
                height_cm=13,
            ),
            Text(
                [
                    f"{fmt.number(p['n_events'])} evenemang",
                    people,
                    f"{fmt.number(p['n_evaluated_events'])} utvärderade",
                ],
                "right",
                18,
                5,
            ),
            Table(["Evenemang", "Medelbetyg", "Av max", "Svarande"], rows, "event-ratings", only="print"),
        ],
    )


def footer(page: Page) -> str:
    return page.period + (f" · {GENERATED_NOTICE}" if page.generated else "")
