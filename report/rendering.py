"""The HTML/PDF side of drawing the pages of report/pages/: which blocks sit side by side,
each chart drawn once (a PNG data: URI in the HTML, the same image in the PDF), and the PDF written with
one font configuration (WeasyPrint otherwise builds one per document)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from report import charts
from report.blocks import Bars, Caption, Notice, Page, Table, Text, Trend, footer, numeric

PAGE_WIDTH_IN = 7.2  # A4 less the margins (report.css @page), in inches, for the charts
LONG_TABLE = 26  # rows: a longer table may split over pages (its header repeats)


def lay_out(pages: list[Page]) -> list[dict]:
    """Per page its rows: ("full", block) or ("cols", left blocks, right blocks, split %)."""
    out = []
    for page in pages:
        rows: list[tuple] = []
        cols: dict[str, list] = {"left": [], "right": []}
        for b in page.blocks:
            if getattr(b, "only", "") == "deck":
                continue
            item = _item(b, page)
            if isinstance(b, Trend) or b.place == "full":
                if cols["left"] or cols["right"]:
                    rows.append(("cols", cols["left"], cols["right"], round(100 * page.split)))
                    cols = {"left": [], "right": []}
                rows.append(("full", item))
            else:
                cols[b.place].append(item)
        if cols["left"] or cols["right"]:
            rows.append(("cols", cols["left"], cols["right"], round(100 * page.split)))
        out.append(dict(page=page, footer=footer(page), rows=rows))
    return out


def _item(b, page: Page) -> dict:
    share = 1.0 if isinstance(b, Trend) or b.place == "full" else page.split if b.place == "left" else 1 - page.split
    if isinstance(b, Table):
        return dict(kind="table", b=b, long=len(b.rows) > LONG_TABLE, numeric=_numeric_columns(b))
    if isinstance(b, Bars):
        return dict(kind="chart", b=b, image=charts.bars(b, max(3.2, PAGE_WIDTH_IN * share - 0.2)))
    if isinstance(b, Trend):
        return dict(kind="trend", b=b, image=charts.trend_lines(b), table=b.table, numeric=_numeric_columns(b.table))
    if isinstance(b, Text):
        return dict(kind="text", b=b)
    if isinstance(b, Notice):
        return dict(kind="notice", b=b)
    if isinstance(b, Caption):
        return dict(kind="caption", b=b)
    raise TypeError(f"unknown block {type(b).__name__}")


def _numeric_columns(t: Table) -> list[bool]:
    """Columns whose cells are figures are right-aligned (the first column never)."""
    cols = [False] * len(t.header)
    for j in range(1, len(t.header)):
        cells = [r[j] for r in t.rows if j < len(r)]
        cols[j] = bool(cells) and all(numeric(x) for x in cells)
    return cols


@cache
def _hyphenator():
    import pyphen  # WeasyPrint's own dependency

    return pyphen.Pyphen(lang="sv")


def soft_hyphens(text: str) -> str:
    """Soft hyphens in a column heading's long words (Sund-byberg), so a narrow column breaks
    the name instead of running into the next; cheaper than CSS hyphens: auto on every cell.
    None beside a hyphen of the word's own: Upplands-Bro breaks as "Upplands-", never "lands--"."""
    words = (_hyphenator().inserted(w, hyphen="\u00ad") if len(w) > 8 else w for w in text.split(" "))
    return " ".join(w.replace("-\u00ad", "-").replace("\u00ad-", "-") for w in words)


@cache
def _fonts():
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def write_pdf(html: str, path: Path) -> None:
    from weasyprint import HTML  # imported late: a slow import the HTML alone does not need

    HTML(string=html, base_url=str(path.parent)).write_pdf(path, font_config=_fonts())
