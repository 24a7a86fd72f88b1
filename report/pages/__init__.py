"""The meeting's pages: one module per page (its query, a typed dataclass of its data, its
builder `build(Meeting) -> list[Page]`), and PAGES, the one list that gives their order, the
order of the hand-made 2026-02-26 deck. Adding a page is one module and one line here.

A section without data has no page (its divider goes too); the title page comes first and is
made last, from the titles of the pages that open a chapter."""

from __future__ import annotations

from datetime import UTC, date, datetime

import duckdb

from ingestion.errors import MeetingError
from report import meeting_for
from report.base import Marts, Meeting, newest, region
from report.blocks import Page
from report.pages import (
    about,
    budget,
    communication,
    events,
    fees,
    key_messages,
    kommunblad,
    oj,
    plan,
    requests,
    sections,
    staffing,
    work,
)

PAGES = [
    key_messages.build,
    sections.vb,
    work.build,
    communication.build,
    events.build,
    requests.build,
    sections.vp,
    plan.build,
    staffing.build,
    budget.build,
    fees.build,
    sections.oj,
    oj.build,
    sections.kommunblad,
    kommunblad.build,
    about.build,
]

# the record marts of the unit's own work: a region without any up to the year has no records
RECORDS = (
    "marts.fct_follow_up_by_goal",
    "marts.fct_request_totals",
    "marts.fct_staffing_per_year",
    "marts.fct_budget",
    "marts.fct_communication",
    "marts.fct_events_per_year",
)


def has_records(m: Marts, year: int, meeting_year: int) -> bool:
    if any(m.has(t) and newest(m, t, meeting_year) is not None for t in RECORDS):
        return True
    return m.has("marts.fct_fees") and newest(m, "marts.fct_fees", meeting_year, "is_invoiced", "fee_year") is not None


def meeting(con: duckdb.DuckDBPyConnection, year: int, on: date | None = None) -> Meeting:
    """The context of the deck for the meeting `on` (its activity year is `year`, the year
    before the meeting); a MeetingError when the warehouse has nothing for it."""
    m = Marts(con)
    configured = on is not None or meeting_for(year) is not None
    on = on or meeting_for(year) or date(year + 1, 2, 1)
    mt = Meeting(m, region(m), year, on, configured, datetime.now(UTC))
    mt.no_records = not has_records(m, year, on.year)
    if mt.no_records and oj.query(mt) is None:
        raise MeetingError(
            f"rapport: det publicerade datalagret har inga uppgifter för verksamhetsår {year} eller tidigare "
            + (f"(möte {on.isoformat()})" if configured else "(inget möte för det året i config/report.yml)")
            + "; ingen rapport skriven"
        )
    return mt


def pages(mt: Meeting) -> list[Page]:
    """All pages of the meeting in PAGES' order, the title page first."""
    out: list[Page] = []
    for make in PAGES:
        out += make(mt)
    # a divider without pages after it (its section has no data) goes
    kept = [p for i, p in enumerate(out) if p.kind != "section" or (i + 1 < len(out) and out[i + 1].kind == "content")]
    return [sections.title(mt, kept), *kept]
