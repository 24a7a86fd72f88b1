"""The steering-group deck as an editable PowerPoint (16:9, python-pptx): native tables and
charts the chief can change, the section order of the hand-made 2026-02-26 deck, built from
the same gathered content as the HTML and PDF (report/build.py gather)."""

from __future__ import annotations

from pathlib import Path

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.util import Cm, Pt

from report import fmt
from report.base import GENERATED_NOTICE, QUARTILE_FILL
from report.sections.meeting import UNKNOWN

W, H = Cm(33.867), Cm(19.05)
MARGIN = Cm(1.2)
BLUE = RGBColor(0x1F, 0x5A, 0x8A)
GREY = RGBColor(0x55, 0x55, 0x55)


class Deck:
    """A 16:9 presentation with helpers that keep every shape inside the slide's margins."""

    def __init__(self):
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = W, H
        self.blank = self.prs.slide_layouts[6]

    def slide(self, title: str, period: str = "", generated: bool = False):
        s = self.prs.slides.add_slide(self.blank)
        self.text(s, title, MARGIN, Cm(0.8), W - 2 * MARGIN, Cm(1.6), size=28, bold=True, colour=BLUE)
        foot = period + (f" · {GENERATED_NOTICE}" if generated else "")
        if foot:
            self.text(s, foot, MARGIN, H - Cm(1.5), W - 2 * MARGIN, Cm(0.9), size=11, colour=GREY)
        return s

    def text(self, s, text, left, top, width, height, size=16, bold=False, colour=None):
        box = s.shapes.add_textbox(left, top, width, height)
        tf = box.text_frame
        tf.word_wrap = True
        for i, line in enumerate(text if isinstance(text, list) else [text]):
            p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
            p.text = line
            p.font.size, p.font.bold = Pt(size), bold
            if colour is not None:
                p.font.color.rgb = colour
        return box

    def table(self, s, header, rows, left, top, width, size=12, fills=None):
        """A native table; numbers right-aligned; `fills` maps (row, col) to a hex colour."""
        height = Cm(0.75) * (len(rows) + 1)
        shape = s.shapes.add_table(len(rows) + 1, len(header), left, top, width, height)
        t = shape.table
        for r, values in enumerate([header, *rows]):
            for c, v in enumerate(values):
                cell = t.cell(r, c)
                cell.text = "" if v is None else str(v)
                cell.margin_top = cell.margin_bottom = Cm(0.05)
                colour = (fills or {}).get((r, c))
                if colour:
                    cell.fill.solid()
                    cell.fill.fore_color.rgb = RGBColor.from_string(colour.lstrip("#"))
                for para in cell.text_frame.paragraphs:
                    para.font.size, para.font.bold = Pt(size), r == 0
                    if c > 0 and _numeric(cell.text):
                        para.alignment = 3  # right: figures line up
                    if colour:
                        para.font.color.rgb = RGBColor(0x22, 0x22, 0x22)
            t.rows[r].height = Cm(0.75)
        return shape

    def bars(self, s, categories, series: dict, left, top, width, height, title="", horizontal=False):
        """A native clustered bar chart; a None value is no bar at all (unknown is not zero)."""
        data = CategoryChartData(number_format="# ##0")
        data.categories = categories
        for name, values in series.items():
            data.add_series(name, [None if v is None else float(v) for v in values])
        kind = XL_CHART_TYPE.BAR_CLUSTERED if horizontal else XL_CHART_TYPE.COLUMN_CLUSTERED
        chart = s.shapes.add_chart(kind, left, top, width, height, data).chart
        chart.has_legend = len(series) > 1
        if chart.has_legend:
            chart.legend.position, chart.legend.include_in_layout = XL_LEGEND_POSITION.BOTTOM, False
        chart.plots[0].has_data_labels = True
        chart.plots[0].data_labels.font.size = Pt(11)
        chart.plots[0].data_labels.number_format, chart.plots[0].data_labels.number_format_is_linked = "# ##0", False
        chart.font.size = Pt(11)
        if title:
            chart.has_title = True
            chart.chart_title.text_frame.text = title
            chart.chart_title.text_frame.paragraphs[0].font.size = Pt(13)
        return chart

    def save(self, path: Path) -> Path:
        tmp = path.with_suffix(".pptx.tmp")
        self.prs.save(tmp)
        tmp.replace(path)
        return path


def build_deck(c: dict, path: Path) -> Path:
    from report.deck_slides import SLIDES

    d = Deck()
    for make in SLIDES:
        make(d, c)
    return d.save(path)


def _numeric(text: str) -> bool:
    """A figure (or the year heading over figures) is right-aligned; words stay left."""
    t = text.replace("ca ", "").strip()
    return not t or t[0] in "0123456789+−–" or t in ("uppgift saknas", "utfall saknas")


def unknown_or(value, f=fmt.number) -> str:
    return UNKNOWN if value is None else f(value)


def quartile_fill(q) -> str | None:
    return {
        1: QUARTILE_FILL["green"],
        2: QUARTILE_FILL["yellow"],
        3: QUARTILE_FILL["yellow"],
        4: QUARTILE_FILL["red"],
    }.get(q)
