"""Report sections from the internal-records marts (marts.fct_budget, fct_requests, …).

A year without records falls back to the latest earlier year that has them, and the report
says so; rows that are invented examples (is_example / contains_examples) are flagged."""

from __future__ import annotations

from report import charts, fmt
from report.base import Marts, Section, guarded, not_yet, swedish_key, year_with_data

DECISIONS = [("ja", "Ja"), ("nej", "Nej"), ("pågående", "Vilande / under hantering"), ("okänt", "Okänt beslut")]
EXAMPLE_NOTICE = (
    "innehåller exempelrader: påhittad fördelning som summerar till källans siffror, inte uppgifter ur verksamheten"
)


@guarded
def budget_section(m: Marts, year: int) -> Section:
    if not m.has("marts.fct_budget", "marts.fct_budget_totals"):
        return not_yet("marts.fct_budget")
    shown, note = year_with_data(m, "marts.fct_budget", year, "outcome_tkr is not null")
    if shown is None:
        shown, note = year_with_data(m, "marts.fct_budget", year)
    if shown is None:
        return Section(False, note)
    order = ["intäkter", "personal", "lokaler", "it", "övrigt"]
    rows = m.rows("select * from marts.fct_budget where year = ?", [shown])
    rows.sort(key=lambda r: order.index(r["category"]) if r["category"] in order else 99)
    total = m.rows("select * from marts.fct_budget_totals where year = ?", [shown])[0]
    trend = m.rows("select * from marts.fct_budget_totals where year <= ? order by year", [year])
    cost_rows = [r for r in rows if r["category_type"] == "cost"]
    chart = charts.grouped_bars(
        [r["category"].capitalize() if r["category"] != "it" else "IT" for r in cost_rows],
        {"Budget": [r["budget_tkr"] for r in cost_rows], "Utfall": [r["outcome_tkr"] for r in cost_rows]},
        f"Kostnader {shown}: budget och utfall (tkr)",
    )
    return Section(
        data=dict(
            year=shown,
            note=note,
            rows=rows,
            total=total,
            trend=trend,
            chart=chart,
            examples=any(r["is_example"] for r in rows),
        )
    )


@guarded
def requests_section(m: Marts, year: int) -> Section:
    if not m.has("marts.fct_requests", "marts.fct_request_totals"):
        return not_yet("marts.fct_requests")
    shown, note = year_with_data(m, "marts.fct_request_totals", year)
    if shown is None:
        return Section(False, note)
    totals = {
        r["year"]: r for r in m.rows("select * from marts.fct_request_totals where year in (?, ?)", [shown, shown - 1])
    }
    this, last = totals[shown], totals.get(shown - 1)
    by_origin = m.rows(
        """select origin_name, is_region_member, decision, sum(n_requests) as n,
                                 bool_or(contains_examples) as examples
                          from marts.fct_requests where year = ? group by all""",
        [shown],
    )
    origins: dict[str, dict] = {}
    for r in by_origin:
        o = origins.setdefault(
            r["origin_name"],
            dict(
                name=r["origin_name"],
                member=r["is_region_member"],
                total=0,
                examples=False,
                **{d: 0 for d, _ in DECISIONS},
            ),
        )
        o[r["decision"]] = o.get(r["decision"], 0) + r["n"]
        o["total"] += r["n"]
        o["examples"] |= r["examples"]
    previous = {
        r["origin_name"]: r["n"]
        for r in m.rows(
            "select origin_name, sum(n_requests) as n from marts.fct_requests where year = ? group by all", [shown - 1]
        )
    }
    # members first (Swedish order), then external and unknown
    table = sorted(origins.values(), key=lambda o: (not o["member"], swedish_key(o["name"])))
    for o in table:
        o["previous"] = previous.get(o["name"])
    labels = ["Totalt"] + [label for _, label in DECISIONS]
    keys = ["n_requests", "n_yes", "n_no", "n_pending", "n_decision_unknown"]

    def bars(t: dict) -> list:
        """A year with only a total has no split by decision: None (no bar), never 0."""
        split = t["n_decision_unknown"] < t["n_requests"]
        return [t[k] if split or k in ("n_requests", "n_decision_unknown") else None for k in keys]

    series = {str(shown): bars(this)}
    if last:
        series = {str(shown - 1): bars(last), **series}
    chart_decisions = charts.grouped_bars(
        [
            label.replace("Vilande / under hantering", "Vilande/\nunder hantering").replace(
                "Okänt beslut", "Okänt\nbeslut"
            )
            for label in labels
        ],
        series,
        f"Förfrågningar {shown} jämfört med {shown - 1}, per beslut",
    )
    members = [o for o in table if o["member"]]
    chart_origin = (
        charts.horizontal_bars(
            [o["name"] for o in table], [o["total"] for o in table], f"Förfrågningar {shown} per ursprung", fmt.number
        )
        if table
        else None
    )
    return Section(
        data=dict(
            year=shown,
            note=note,
            this=this,
            last=last,
            origins=table,
            decisions=DECISIONS,
            n_members=len([o for o in members if o["total"]]),
            chart_decisions=chart_decisions,
            chart_origin=chart_origin,
            examples=bool(this["contains_examples"]),
        )
    )


@guarded
def assignments_section(m: Marts, year: int) -> Section:
    if not m.has("marts.fct_follow_up_by_goal"):
        return not_yet("marts.fct_follow_up_by_goal")
    out = {}
    labels = {"uppdrag": "Uppdrag och projekt", "aktivitet": "Aktiviteter"}
    types = [t for (t,) in m.con.execute("select distinct item_type from marts.fct_follow_up_by_goal").fetchall()]
    for item_type in sorted(types, key=lambda t: (t not in labels, list(labels).index(t) if t in labels else 0, t)):
        label = labels.get(item_type, str(item_type).capitalize())
        where = f"item_type = '{item_type.replace(chr(39), chr(39) * 2)}'"
        shown, note = year_with_data(m, "marts.fct_follow_up_by_goal", year, where)
        if shown is None:
            continue
        rows = m.rows(
            f"""select goal, area, sum(n_items) as n, sum(previous_year_n_items) as prev,
                                 bool_or(contains_examples) as examples
                          from marts.fct_follow_up_by_goal where {where} and year = ? group by all""",
            [shown],
        )
        goals = ["producera kunskap", "stödja utveckling", "sprida kunskap", "främja samverkan"]
        goals += sorted({r["goal"] for r in rows} - set(goals), key=swedish_key)
        # one row per area, one column per goal: four goals fit a page, the areas would not
        grid = []
        for area in sorted({r["area"] for r in rows if r["n"] or r["prev"]}, key=swedish_key):
            cells = {r["goal"]: r["n"] for r in rows if r["area"] == area}
            prev = [r["prev"] for r in rows if r["area"] == area and r["prev"] is not None]
            grid.append(
                dict(
                    area=area,
                    cells=[cells.get(g, 0) for g in goals],
                    total=sum(cells.values()),
                    previous=sum(prev) if prev else None,
                )
            )
        out[item_type] = dict(
            label=label,
            year=shown,
            note=note,
            goals=goals,
            grid=grid,
            goal_totals=[sum(a["cells"][i] for a in grid) for i in range(len(goals))],
            total=sum(a["total"] for a in grid),
            examples=any(r["examples"] for r in rows),
        )
    if not out:
        return Section(
            False, f"Inga uppdrag eller aktiviteter för {year} eller tidigare i marts.fct_follow_up_by_goal."
        )
    # chart the kind recorded closest to the report year (uppdrag on a tie)
    main = max(out.values(), key=lambda k: (k["year"], k is out.get("uppdrag")))
    chart = charts.horizontal_bars(
        [g.capitalize() for g in main["goals"]],
        main["goal_totals"],
        f"{main['label']} {main['year']} per mål",
        fmt.number,
    )
    return Section(data=dict(kinds=list(out.values()), chart=chart))


@guarded
def events_section(m: Marts, year: int) -> Section:
    if not m.has("marts.fct_events_per_year", "marts.fct_event_evaluations"):
        return not_yet("marts.fct_events_per_year")
    shown, note = year_with_data(m, "marts.fct_events_per_year", year)
    if shown is None:
        return Section(False, note)
    per_year = m.rows("select * from marts.fct_events_per_year where year = ?", [shown])[0]
    evaluations = m.rows(
        """select * from marts.fct_event_evaluations where year = ?
                            order by event_date nulls last, event_name, question""",
        [shown],
    )
    return Section(
        data=dict(
            year=shown,
            note=note,
            per_year=per_year,
            evaluations=evaluations,
            examples=bool(per_year["contains_examples"]),
        )
    )


@guarded
def communication_section(m: Marts, year: int) -> Section:
    if not m.has("marts.fct_communication"):
        return not_yet("marts.fct_communication")
    shown, note = year_with_data(m, "marts.fct_communication", year)
    if shown is None:
        return Section(False, note)
    rows = m.rows(
        "select * from marts.fct_communication where year = ? order by channel, metric, subject nulls first", [shown]
    )
    return Section(data=dict(year=shown, note=note, rows=rows, examples=any(r["is_example"] for r in rows)))


@guarded
def staffing_section(m: Marts, year: int) -> Section:
    if not m.has("marts.fct_staffing", "marts.fct_staffing_per_year"):
        return not_yet("marts.fct_staffing")
    shown, note = year_with_data(m, "marts.fct_staffing_per_year", year)
    if shown is None:
        return Section(False, note)
    total = m.rows("select * from marts.fct_staffing_per_year where year = ?", [shown])[0]
    rows = m.rows("select * from marts.fct_staffing where year = ? order by fte desc, role", [shown])
    return Section(data=dict(year=shown, note=note, total=total, rows=rows, examples=bool(total["contains_examples"])))
