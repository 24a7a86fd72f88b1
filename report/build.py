"""The steering-group deck of a meeting, three ways from one gathered content: the editable
PPTX (report/deck.py), one self-contained HTML file with a table of contents, and its PDF
(WeasyPrint), built only from the published DuckDB (opened read-only, so a running load is
never disturbed).

`gather` reads the marts once (report/sections/); report/content*.py turns that into pages of
formatted blocks; deck.py and the HTML template only draw those pages. `build(db, out_dir,
year, on=meeting)` returns (html, pdf, pptx). Nothing here imports the loading code."""

from __future__ import annotations

import gc
import logging
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ingestion.errors import MeetingError, NoPublishedDatabase
from report import covered_year, meeting_for, rendering
from report.base import GENERATED_NOTICE, Marts, region
from report.sections import fees, meeting, municipality, oj, provenance

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent


def gather(con: duckdb.DuckDBPyConnection, year: int, on: date | None = None) -> dict:
    """Everything the deck, HTML and PDF show, for the meeting `on` (its year of activity is
    `year`, the year before the meeting); each section picks its newest data up to then."""
    m = Marts(con)
    configured = on is not None or meeting_for(year) is not None
    on = on or meeting_for(year) or date(year + 1, 2, 1)
    fee_year = year
    if m.has("marts.fct_fees"):  # the fee of the meeting's year, once decided
        fee_year = (
            m.one("select max(fee_year) from marts.fct_fees where is_invoiced and fee_year <= ?", [on.year]) or year
        )
    who = region(m)
    detailed = len(who.members) <= oj.MAX_MEMBERS_SHOWN  # one Kommunblad per member up to a dozen
    c = dict(
        region=who,
        year=year,
        meeting=on,
        is_meeting=configured,
        fee_year=fee_year,
        points=meeting.points(m, on),
        work=meeting.work_per_goal(m, year) if m.has("marts.fct_follow_up_by_goal") else None,
        requests_m=meeting.requests(m, year) if m.has("marts.fct_request_totals") else None,
        staffing_m=meeting.staffing(m, on.year) if m.has("marts.fct_staffing_per_year") else None,
        budget_m=meeting.budget(m, on.year) if m.has("marts.fct_budget", "marts.fct_budget_totals") else None,
        communication_m=meeting.communication(m, year) if m.has("marts.fct_communication") else None,
        events_m=meeting.events(m, year) if m.has("marts.fct_events_per_year") else None,
        sheets=municipality.sheets(m, year, on.year) if m.has(*municipality.NEEDS) and detailed else [],
        generated_at=datetime.now(UTC),
        fees=fees.fees_section(m, fee_year),
        oj=oj.oj_section(m, year),
        quality=provenance.provenance_section(m),
        generated_notice=GENERATED_NOTICE,
    )
    activity = ("work", "requests_m", "staffing_m", "budget_m", "communication_m", "events_m")
    # a region without records of its own (region.records_dir empty) still has its ÖJ standing
    c["no_records"] = not any(c[k] for k in activity) and not c["fees"].available
    if c["no_records"] and not c["oj"].available:
        raise MeetingError(
            f"rapport: det publicerade datalagret har inga uppgifter för verksamhetsår {year} eller tidigare "
            + (f"(möte {on.isoformat()})" if configured else "(inget möte för det året i config/report.yml)")
            + "; ingen rapport skriven"
        )
    return c


def render_html(context: dict, content: list | None = None) -> str:
    """The HTML of the gathered `context`; `content`: its pages, when already made."""
    from report.content_more import pages

    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["css"] = (HERE / "templates" / "report.css").read_text(encoding="utf-8")
    env.filters["soft"] = rendering.soft_hyphens
    laid_out = rendering.lay_out(content if content is not None else pages(context))
    return env.get_template("report.html.j2").render(pages=laid_out, **context)


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


def build(db: Path, out_dir: Path, year: int | None = None, pdf: bool = True, on: date | None = None) -> tuple:
    """The deck of meeting `on` (or of the meeting covering activity year `year`) from the
    published database `db`, written into `out_dir`: (html, pdf or None, pptx)."""
    if not db.exists():  # the same line as every command's (ingestion.warehouse.published)
        raise NoPublishedDatabase(db)
    year = year if year is not None else covered_year(on)
    with duckdb.connect(str(db), read_only=True) as con:
        context = gather(con, year, on)
    with _older_objects_left_alone():
        from report.content_more import pages

        content = pages(context)  # once, for the HTML/PDF and the deck
        html = render_html(context, content)
        html_path, pdf_path, pptx_path = output_paths(out_dir, context["meeting"])
        html_path.parent.mkdir(parents=True, exist_ok=True)
        _write(html_path, lambda p: p.write_text(html, encoding="utf-8"))
        from report.deck import build_deck

        _write(pptx_path, lambda p: build_deck(context, p, content))
        if not pdf:
            return html_path, None, pptx_path
        _write(pdf_path, lambda p: rendering.write_pdf(html, p))
    return html_path, pdf_path, pptx_path


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
