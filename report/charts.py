"""Charts for the report: matplotlib → SVG → data: URI, so the HTML stays one self-contained file
that browsers and WeasyPrint both show. Text is drawn as paths: WeasyPrint's SVG renderer does
not read matplotlib's CSS font shorthand, and paths look the same everywhere. Print-friendly:
white ground, dark text, few colours,
numbers in Swedish format (babel)."""

from __future__ import annotations

import base64
import io

import matplotlib

matplotlib.use("Agg")  # no display on servers or in Airflow workers
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from report import fmt  # noqa: E402

BLUE, LIGHT_BLUE, ORANGE, GREY, DARK = "#1f5a8a", "#9cc3e4", "#d9822b", "#9a9a9a", "#222222"
plt.rcParams.update(
    {
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "svg.fonttype": "path",
        "axes.edgecolor": "#888888",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlesize": 10,
        "axes.titleweight": "bold",
        "svg.hashsalt": "fou-nordvast",  # stable ids: the same data gives the same file
    }
)
SWEDISH = FuncFormatter(lambda v, _pos: fmt.number(v, 0 if abs(v) >= 10 or v == int(v) else 1))


def _floats(values) -> list[float | None]:
    """Marts give Decimal, int or float; matplotlib and arithmetic want float."""
    return [None if v is None else float(v) for v in values]


def _uri(fig) -> str:
    buf = io.BytesIO()
    # one layout pass, then one render: bbox_inches="tight" would draw the figure twice
    fig.tight_layout(pad=0.3)
    fig.savefig(buf, format="svg", metadata={"Date": None})
    plt.close(fig)
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def horizontal_bars(
    labels: list[str], values: list[float], title: str, value_label, colour: str = BLUE, width: float = 7.0
) -> str:
    """One bar per label, largest on top, each with its value written at the end."""
    pairs = sorted(zip(labels, _floats(values)), key=lambda p: p[1] or 0)
    fig, ax = plt.subplots(figsize=(width, 0.24 * len(pairs) + 0.6))
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
    ax.set_title(title, loc="left")
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
    fig, ax = plt.subplots(figsize=(width, height))
    n = len(series)
    bar_w = 0.8 / max(n, 1)
    for i, (name, values) in enumerate(series.items()):
        xs = [c + (i - (n - 1) / 2) * bar_w for c in range(len(categories))]
        bars = ax.bar(xs, [v or 0 for v in values], bar_w, label=name, color=colours[i % len(colours)])
        for bar, v in zip(bars, values):
            if v is None:  # unknown is not zero: no bar, and the gap says so
                ax.text(bar.get_x() + bar.get_width() / 2, 0, "uppgift\nsaknas", ha="center", va="bottom",
                        fontsize=6, color=GREY)  # fmt: skip
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
    ax.set_title(title, loc="left")
    ax.legend(frameon=False, fontsize=8, ncols=n, loc="upper right")
    return _uri(fig)


def trend_lines(
    years: list[int],
    members: dict[str, list[float | None]],
    references: dict[str, list[float | None]],
    title: str,
    unit_label: str,
    width: float = 3.25,
    height: float = 2.1,
) -> str:
    """The region's municipalities as thin grey lines, county, nation and region median on top."""
    members = {k: _floats(v) for k, v in members.items()}
    references = {k: _floats(v) for k, v in references.items()}
    fig, ax = plt.subplots(figsize=(width, height))
    for values in members.values():
        ax.plot(years, [float("nan") if v is None else v for v in values], color="#c8c8c8", lw=0.9)
    styles = {"Nordväst (median)": (BLUE, "-"), "Stockholms län": (ORANGE, "--"), "Riket": (DARK, ":")}
    for name, values in references.items():
        colour, ls = styles.get(name, (GREY, "-"))
        ax.plot(
            years,
            [float("nan") if v is None else v for v in values],
            color=colour,
            ls=ls,
            lw=1.8,
            label=name,
            marker="o",
            ms=2.5,
        )
    ax.set_xticks(years, [str(y) for y in years])
    ax.yaxis.set_major_formatter(SWEDISH)
    if title:
        ax.set_title(title, loc="left", fontsize=8.5)
    ax.set_ylabel(unit_label, fontsize=7.5)
    ax.tick_params(labelsize=7)
    ax.legend(frameon=False, fontsize=6.5, loc="best")
    return _uri(fig)
