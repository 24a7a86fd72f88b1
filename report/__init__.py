"""The steering-group report (Swedish, PPTX deck + HTML + PDF), built from the published database only."""

from datetime import date
from pathlib import Path

import yaml

MEETINGS = Path(__file__).resolve().parent.parent / "config" / "report.yml"


def covered_year(meeting: date) -> int:
    """The activity year a meeting's deck covers: the year before the meeting. Here, not in
    report.build, so that the monthly load can ask without importing matplotlib or WeasyPrint."""
    return meeting.year - 1


def meetings() -> list[date]:
    return sorted(yaml.safe_load(MEETINGS.read_text(encoding="utf-8"))["meetings"])


def meeting_for(year: int) -> date | None:
    """`fou report --year Y`: the first meeting in config/report.yml whose deck covers Y."""
    return next((d for d in meetings() if covered_year(d) == year), None)


def next_meeting(today: date | None = None) -> date:
    """The first steering-group meeting in config/report.yml on or after today (the last one
    listed when all are past): the meeting the deck is built for by default."""
    dates = meetings()
    today = today or date.today()
    return next((d for d in dates if d >= today), dates[-1])


PROJECT = Path(__file__).resolve().parent.parent


def template_path() -> Path:
    """The PowerPoint template of the deck (config/report.yml `template`, relative to the
    project), the bundled neutral one by default."""
    name = yaml.safe_load(MEETINGS.read_text(encoding="utf-8")).get("template")
    return PROJECT / name if name else PROJECT / "report" / "templates" / "standard.pptx"
