"""The steering-group report (Swedish, HTML + PDF), built from the published database only."""

from datetime import date


def latest_complete_year(today: date | None = None) -> int:
    """The year a report covers by default: last year. Here, not in report.build, so that the
    monthly load can ask it without importing the report code (matplotlib, WeasyPrint)."""
    return (today or date.today()).year - 1
