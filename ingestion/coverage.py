"""Coverage check before publishing: a new load may add rows, never silently lose a slice.

A slice is one combination of a mart's grain columns (e.g. year=2024, sex=men, age_band=0-17).
Every slice that has rows in the published database and none in the work database is "lost";
pipeline.publish refuses to publish then, unless the user allows it (FOU_ALLOW_SHRINK=1).
Every mart is also checked as a whole: rows before, table gone or empty now."""

from __future__ import annotations

from pathlib import Path

import duckdb

# mart -> grain columns. Only the columns that exist in both databases are used, so the check
# stays correct when a mart gains or loses a column; a mart not listed is checked as a whole.
GRAIN: dict[str, tuple[str, ...]] = {
    "fct_population": ("year", "sex", "age_band"),
    "fct_oj_results": ("kpi_id", "year"),
    "fct_fees": ("fee_year",),
    "fct_fee_totals": ("fee_year",),
    "fct_requests": ("year",),
    "fct_request_totals": ("year",),
    "fct_assignments": ("year",),
    "fct_budget": ("year",),
    "fct_budget_totals": ("year",),
    "fct_staffing": ("year",),
    "fct_staffing_per_year": ("year",),
    "fct_communication": ("year",),
    "fct_event_evaluations": ("year",),
    "fct_events_per_year": ("year",),
    "fct_follow_up_by_goal": ("year",),
    "fct_follow_up_by_municipality": ("year",),
}


def _columns(con, db: str) -> dict[str, set[str]]:
    rows = con.execute(
        "select table_name, column_name from information_schema.columns "
        "where table_catalog = ? and table_schema = 'marts'",
        [db],
    ).fetchall()
    cols: dict[str, set[str]] = {}
    for table, column in rows:
        cols.setdefault(table, set()).add(column)
    return cols


def _counts(con, db: str, mart: str, grain: list[str]) -> dict[tuple, int]:
    keys = ", ".join(f'"{c}"::varchar' for c in grain) or "'all'"
    sql = f'select {keys}, count(*) from "{db}".marts."{mart}" group by all'
    return {tuple(r[:-1]): r[-1] for r in con.execute(sql).fetchall()}


def lost_slices(published: Path, work: Path) -> list[dict]:
    """Slices with rows in `published` and none in `work`, one dict each (mart, slice, counts).
    Both files are opened read-only."""
    if not published.exists():
        return []
    con = duckdb.connect()
    try:
        con.execute(f"attach '{published}' as pub (read_only)")
        con.execute(f"attach '{work}' as wrk (read_only)")
        before, after = _columns(con, "pub"), _columns(con, "wrk")
        lost = []
        for mart, cols in sorted(before.items()):
            grain = [c for c in GRAIN.get(mart, ()) if c in cols and c in after.get(mart, set())]
            old = _counts(con, "pub", mart, grain)
            new = _counts(con, "wrk", mart, grain) if mart in after else {}
            total = sum(new.values())
            if not total and old:  # the whole mart: gone or empty
                lost.append({"mart": mart, "slice": "(all rows)", "published": sum(old.values()), "new": 0})
                continue
            for key, n in sorted(old.items(), key=lambda kv: tuple(str(k) for k in kv[0])):
                if key not in new:
                    where = ", ".join(f"{c}={v}" for c, v in zip(grain, key, strict=True))
                    lost.append({"mart": mart, "slice": where, "published": n, "new": 0})
        return lost
    finally:
        con.close()


def refusal_message(lost: list[dict]) -> str:
    lines = [f"  marts.{x['mart']} {x['slice']}: published {x['published']} rows, new 0" for x in lost]
    return (
        f"publish refused: the new load has no rows for {len(lost)} slice(s) the published "
        "database has:\n" + "\n".join(lines) + "\nIf the removal is deliberate, publish with "
        "FOU_ALLOW_SHRINK=1 (recorded in main.publication)."
    )
