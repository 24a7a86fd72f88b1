"""The steering-group meeting's content: plain dicts per section, the deck's order, each with
the newest data there is up to the meeting and the period it covers. report/content*.py makes
the pages of the deck, the HTML and the PDF from them; nothing here knows how it is drawn.

Unknown stays unknown: a year whose requests have only a total gives None per decision (shown
as "uppgift saknas"), never 0; a budget without outcome gives outcome None ("utfall saknas");
a change is the source's own where it states one, else only against the year just before."""

from __future__ import annotations

from datetime import date

from report.base import Marts, swedish_key

UNKNOWN = "uppgift saknas"
DECISIONS = [("n_yes", "Ja"), ("n_no", "Nej"), ("n_pending", "Vilande / under hantering")]


def _newest(m: Marts, table: str, upto: int, where: str = "true") -> int | None:
    return m.one(f"select max(year) from {table} where year <= ? and ({where})", [upto])


def points(m: Marts, meeting: date) -> dict:
    """Kärnbudskap and Beslutspunkter the chief recorded for this meeting."""
    if not m.has("marts.fct_meeting_points"):
        return dict(messages=[], decisions=[])
    rows = m.rows(
        "select point_type, heading, body from marts.fct_meeting_points where meeting_date = ? order by position",
        [meeting],
    )

    def pick(kind: str) -> list[dict]:
        return [dict(heading=r["heading"], body=r["body"]) for r in rows if r["point_type"] == kind]

    return dict(messages=pick("kärnbudskap"), decisions=pick("beslutspunkt"))


def requests(m: Marts, year: int) -> dict | None:
    """This year's requests against the year before; a year with only a total has no split."""
    shown = _newest(m, "marts.fct_request_totals", year)
    if shown is None:
        return None
    totals = {
        r["year"]: r for r in m.rows("select * from marts.fct_request_totals where year in (?, ?)", [shown, shown - 1])
    }

    def split(t: dict | None) -> dict | None:
        if t is None:
            return None
        known = t["n_decision_unknown"] < t["n_requests"]
        return dict(
            year=t["year"],
            total=t["n_requests"],
            decisions={label: (t[k] if known else None) for k, label in DECISIONS},
            members=t["n_from_region_members"] if t["n_origin_unknown"] < t["n_requests"] else None,
            external=t["n_external"] if t["n_origin_unknown"] < t["n_requests"] else None,
        )

    return dict(year=shown, this=split(totals[shown]), last=split(totals.get(shown - 1)))


def staffing(m: Marts, upto: int) -> dict | None:
    shown = _newest(m, "marts.fct_staffing_per_year", upto)
    if shown is None:
        return None
    total = m.rows("select * from marts.fct_staffing_per_year where year = ?", [shown])[0]
    rows = m.rows("select role, funding, fte from marts.fct_staffing where year = ? order by fte desc, role", [shown])
    return dict(year=shown, total=total, rows=rows)


def budget(m: Marts, upto: int) -> dict | None:
    """The newest year with a budget; its outcome is None until it is recorded."""
    shown = _newest(m, "marts.fct_budget", upto, "budget_tkr is not null or outcome_tkr is not null")
    if shown is None:
        return None
    order = ["intäkter", "personal", "lokaler", "it", "övrigt"]
    rows = m.rows(
        "select category, category_type, budget_tkr, outcome_tkr from marts.fct_budget where year = ?",
        [shown],
    )
    rows.sort(key=lambda r: order.index(r["category"]) if r["category"] in order else 99)
    for r in rows:
        r["label"] = "IT" if r["category"] == "it" else r["category"].capitalize()
    return dict(
        year=shown,
        rows=rows,
        has_outcome=any(r["outcome_tkr"] is not None for r in rows),
        total=m.rows("select * from marts.fct_budget_totals where year = ?", [shown])[0],
    )


def communication(m: Marts, year: int) -> dict | None:
    shown = _newest(m, "marts.fct_communication", year)
    if shown is None:
        return None
    rows = m.rows(
        "select channel, metric, subject, value, is_approximate, previous_year, previous_value, change_pct, "
        "quoted_change_pct from marts.fct_communication where year = ? order by channel, metric, subject nulls first",
        [shown],
    )
    for r in rows:
        # the source's stated change wins; a computed one only against the year just before
        if r["quoted_change_pct"] is not None:
            r["change"], r["change_basis"] = r["quoted_change_pct"], "enligt källan"
        elif r["previous_year"] == shown - 1 and r["change_pct"] is not None:
            r["change"], r["change_basis"] = r["change_pct"], f"mot {shown - 1}"
        else:
            r["change"], r["change_basis"] = None, ""
    return dict(year=shown, rows=rows)


def events(m: Marts, year: int) -> dict | None:
    shown = _newest(m, "marts.fct_events_per_year", year)
    if shown is None:
        return None
    per_year = m.rows("select * from marts.fct_events_per_year where year = ?", [shown])[0]
    rated = m.rows(
        "select event_name, question, mean_rating, scale_max, mean_rating_pct_of_scale, respondents "
        "from marts.fct_event_evaluations where year = ? and mean_rating is not null "
        "order by event_date nulls last, event_name",
        [shown],
    )
    return dict(year=shown, per_year=per_year, rated=rated)


def goal_order(m: Marts) -> list[str]:
    """The result goals in the plans' order (marts.dim_goal); in a published file from before
    that mart, the goals the activity mart has, in its order."""
    if m.has("marts.dim_goal"):
        return [r["goal"] for r in m.rows("select goal from marts.dim_goal order by position")]
    return [
        r["goal"]
        for r in m.rows(
            "select goal from marts.fct_follow_up_by_goal where goal is not null group by goal order by min(rowid)"
        )
    ]


def work_per_goal(m: Marts, year: int) -> dict | None:
    """Assignments and activities of the newest year with either, per goal and area."""
    shown = _newest(m, "marts.fct_follow_up_by_goal", year)
    if shown is None:
        return None
    rows = m.rows(
        "select item_type, goal, area, sum(n_items) as n from marts.fct_follow_up_by_goal where year = ? group by all",
        [shown],
    )
    goals = []
    for g in goal_order(m):
        mine = [r for r in rows if r["goal"] == g]
        areas = sorted({r["area"] for r in mine if r["n"]}, key=swedish_key)
        goals.append(
            dict(
                goal=g,
                assignments=sum(r["n"] for r in mine if r["item_type"] == "uppdrag"),
                activities=sum(r["n"] for r in mine if r["item_type"] == "aktivitet"),
                areas=[
                    dict(
                        area=a,
                        assignments=sum(r["n"] for r in mine if r["area"] == a and r["item_type"] == "uppdrag"),
                        activities=sum(r["n"] for r in mine if r["area"] == a and r["item_type"] == "aktivitet"),
                    )
                    for a in areas
                ],
            )
        )
    return dict(year=shown, goals=goals)
