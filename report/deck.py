"""The steering-group deck as an editable PowerPoint (16:9, python-pptx): native tables and
charts the chief can change, the section order of the hand-made 2026-02-26 deck, built from
the same gathered content as the HTML and PDF (report/build.py gather)."""

from __future__ import annotations

import math
from pathlib import Path

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.util import Cm, Emu, Pt

from report.base import QUARTILE_LINE
from report.content import Bars, Page, Table, Text, Trend, footer, numeric

W, H = Cm(33.867), Cm(19.05)
MARGIN = Cm(1.2)
TOP, FULL = Cm(3.0), W - 2 * MARGIN
BLUE = RGBColor(0x1F, 0x5A, 0x8A)
GREY = RGBColor(0x55, 0x55, 0x55)
LINE = {q: c.lstrip("#") for q, c in QUARTILE_LINE.items()}
REFERENCE = ["1F5A8A", "D9822B", "222222"]  # the region's median, the county, the nation (as in the PDF)


class Deck:
    """A 16:9 presentation with helpers that keep every shape inside the slide's margins."""

    def __init__(self):
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = W, H
        self.blank = self.prs.slide_layouts[6]

    def page(self, page: Page):
        """One slide: title, footer (period, generated notice), then the blocks: full-width ones
        across, left and right ones stacked in their column, and the ÖJ trends (at most three)
        side by side under them. Blocks only for print are skipped."""
        s = self.prs.slides.add_slide(self.blank)
        self.text(s, page.title, MARGIN, Cm(0.8), FULL, Cm(1.6), size=28, bold=True, colour=BLUE)
        if footer(page):
            self.text(s, footer(page), MARGIN, H - Cm(1.5), FULL, Cm(0.9), size=11, colour=GREY)
        left_w = Emu(int((FULL - Cm(1)) * page.split))
        spots = {
            "full": (MARGIN, FULL),
            "left": (MARGIN, left_w),
            "right": (MARGIN + left_w + Cm(1), FULL - left_w - Cm(1)),
        }
        y = {"full": TOP, "left": TOP, "right": TOP}
        for b in page.blocks:
            if not isinstance(b, (Table, Bars, Text)) or b.only == "print":
                continue
            top = max(y.values()) if b.place == "full" else max(y[b.place], y["full"])
            left, width = spots[b.place]
            bottom = top + self.block(s, b, left, top, width) + Cm(0.6)
            if b.place == "full":
                y = dict.fromkeys(y, bottom)
            else:
                y[b.place] = bottom
        self.trends(s, [b for b in page.blocks if isinstance(b, Trend)][:3], max(y.values()))
        return s

    def block(self, s, b: Table | Bars | Text, left, top, width):
        """One Table, Bars or Text block at (left, top) in `width`; the height it takes."""
        if isinstance(b, Table):
            rows = b.rows[: b.deck_rows] if b.deck_rows else b.rows
            row_h = Cm(0.75) if b.size >= 12 else Cm(0.6)
            shape = self.table(s, b.header, rows, left, top, width, b.size, b.fills, row_h)
            if b.first_col_cm:
                cols = shape.table.columns
                cols[0].width = Cm(b.first_col_cm)
                for col in list(cols)[1:]:
                    col.width = Emu(int((width - Cm(b.first_col_cm)) / (len(cols) - 1)))
            return _table_height(b, rows, width, row_h)
        height = Cm(b.height_cm)
        if isinstance(b, Bars):
            self.bars(s, b.categories, b.series, left, top, width, height, b.title, b.horizontal)
        else:
            self.text(s, b.lines, left, top, width, height, size=b.size)
        return height

    def trends(self, s, trends: list[Trend], top):
        """The trend charts side by side from `top` down to the footer."""
        if not trends:
            return
        width = Emu(int((FULL - Cm(0.8) * (len(trends) - 1)) / len(trends)))
        for i, t in enumerate(trends):
            self.lines(s, t, MARGIN + i * (width + Cm(0.8)), top, width, H - Cm(1.7) - top)

    def lines(self, s, t: Trend, left, top, width, height):
        """A native line chart of an ÖJ indicator: the eight in their quartile colour, county,
        nation and the region's median dashed; every line named in the legend."""
        data = CategoryChartData(number_format="0" + ("," + "0" * t.decimals if t.decimals else ""))
        data.categories = [str(y) for y in t.years]
        styles = []
        for name, (values, quartile) in t.members.items():
            data.add_series(name, [None if v is None else float(v) for v in values])
            styles.append((LINE[quartile], False))
        for i, (name, values) in enumerate(t.references.items()):
            data.add_series(name, [None if v is None else float(v) for v in values])
            styles.append((REFERENCE[i] if i < len(REFERENCE) else "555555", True))
        chart = s.shapes.add_chart(XL_CHART_TYPE.LINE_MARKERS, left, top, width, height, data).chart
        values = [float(v) for vs, _ in t.members.values() for v in vs if v is not None]
        values += [float(v) for vs in t.references.values() for v in vs if v is not None]
        if values:  # the axis around the values, not from 0: the lines would sit flat at the top
            span = (max(values) - min(values)) or 1
            chart.value_axis.minimum_scale = max(0, math.floor(min(values) - span * 0.15))
            chart.value_axis.maximum_scale = math.ceil(max(values) + span * 0.15)
        chart.has_legend, chart.legend.position = True, XL_LEGEND_POSITION.RIGHT
        chart.legend.include_in_layout, chart.legend.font.size = False, Pt(8)  # beside the plot, not over it
        chart.font.size = Pt(9)
        chart.has_title = True
        chart.chart_title.text_frame.text = t.title
        chart.chart_title.text_frame.paragraphs[0].font.size = Pt(10)
        for series, (colour, dashed) in zip(chart.plots[0].series, styles):
            series.smooth = False
            series.format.line.color.rgb = RGBColor.from_string(colour)
            series.format.line.width = Pt(2.25 if dashed else 1.5)
            if dashed:
                series.format.line.dash_style = MSO_LINE_DASH_STYLE.DASH
            series.marker.size = 4
            series.marker.format.fill.solid()
            series.marker.format.fill.fore_color.rgb = RGBColor.from_string(colour)
        return chart

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

    def table(self, s, header, rows, left, top, width, size=12, fills=None, row_h=Cm(0.75)):
        """A native table; numbers right-aligned; `fills` maps (row, col) to a hex colour."""
        height = row_h * (len(rows) + 1)
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
                    if c > 0 and numeric(cell.text):
                        para.alignment = 3  # right: figures line up
                    if colour:
                        para.font.color.rgb = RGBColor(0x22, 0x22, 0x22)
            t.rows[r].height = row_h
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
        self.prs.save(str(path))
        return path


def _table_height(b: Table, rows, width, row_h):
    """What the table will take: a row grows by a line for each wrap of its longest cell
    (about 2.3 characters per cm at 12 pt), so what follows is placed below, not over it."""
    cols = len(b.header)
    first = Cm(b.first_col_cm) if b.first_col_cm else Emu(int(width / cols))
    other = Emu(int((width - first) / max(cols - 1, 1)))
    per_cm = 2.3 * 12 / b.size
    total = 0
    for r in [b.header, *rows]:
        lines = max(
            math.ceil(len(str(v or "")) / max(1, (w / Cm(1) - 0.3) * per_cm))
            for v, w in zip(r, [first] + [other] * (cols - 1))
        )
        total += max(row_h, Pt(b.size * 1.25) * lines + Cm(0.15))
    return Emu(int(total))


def build_deck(c: dict, path: Path, content: list[Page] | None = None) -> Path:
    """Every page of the gathered content (report/content_more.py pages) as one slide;
    `content`: those pages when the caller has already made them for the HTML."""
    from report.content_more import pages

    d = Deck()
    for page in content if content is not None else pages(c):
        d.page(page)
    return d.save(path)
