"""Reading the report's HTML back: every <table id=…> as rows of cell texts, Swedish numbers."""

import re
from html.parser import HTMLParser


class Tables(HTMLParser):
    """Every <table id=…> as a list of rows of cell texts (th and td)."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.styles: dict[str, list[list[str]]] = {}
        self._id = None
        self._row = self._srow = self._cell = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and a.get("id"):
            self._id = a["id"]
            self.tables[self._id], self.styles[self._id] = [], []
        elif self._id and tag == "tr":
            self._row, self._srow = [], []
        elif self._id and tag in ("td", "th") and self._row is not None:
            self._cell = []
            self._srow.append(a.get("style") or "")

    def handle_endtag(self, tag):
        if tag == "table":
            self._id = None
        elif self._id and tag in ("td", "th") and self._cell is not None:
            # collapse ASCII whitespace only: the no-break spaces of the numbers stay
            self._row.append(re.sub(r"[ \t\r\n]+", " ", "".join(self._cell)).strip())
            self._cell = None
        elif self._id and tag == "tr" and self._row is not None:
            self.tables[self._id].append(self._row)
            self.styles[self._id].append(self._srow)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def parse(html: str) -> Tables:
    t = Tables()
    t.feed(html)
    return t


def num(text: str):
    """'1 234 567 kr', '+2,0 %', '9,08', '–' → number or None (any space, any minus sign)."""
    t = text.replace("\u00a0", "").replace(" ", "").replace("kr", "").replace("%", "").replace("\u2212", "-")
    t = t.replace("+", "").replace("ca", "")
    if t in ("", "–", "-"):
        return None
    return float(t.replace(",", "."))


def by_first_column(rows: list[list[str]]) -> dict[str, list[str]]:
    return {r[0]: r[1:] for r in rows[1:]}


def built_report(s, out):
    """The deck of the 2026-02-26 meeting (HTML, PDF, PPTX) of the published warehouse of `s`, read back."""
    from datetime import date

    import duckdb

    from report.build import build

    html, pdf, pptx = build(s.published_db, out, on=date(2026, 2, 26))
    return dict(
        settings=s,
        con=duckdb.connect(str(s.published_db), read_only=True),
        html=html,
        pdf=pdf,
        pptx=pptx,
        t=parse(html.read_text(encoding="utf-8")),
    )
