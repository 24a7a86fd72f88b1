"""The steering-group deck of a meeting, three ways from one gathered content: the editable
PPTX (report/deck.py), one self-contained HTML file with a table of contents, and its PDF
(WeasyPrint), built only from the published DuckDB (opened read-only, so a running load is
never disturbed).

report/pages/ reads the marts (one module per page, in the order of report/pages PAGES) into
pages of formatted blocks (report/blocks.py); deck.py and the HTML template only draw them. `build(db, out_dir,
year, on=meeting)` returns (html, pdf, pptx). Nothing here imports the loading code."""

from __future__ import annotations

import gc
import logging
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import duckdb
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ingestion.errors import NoPublishedDatabase
from report import covered_year, rendering
from report.base import Meeting
from report.blocks import Page
from report.pages import meeting, pages

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent


def render_html(mt: Meeting, content: list[Page] | None = None) -> str:
    """The HTML of the meeting `mt`; `content`: its pages, when already made."""
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["css"] = (HERE / "templates" / "report.css").read_text(encoding="utf-8")
    env.filters["soft"] = rendering.soft_hyphens
    laid_out = rendering.lay_out(content if content is not None else pages(mt))
    return env.get_template("report.html.j2").render(pages=laid_out, region=mt.region, generated_at=mt.generated_at)


def output_paths(out_dir: Path, on: date) -> tuple[Path, Path, Path]:
    stem = out_dir / f"styrgruppsmote_{on.isoformat()}"
    return stem.with_suffix(".html"), stem.with_suffix(".pdf"), stem.with_suffix(".pptx")


def _write(path: Path, write) -> Path:
    """Into a temporary name first, so a reader never sees half a file."""
    tmp = path.with_name(path.name + ".tmp")
    write(tmp)
    tmp.replace(path)
    log.info("report: %s", path)
    return path


def build(
    db: Path,
    out_dir: Path,
    year: int | None = None,
    pdf: bool = True,
    on: date | None = None,
    kommunblad: bool = False,
) -> tuple:
    """The deck of meeting `on` (or of the meeting covering activity year `year`) from the
    published database `db`, written into `out_dir`: (html, pdf or None, pptx), and with
    `kommunblad` after them one PDF per member municipality, named after it."""
    if not db.exists():  # the same line as every command's (ingestion.warehouse.published)
        raise NoPublishedDatabase(db)
    year = year if year is not None else covered_year(on)
    with duckdb.connect(str(db), read_only=True) as con:
        mt = meeting(con, year, on)
        content = pages(mt)  # once, for the HTML/PDF and the deck
    with _older_objects_left_alone():
        html = render_html(mt, content)
        html_path, pdf_path, pptx_path = output_paths(out_dir, mt.on)
        html_path.parent.mkdir(parents=True, exist_ok=True)
        _write(html_path, lambda p: p.write_text(html, encoding="utf-8"))
        from report.deck import build_deck

        _write(pptx_path, lambda p: build_deck(mt, p, content))
        sheets = write_kommunblad(mt, content, out_dir) if kommunblad else []
        if not pdf:
            return html_path, None, pptx_path, *sheets
        _write(pdf_path, lambda p: rendering.write_pdf(html, p))
    return html_path, pdf_path, pptx_path, *sheets


def kommunblad_path(out_dir: Path, name: str, on: date) -> Path:
    """kommunblad_Upplands_Väsby_2026-02-26.pdf: the municipality's own name, for the chief to send."""
    return out_dir / f"kommunblad_{name.replace(' ', '_')}_{on.isoformat()}.pdf"


def write_kommunblad(mt: Meeting, content: list[Page], out_dir: Path) -> list[Path]:
    """Each Kommunblad page of the deck as a PDF of its own (the same page as in the deck's PDF)."""
    out = []
    for page in content:
        if page.id.startswith("kommun-"):
            name = page.title.removeprefix("Kommunblad – ")
            html = render_html(mt, [page])
            out.append(_write(kommunblad_path(out_dir, name, mt.on), lambda p, h=html: rendering.write_pdf(h, p)))
    return out


@contextmanager
def _older_objects_left_alone():
    """matplotlib and WeasyPrint make millions of short-lived objects, and every full garbage
    collection they trigger also walked all the objects already there (the imported modules,
    fonts, the gathered content): frozen, those are skipped (half the collector's time, about
    0,6 s of the bundled deck). Unfrozen after, so nothing is kept longer than the build."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
