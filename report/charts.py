"""Charts for the report: matplotlib → PNG at print resolution → data: URI, so the HTML stays one
self-contained file that browsers and WeasyPrint both show (WeasyPrint places a bitmap several
times faster than it draws an SVG). Print-friendly: white ground, dark text, few colours,
numbers in Swedish format (babel). Figures without pyplot: no global registry of figures to
close, and a lighter import."""

from __future__ import annotations

import base64
import io

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter
from PIL import Image  # matplotlib's own dependency

from report import fmt
from report.base import QUARTILE_LINE

DPI = 150
BLUE, LIGHT_BLUE, ORANGE, GREY, DARK = "#1f5a8a", "#9cc3e4", "#d9822b", "#9a9a9a", "#222222"
matplotlib.rcParams.update(
    {
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "axes.edgecolor": "#888888",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlesize": 10,
        "axes.titleweight": "bold",
    }
)
SWEDISH = FuncFormatter(lambda v, _pos: fmt.number(v, 0 if abs(v) >= 10 or v == int(v) else 1))


def _floats(values) -> list[float | None]:
    """Marts give Decimal, int or float; matplotlib and arithmetic want float."""
    return [None if v is None else float(v) for v in values]


def _figure(width: float, height: float):
    """A figure with one axes, drawn by Agg at the PNG's dpi."""
    fig = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(fig)
    return fig, fig.subplots()


def _uri(fig) -> str:
    buf = io.BytesIO()
    # one layout pass, then one render: bbox_inches="tight" would draw the figure twice, and so
    # would the placeholder layout engine tight_layout() leaves behind (savefig draws once more
    # for any engine); the figure is made at the PNG's dpi, so both share one renderer and its
    # cache of text sizes
    fig.tight_layout(pad=0.3)
    fig.set_layout_engine(None)
    # PNG at print resolution: WeasyPrint draws an SVG of text-as-paths several times slower
    # than it places a bitmap, and the chart is the same in the browser. RGB, not matplotlib's
    # RGBA (the ground is opaque white anyway): WeasyPrint splits an alpha channel off into a
    # mask of its own, one more decode and encode per chart
    fig.canvas.draw()
    rgba = Image.frombuffer("RGBA", fig.canvas.get_width_height(physical=True), fig.canvas.buffer_rgba())
    rgba.convert("RGB").save(buf, format="png", dpi=(DPI, DPI))
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def horizontal_bars(
    labels: list[str], values: list[float], title: str, value_label, colour: str = BLUE, width: float = 7.0
) -> str:
    """One bar per label, largest on top, each with its value written at the end."""
    pairs = sorted(zip(labels, _floats(values)), key=lambda p: p[1] or 0)
    fig, ax = _figure(width, 0.3 * sum(p[0].count("\n") + 1 for p in pairs) + 0.8)
    bars = ax.barh([p[0] for p in pairs], [p[1] or 0 for p in pairs], color=colour)
    top = max((p[1] or 0) for p in pairs) or 1
    for bar, (_, v) in zip(bars, pairs):
        ax.text(
            bar.get_width() + top * 0.01,
            bar.get_y() + bar.get_height() / 2,
            value_label(v),
            va="center",
            fontsize=8,
            color=DARK,
        )
    ax.set_xlim(0, top * 1.22)
    ax.xaxis.set_major_formatter(SWEDISH)
    ax.set_title(_wrap(title, int(width * 8)), loc="left", fontsize=8.5)
    ax.tick_params(axis="y", length=0)
    return _uri(fig)


def grouped_bars(
    categories: list[str],
    series: dict[str, list[float | None]],
    title: str,
    ylabel: str = "",
    width: float = 6.6,
    height: float = 2.6,
) -> str:
    """Bars side by side per category, one colour per series (e.g. budget and utfall)."""
    colours = [LIGHT_BLUE, BLUE, ORANGE, GREY]
    series = {name: _floats(values) for name, values in series.items()}
    fig, ax = _figure(width, height)
    n = len(series)
    bar_w = 0.8 / max(n, 1)
    for i, (name, values) in enumerate(series.items()):
        xs = [c + (i - (n - 1) / 2) * bar_w for c in range(len(categories))]
        bars = ax.bar(xs, [v or 0 for v in values], bar_w, label=name, color=colours[i % len(colours)])
        for bar, v in zip(bars, values):
            if v is None:  # unknown is not zero: no bar, and the gap says so
                ax.text(
                    bar.get_x() + bar.get_width() / 2,
                    0,
                    "uppgift\nsaknas",
                    ha="center",
                    va="bottom",
                    fontsize=6,
                    color=GREY,
                )
            else:
                ax.text(
                    bar.get_x() + bar.get_width() / 2,
                    bar.get_height(),
                    fmt.number(v),
                    ha="center",
                    va="bottom",
                    fontsize=7,
                    color=DARK,
                )
    ax.set_xticks(range(len(categories)), categories)
    ax.yaxis.set_major_formatter(SWEDISH)
    top = max((v or 0) for values in series.values() for v in values) or 1
    ax.set_ylim(0, top * 1.25)  # room for the value labels and the legend
    ax.set_ylabel(ylabel)
    ax.set_title(_wrap(title, int(width * 8)), loc="left", fontsize=8.5)
    if n > 1:
        ax.legend(frameon=False, fontsize=7, ncols=n, loc="upper right")
    return _uri(fig)


LINE = QUARTILE_LINE


def trend_lines(block, width: float = 3.7, height: float = 2.7) -> str:
    """The eight as lines in their last year's quartile colour, each named at its end (labels
    spread so they never overlap); county, nation and the region's median dashed and in the
    legend. Ticks in the indicator's own precision, minus as "−" (report/fmt.py)."""
    years = block.years
    fig, ax = _figure(width, height)
    ends = []
    for name, (values, quartile) in block.members.items():
        ys = [float("nan") if v is None else float(v) for v in values]
        ax.plot(years, ys, color=LINE.get(quartile, LINE[None]), lw=1.1, marker="o", ms=1.8)
        last = next(((x, y) for x, y in zip(reversed(years), reversed(ys)) if y == y), None)
        if last:
            ends.append([last[1], name, LINE.get(quartile, LINE[None]), last[0]])
    styles = [(BLUE, "-"), (ORANGE, "--"), (DARK, ":")]  # the region's median, the county, the nation
    for i, (name, values) in enumerate(block.references.items()):
        colour, ls = styles[i] if i < len(styles) else (GREY, "-")
        ys = [float("nan") if v is None else float(v) for v in values]
        ax.plot(years, ys, color=colour, ls=ls, lw=1.6, label=name)
    _end_labels(ax, ends, years[-1])
    ax.set_xlim(years[0] - 0.2, years[-1] + 1.9)
    ax.set_xticks(years, [str(y) for y in years])
    d = block.decimals
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt.number(v, d)))
    ax.set_title(_wrap(block.title, 52), loc="left", fontsize=7)  # 52: the widest line fits the axes
    ax.set_ylabel(block.unit, fontsize=7)
    ax.tick_params(labelsize=6.5)
    ax.legend(frameon=False, fontsize=6, loc="upper center", bbox_to_anchor=(0.45, -0.1), ncols=3)
    return _uri(fig)


def _end_labels(ax, ends: list, last_year: int) -> None:
    """Names at the right end of the lines, pushed apart to at least 6.5 % of the y-range."""
    if not ends:
        return
    lo, hi = ax.get_ylim()
    gap = (hi - lo) * 0.065
    ends.sort(key=lambda e: e[0])
    placed = []
    for y, *_ in ends:
        placed.append(max(y, placed[-1] + gap) if placed else y)
    overflow = placed[-1] - hi + gap / 2
    if overflow > 0:  # shift the stack down to stay inside the axes
        placed = [max(p - overflow, lo + i * gap) for i, p in enumerate(placed)]
    # plain text and one set of straight leader lines: an annotation's arrow is clipped against
    # its text box, which cost more than drawing the rest of the chart
    for (_y, name, colour, _x), ly in zip(ends, placed):
        ax.text(last_year + 0.15, ly, name, fontsize=5.8, color=colour, va="center")
    leaders = [[(x, y), (last_year + 0.1, ly)] for (y, _n, _c, x), ly in zip(ends, placed)]
    ax.add_collection(LineCollection(leaders, colors=[e[2] for e in ends], linewidths=0.4), autolim=False)


def _wrap(text: str, n: int, whole_words: bool = False) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, n, break_long_words=not whole_words))


def bars(block, width: float) -> str:
    """A report/content.py Bars block as a chart, the same figures the deck's native chart has."""
    # a category's label no wider than its share of the axes (9 pt text, about 5,5 pt a letter):
    # at 11 letters "Näst bästa" ran into "Näst sämsta" on the narrow Kommunblad chart
    fit = int(width * 0.85 * 72 / max(1, len(block.categories)) / 5.5)
    labels = [_wrap(c, min(11, fit), whole_words=True) for c in block.categories]
    if block.horizontal:
        values = next(iter(block.series.values()))
        return horizontal_bars(
            [_wrap(c, 28) for c in block.categories], values, block.title, lambda v: fmt.number(v), width=width
        )
    return grouped_bars(labels, block.series, block.title, width=width, height=min(2.9, width * 0.62))
