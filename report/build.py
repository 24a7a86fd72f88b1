"""The steering-group report: Swedish, one self-contained HTML file and a PDF, built only from
the published DuckDB (opened read-only, so a running load is never disturbed).

Each section (report/sections/) reads its marts; a section whose mart is not in the published
database yet says so in the report instead of failing. `build(db, out_dir, year)` returns the
two paths. Nothing here imports the loading code: the report needs only the database."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from report import fmt
from report.base import GENERATED_NOTICE, QUARTILE_FILL, Marts
from report.sections import activity, fees, meeting, municipality, oj, provenance

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent


def gather(con: duckdb.DuckDBPyConnection, year: int, on: date | None = None) -> dict:
    """Everything the deck, HTML and PDF show, for the meeting `on` (its year of activity is
    `year`, the year before the meeting); each section picks its newest data up to then."""
    m = Marts(con)
    fee_year = year
    if on is not None:  # the fee of the meeting's year, once decided
        fee_year = (
            m.one("select max(fee_year) from marts.fct_fees where is_invoiced and fee_year <= ?", [on.year]) or year
        )
    on = on or date(year + 1, 2, 1)
    return dict(
        year=year,
        meeting=on,
        fee_year=fee_year,
        points=meeting.points(m, on),
        work=meeting.work_per_goal(m, year),
        requests_m=meeting.requests(m, year),
        staffing_m=meeting.staffing(m, on.year),
        budget_m=meeting.budget(m, on.year),
        communication_m=meeting.communication(m, year),
        events_m=meeting.events(m, year),
        sheets=municipality.sheets(m, year, on.year) if m.has(*municipality.NEEDS) else [],
        generated_at=datetime.now(UTC),
        fees=fees.fees_section(m, fee_year),
        budget=activity.budget_section(m, year),
        oj=oj.oj_section(m, year),
        requests=activity.requests_section(m, year),
        assignments=activity.assignments_section(m, year),
        events=activity.events_section(m, year),
        communication=activity.communication_section(m, year),
        staffing=activity.staffing_section(m, year),
        quality=provenance.provenance_section(m),
        generated_notice=GENERATED_NOTICE,
        quartile_fill=QUARTILE_FILL,
    )


def render_html(context: dict) -> str:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        number=fmt.number,
        kr=fmt.kr,
        pct=fmt.pct,
        tkr=fmt.tkr,
        day=fmt.day,
        signed=fmt.signed,
        in_unit=fmt.value_in_unit,
    )
    env.globals["css"] = (HERE / "templates" / "report.css").read_text(encoding="utf-8")
    return env.get_template("report.html.j2").render(**context)


def output_paths(out_dir: Path, year: int, on: date | None = None) -> tuple[Path, Path]:
    stem = f"styrgruppsmote_{on.isoformat()}" if on else f"styrgruppsrapport_{year}"
    return out_dir / f"{stem}.html", out_dir / f"{stem}.pdf"


def build(db: Path, out_dir: Path, year: int, pdf: bool = True, on: date | None = None) -> tuple[Path, ...]:
    """The report of `year` from the published database `db`, written into `out_dir`; for a
    meeting `on` also the editable deck (styrgruppsmote_<date>.pptx): (html, pdf[, pptx])."""
    if not db.exists():
        raise FileNotFoundError(f"{db} finns inte: kör först den månatliga laddningen (make run)")
    with duckdb.connect(str(db), read_only=True) as con:
        context = gather(con, year, on)
    html = render_html(context)
    html_path, pdf_path = output_paths(out_dir, year, on)
    html_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = html_path.with_suffix(".html.tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(html_path)
    log.info("report HTML: %s", html_path)
    extra: tuple[Path, ...] = ()
    if on is not None:
        from report.deck import build_deck

        extra = (build_deck(context, html_path.with_suffix(".pptx")),)
        log.info("report deck: %s", extra[0])
    if not pdf:
        return html_path, None, *extra
    from weasyprint import HTML  # imported late: a slow import the HTML alone does not need

    tmp = pdf_path.with_suffix(".pdf.tmp")
    HTML(string=html, base_url=str(html_path.parent)).write_pdf(tmp)
    tmp.replace(pdf_path)
    log.info("report PDF: %s", pdf_path)
    return html_path, pdf_path, *extra
