"""The blocks every page is made of, drawn the same way by the PPTX (report/deck.py), the HTML
and, through it, the PDF (report/rendering.py): tables, bar charts, trend charts, text,
notices and captions. Every figure in a block is already formatted (report/fmt.py), so the
three outputs cannot disagree.

A Page is one slide and one section of the HTML/PDF. `chapter` marks a page that opens an
entry of the agenda and the table of contents (both are the titles of those pages, so they
cannot promise what the slides do not hold); `kind` is "title", "section" (a divider between
VB, VP, ÖJ and Kommunblad) or "content". Blocks say where they go ("full", "left", "right");
the HTML puts a left/right pair side by side as well."""

from __future__ import annotations

from dataclasses import dataclass, field

from report import fmt

UNKNOWN = "uppgift saknas"
BUDGET_MISSING = "utfall saknas"
GENERATED_NOTICE = "genererade värden, inte officiell statistik"
MONTHS = "januari februari mars april maj juni juli augusti september oktober november december".split()
# the smallest text on a slide: the steering group reads the deck on a projector
MIN_PT = 12
# a municipality's line in a trend chart, by its quartile in the last year (deck and PDF alike);
# colour carries meaning here, so these stay whatever the template's theme
QUARTILE_LINE = {1: "#2e7d32", 2: "#c49000", 3: "#c49000", 4: "#c0392b", None: "#8a8a8a"}
QUARTILE_FILL = {"green": "#b9e0b0", "yellow": "#fbe6a2", "red": "#f3b3ad", "grey": "#e3e3e3"}
# Kolada's status codes of a value, shown as Kolada shows them, with a short legend
STATUS_LEGEND = {"-": "bortfall (inget svar)", ".": "ej tillämpligt", "..": "sekretess"}


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    id: str = ""
    place: str = "full"
    size: int = 14  # points on the slide (never under MIN_PT)
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

    @property
    def missing(self) -> list[str]:
        """The categories of a series left without a bar because their value is unknown."""
        return [
            f"{c} ({name})" if len(self.series) > 1 else c
            for name, values in self.series.items()
            for c, v in zip(self.categories, values)
            if v is None
        ]


@dataclass
class Text:
    lines: list[str]
    place: str = "full"
    size: int = 16
    height_cm: float = 4
    only: str = ""


@dataclass
class Notice:
    """A line the reader must not miss: generated values, a missing record, the period shown."""

    text: str
    place: str = "full"
    only: str = ""


@dataclass
class Caption:
    """The source under a figure, as its terms ask ("Källa: Kolada", "Källa: SCB",
    "Beräknat av <region> från Kolada/SCB"); a legend of status codes too."""

    text: str
    place: str = "full"
    only: str = ""


@dataclass
class Trend:
    """One ÖJ indicator over the years: the members in quartile colours, labelled, and the
    references; a native chart on the slide, a chart with its table (print only) in the HTML/PDF."""

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
    chapter: bool = False  # an agenda / contents entry: this page's title
    generated: str = ""  # the notice of generated values on this page (empty: none)
    split: float = 0.5  # share of the width the left column takes
    sheet: bool = False  # the PDF starts a new sheet here (a chapter of its own)
    kind: str = "content"  # "title", "section" or "content"
    blocks: list = field(default_factory=list)


def numeric(text: str) -> bool:
    """A figure (or a year heading over figures, or a word for a missing figure) is
    right-aligned on the slide and the page; words stay left."""
    t = text.replace("ca ", "").strip()
    return not t or t[0] in "0123456789+−–-." or t in (UNKNOWN, BUDGET_MISSING)


def long_date(d) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def short_date(d) -> str:
    """27/3 as the hand-made deck writes a date in the year it plans."""
    return f"{d.day}/{d.month}"


def unknown_or(value, f=fmt.number, word: str = UNKNOWN) -> str:
    return word if value is None else f(value)


def quartile_fill(q) -> str | None:
    return {
        1: QUARTILE_FILL["green"],
        2: QUARTILE_FILL["yellow"],
        3: QUARTILE_FILL["yellow"],
        4: QUARTILE_FILL["red"],
    }.get(q)


def footer(page: Page) -> str:
    return page.period + (f" · {page.generated}" if page.generated else "")


def missing_bars_notice(b: Bars) -> Notice | None:
    """Under a chart with bars left out: which, and why (unknown is not zero)."""
    gone = b.missing
    return Notice(f"Ingen stapel för {', '.join(gone)}: {UNKNOWN}.", b.place) if gone else None


def generated_notice(kpis: list[str]) -> str:
    """The notice naming the indicators whose shown values are generated (none: no notice)."""
    kpis = sorted(set(kpis))
    if not kpis:
        return ""
    return f"{GENERATED_NOTICE}: " + (", ".join(kpis) if len(kpis) <= 6 else f"{len(kpis)} nyckeltal")


def continued(title: str, part: int) -> str:
    return title if part == 0 else f"{title} (forts.)"


LINES_PER_SLIDE = 11  # list lines at 16 pt between a slide's title and its footer
CHARS_PER_LINE = 95  # at 16 pt across the slide


def paged(lines: list[str], per_slide: int = LINES_PER_SLIDE) -> list[list[str]]:
    """Lines in slides of at most `per_slide` printed lines (a long line wraps): a long list
    continues on the following slide rather than shrinking its text below MIN_PT."""
    out: list[list[str]] = [[]]
    used = 0
    for line in lines:
        need = -(-len(line) // CHARS_PER_LINE)
        if out[-1] and used + need > per_slide:
            out.append([])
            used = 0
        out[-1].append(line)
        used += need
    return out


def list_pages(page_id: str, title: str, period: str, lines: list[str], **kw) -> list[Page]:
    """A list of lines as one page, or several (the title marked "(forts.)") when it is long."""
    return [
        Page(
            page_id + (f"-{part + 1}" if part else ""),
            continued(title, part),
            period,
            blocks=[Text(chunk, size=16, height_cm=13)],
            **(kw if part == 0 else {}),
        )
        for part, chunk in enumerate(paged(lines))
    ]
