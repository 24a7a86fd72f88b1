"""The steering-group deck as an editable PowerPoint (16:9, python-pptx) drawn on the unit's
template (config/report.yml `template`: its slide master and layouts title, section header and
title only / title and content, its fonts and theme colours): native tables and charts the
chief can change, the same pages (report/pages/) as the HTML and PDF. Colours come from the
template's theme except where colour carries meaning (quartiles)."""

from __future__ import annotations

import math
from pathlib import Path

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.enum.dml import MSO_LINE_DASH_STYLE, MSO_THEME_COLOR
from pptx.util import Cm, Emu, Pt

from report import template_path
from report.blocks import MIN_PT, QUARTILE_LINE, Bars, Caption, Notice, Page, Table, Text, Trend, footer, numeric

W, H = Cm(33.867), Cm(19.05)
MARGIN = Cm(1.2)
TOP, FULL = Cm(3.0), W - 2 * MARGIN
ACCENTS = [MSO_THEME_COLOR.ACCENT_1, MSO_THEME_COLOR.ACCENT_2, MSO_THEME_COLOR.ACCENT_3, MSO_THEME_COLOR.ACCENT_4]
LAYOUTS = {  # what the deck asks of a template, by the names PowerPoint gives (English, Swedish)
    "title": ("Title Slide", "Rubrikbild"),
    "section": ("Section Header", "Avsnittsrubrik"),
    "content": ("Title Only", "Endast rubrik", "Title and Content", "Rubrik och innehåll"),
}
TRENDS_PER_SLIDE = 2  # at 12 pt a trend's legend of eleven lines needs half the slide
TITLE_TOP = Cm(6.6)  # under the title slide's title and subtitle (the template's title layout)
LINE = {q: c.lstrip("#") for q, c in QUARTILE_LINE.items()}
# the region's median, the county, the nation: the template's colours (no meaning but "which")
REFERENCE = [MSO_THEME_COLOR.ACCENT_1, MSO_THEME_COLOR.ACCENT_2, MSO_THEME_COLOR.TEXT_1]


class Deck:
    """A 16:9 presentation with helpers that keep every shape inside the slide's margins."""

    def __init__(self, template: Path | None = None):
        self.prs = Presentation(str(template or template_path()))
        self.prs.slide_width, self.prs.slide_height = W, H
        self.layouts = {kind: self._layout(names) for kind, names in LAYOUTS.items()}

    def _layout(self, names: tuple[str, ...]):
        by_name = {layout.name: layout for layout in self.prs.slide_layouts}
        return next((by_name[n] for n in names if n in by_name), self.prs.slide_layouts[0])

    def _titled(self, kind: str, title: str, subtitle: str = ""):
        """A slide of the template's layout `kind` with its title (and subtitle) placeholders
        filled and the other placeholders removed (the blocks are drawn where the deck puts them)."""
        s = self.prs.slides.add_slide(self.layouts[kind])
        for ph in list(s.placeholders):
            pf = ph.placeholder_format
            if pf.type is not None and "TITLE" in str(pf.type) and "SUB" not in str(pf.type):
                ph.text_frame.text = title
            elif subtitle and pf.idx == 1:
                ph.text_frame.text = subtitle
            else:
                ph._element.getparent().remove(ph._element)
        return s

    def page(self, page: Page):
        """One slide per page (and more for its trends): the layout's title, the footer (period,
        generated notice), then the blocks: full-width ones across, left and right ones stacked
        in their column. Blocks only for print are skipped; the ÖJ trends follow on slides of
        their own, two a slide, each with its title above it."""
        if page.kind == "section":
            return self._titled("section", page.title, page.period)
        if page.kind == "title":
            s = self._titled("title", page.title, page.period)
            self._blocks(s, page, TITLE_TOP)
            return s
        s = self._titled("content", page.title)
        self._blocks(s, page, TOP)
        trends = [b for b in page.blocks if isinstance(b, Trend)]
        for i in range(0, len(trends), TRENDS_PER_SLIDE):
            more = self._titled("content", f"{page.title} (forts.)")
            self._footer(more, page)
            self.trends(more, trends[i : i + TRENDS_PER_SLIDE], TOP)
        return s

    def _footer(self, s, page: Page):
        if footer(page):
            self.text(s, footer(page), MARGIN, H - Cm(1.5), FULL, Cm(0.9), size=MIN_PT)

    def _blocks(self, s, page: Page, top):
        self._footer(s, page)
        left_w = Emu(int((FULL - Cm(1)) * page.split))
        spots = {
            "full": (MARGIN, FULL),
            "left": (MARGIN, left_w),
            "right": (MARGIN + left_w + Cm(1), FULL - left_w - Cm(1)),
        }
        y = {"full": top, "left": top, "right": top}
        self._captions(s, [b for b in page.blocks if isinstance(b, Caption) and b.only != "print"])
        for b in page.blocks:
            if not isinstance(b, (Table, Bars, Text, Notice)) or b.only == "print":
                continue
            top = max(y.values()) if b.place == "full" else max(y[b.place], y["full"])
            left, width = spots[b.place]
            bottom = top + self.block(s, b, left, top, width) + Cm(0.6)
            if b.place == "full":
                y = dict.fromkeys(y, bottom)
            else:
                y[b.place] = bottom

    def _captions(self, s, captions: list[Caption]):
        """Sources and legends across the slide's foot, above the footer, the last lowest:
        out of the flow, so a tall table never pushes them off the slide."""
        bottom = H - Cm(1.6)
        for c in reversed(captions):
            height = self._note_height(c.text, FULL)
            bottom -= height
            self.text(s, c.text, MARGIN, bottom, FULL, height, size=MIN_PT)

    @staticmethod
    def _note_height(text: str, width):
        return Cm(0.6 * max(1, math.ceil(len(text) / ((width / Cm(1)) * 1.9))) + 0.15)

    def block(self, s, b: Table | Bars | Text, left, top, width):
        """One Table, Bars or Text block at (left, top) in `width`; the height it takes."""
        if isinstance(b, Table):
            rows = b.rows[: b.deck_rows] if b.deck_rows else b.rows
            row_h = Cm(0.75)
            shape = self.table(s, b.header, rows, left, top, width, max(MIN_PT, b.size), b.fills, row_h)
            if b.first_col_cm:
                cols = shape.table.columns
                cols[0].width = Cm(b.first_col_cm)
                for col in list(cols)[1:]:
                    col.width = Emu(int((width - Cm(b.first_col_cm)) / (len(cols) - 1)))
            return _table_height(b, rows, width, row_h)
        if isinstance(b, Notice):
            height = self._note_height(b.text, width)
            self.text(s, b.text, left, top, width, height, size=MIN_PT, bold=True)
            return height
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
        width = Emu(int((FULL - Cm(1.0)) / TRENDS_PER_SLIDE))
        for i, t in enumerate(trends):
            left = MARGIN + i * (width + Cm(1.0))
            # the title in a box of its own above the chart: two chart titles side by side ran
            # into each other on the 2026-02-26 deck's "barn och unga" slide
            self.text(s, t.title, left, top, width, Cm(1.5), size=14, bold=True)
            self.lines(s, t, left, top + Cm(1.6), width, H - Cm(1.8) - top - Cm(1.6))

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
            styles.append((REFERENCE[i % len(REFERENCE)], True))
        chart = s.shapes.add_chart(XL_CHART_TYPE.LINE_MARKERS, left, top, width, height, data).chart
        values = [float(v) for vs, _ in t.members.values() for v in vs if v is not None]
        values += [float(v) for vs in t.references.values() for v in vs if v is not None]
        if values:  # the axis around the values, not from 0: the lines would sit flat at the top
            span = (max(values) - min(values)) or 1
            chart.value_axis.minimum_scale = max(0, math.floor(min(values) - span * 0.15))
            chart.value_axis.maximum_scale = math.ceil(max(values) + span * 0.15)
        chart.has_legend, chart.legend.position = True, XL_LEGEND_POSITION.RIGHT
        chart.legend.include_in_layout, chart.legend.font.size = False, Pt(MIN_PT)  # beside the plot
        chart.font.size = Pt(MIN_PT)
        chart.has_title = False
        for series, (colour, dashed) in zip(chart.plots[0].series, styles):
            series.smooth = False
            _colour(series.format.line.color, colour)
            series.format.line.width = Pt(2.25 if dashed else 1.5)
            if dashed:
                series.format.line.dash_style = MSO_LINE_DASH_STYLE.DASH
            series.marker.size = 4
            series.marker.format.fill.solid()
            _colour(series.marker.format.fill.fore_color, colour)
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
                # narrow side margins: "Sollentuna" in bold 12 pt fits a member's column unbroken
                cell.margin_left = cell.margin_right = Cm(0.1)
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
        chart.plots[0].data_labels.font.size = Pt(MIN_PT)
        chart.plots[0].data_labels.number_format, chart.plots[0].data_labels.number_format_is_linked = "# ##0", False
        chart.font.size = Pt(MIN_PT)
        for i, series in enumerate(chart.plots[0].series):  # the template's theme colours
            series.format.fill.solid()
            series.format.fill.fore_color.theme_color = ACCENTS[i % len(ACCENTS)]
        if title:
            chart.has_title = True
            chart.chart_title.text_frame.text = title
            chart.chart_title.text_frame.paragraphs[0].font.size = Pt(14)
        return chart

    def save(self, path: Path) -> Path:
        self.prs.save(str(path))
        return path


def _colour(target, colour) -> None:
    """A hex colour (meaning: quartiles) or a theme colour of the template."""
    if isinstance(colour, str):
        target.rgb = RGBColor.from_string(colour)
    else:
        target.theme_color = colour


def _table_height(b: Table, rows, width, row_h):
    """What the table will take: a row grows by a line for each wrap of its longest cell
    (about 2.3 characters per cm at 12 pt), so what follows is placed below, not over it."""
    cols = len(b.header)
    first = Cm(b.first_col_cm) if b.first_col_cm else Emu(int(width / cols))
    other = Emu(int((width - first) / max(cols - 1, 1)))
    per_cm = 2.3 * 12 / max(MIN_PT, b.size)
    total = 0
    for r in [b.header, *rows]:
        lines = max(
            math.ceil(len(str(v or "")) / max(1, (w / Cm(1) - 0.3) * per_cm))
            for v, w in zip(r, [first] + [other] * (cols - 1))
        )
        total += max(row_h, Pt(max(MIN_PT, b.size) * 1.25) * lines + Cm(0.15))
    return Emu(int(total))


def build_deck(mt, path: Path, content: list[Page], template: Path | None = None) -> Path:
    """Every page (report/pages) as one slide or more, on the template of config/report.yml."""
    d = Deck(template)
    for page in content:
        d.page(page)
    return d.save(path)
