"""The second half of the meeting's pages (report/content.py): Avgifter, Öppna jämförelser per
area, one Kommunblad per owner municipality, and the appendix Om underlaget, the only page
with table names, file names and source modes."""

from __future__ import annotations

from report import content, fmt
from report.content import Bars, Page, Table, Text, Trend, quartile_fill

QUARTILES = ["Bästa fjärdedelen", "Näst bästa", "Näst sämsta", "Sämsta fjärdedelen"]


def in_unit(value, k: dict) -> str:
    """An ÖJ value in its indicator's unit and precision."""
    return fmt.value_in_unit(value, k["unit"], k["decimals"])


def fees(c) -> Page | None:
    """The fee table of report/sections/fees.py fee_table, as `fou fees` prints it too."""
    if not c["fees"].available:
        return None
    t = c["fees"].data["table"]
    return Page(
        "avgifter",
        t.title,
        f"Folkmängd {t.basis_date} (SCB), andel och förändring avrundade från exakt kvot",
        "Avgifter",
        blocks=[Table(t.header, [*t.rows, t.total], "fees", size=13)],
    )


def oj(c) -> list[Page]:
    if not c["oj"].available:
        return []
    o = c["oj"].data
    areas: dict[str, list] = {}
    for k in o["kpis"]:
        areas.setdefault(k["area"] or "Övrigt", []).append(k)
    year = o["years"][-1]
    out = []
    for n, (area, kpis) in enumerate(areas.items()):
        names = [m["name"] for m in kpis[0]["members"]]
        rows, fills = [], {}
        for k in kpis:
            cells = [m["cells"][-1] for m in k["members"]]
            _median, county, nation = (values for _name, values in k["references"])
            rows.append(
                [
                    k["kpi_title"],
                    *(in_unit(x and x["value"], k) for x in cells),
                    in_unit(county[-1], k),
                    in_unit(nation[-1], k),
                ]
            )
            fills.update({(len(rows), j): quartile_fill(x and x["quartile"]) for j, x in enumerate(cells, start=1)})
            if any(x and x.get("similar_group_mean") is not None for x in cells):
                # each member's own "Liknande kommuner IFO" group (Kolada), under its column
                rows.append(
                    [
                        "   liknande kommuner (medel)",
                        *(in_unit(x and x["similar_group_mean"], k) for x in cells),
                        "",
                        "",
                    ]
                )
        blocks: list = [
            Table(
                ["Indikator", *names, "Län", "Riket"],
                rows,
                f"oj-area-{n + 1}",
                size=10,
                first_col_cm=8.5,
                fills=fills,
                deck_rows=9,
            )
        ]
        if not names:
            blocks.append(
                Text(
                    [
                        f"{c['region'].name} har {len(c['region'].members)} kommuner: diagram och tabeller "
                        "visar regionens median, länet och riket; värdena per kommun finns i datalagret "
                        "(se Om underlaget)."
                    ],
                    size=12,
                )
            )
        blocks += [trend(o["years"], k) for k in kpis]
        out.append(
            Page(
                f"oj-{n + 1}",
                f"Öppna jämförelser – {area}",
                f"Avser {year}; färg = kvartil i riket",
                "Öppna jämförelser" if n == 0 else "",
                any(k["generated"] for k in kpis),
                sheet=n == 0,
                blocks=blocks,
            )
        )
    return out


def trend(years: list[int], k: dict) -> Trend:
    """The indicator's years as a chart and, beside it, its table: the eight and the references."""
    rows, fills = [], {}
    for i, m in enumerate(k["members"], start=1):
        rows.append([m["name"], *(in_unit(x and x["value"], k) for x in m["cells"])])
        fills.update({(i, j): quartile_fill(x and x["quartile"]) for j, x in enumerate(m["cells"], start=1)})
    rows += [[name, *(in_unit(v, k) for v in values)] for name, values in k["references"]]
    table = Table(["Kommun", *(str(y) for y in years)], rows, f"oj-{k['kpi_id']}", size=9, fills=fills, only="print")
    members = {
        m["name"]: ([x and x["value"] for x in m["cells"]], (m["cells"][-1] or {}).get("quartile"))
        for m in k["members"]
    }
    return Trend(
        years,
        members,
        dict(k["references"]),
        f"{k['kpi_title']} ({k['better']})",
        k["unit"] or "",
        k["decimals"],
        table,
    )


def sheets(c) -> list[Page]:
    out = []
    for m in c["sheets"]:
        o = m["oj"]
        fee = m["fee"] or {}
        rows = [
            ["Avgift", fmt.kr(fee.get("fee_kr"))],
            ["Andel av folkmängden", fmt.pct(fee.get("population_share_pct"))],
            ["Förfrågningar", fmt.number(m["requests"])],
            *[[f"   därav {k}", fmt.number(v)] for k, v in sorted(m["decisions"].items())],
            ["Uppdrag", fmt.number(m["assignments"])],
            ["Aktiviteter", fmt.number(m["activities"])],
        ]
        blocks: list = [Table(["", m["name"]], rows, f"sheet-{m['code']}", "left", 13)]
        if o["n"]:
            blocks.append(
                Bars(
                    QUARTILES,
                    {"Indikatorer": list(o["quartiles"].values())},
                    f"ÖJ {m['oj_year']}: {o['n_ranked']} av {o['n']} indikatorer har kvartil",
                    "right",
                    height_cm=8,
                )
            )
            median = fmt.DASH if o["median_rank"] is None else o["median_rank"]
            blocks.append(
                Text(
                    [
                        f"Median av placeringen i regionen: {median} av {len(c['region'].members)}",
                        f"Bättre än året före: {o['better']}, sämre: {o['worse']}",
                    ],
                    "right",
                    14,
                    3,
                )
            )
        if m["similar"]:
            blocks.append(
                Table(
                    ["Mot liknande kommuner", "Bättre", "Sämre", "Knappat in", "Tappat"],
                    [
                        [
                            a["area"],
                            *(
                                fmt.number(a[k])
                                for k in (
                                    "kpis_better_than_similar",
                                    "kpis_worse_than_similar",
                                    "kpis_gaining_on_similar",
                                    "kpis_losing_to_similar",
                                )
                            ),
                        ]
                        for a in m["similar"]
                    ],
                    f"similar-{m['code']}",
                    "left",
                    10,
                    first_col_cm=5.2,
                )
            )
        period = (
            f"Avgift {m['fee_year']}, förfrågningar {m['request_year']}, uppdrag {m['work_year']}, ÖJ {m['oj_year']}"
        )
        out.append(
            Page(
                f"kommun-{m['code']}",
                f"Kommunblad – {m['name']}",
                period,
                f"Kommunblad – {m['name']}",
                o.get("generated", False),
                sheet=True,
                blocks=blocks,
            )
        )
    return out


def about(c) -> Page:
    q = c["quality"].data
    lines = [f"Publicerat datalager: {fmt.day(q.get('published_at'))}"]
    lines += [
        f"SCB {r['table_id']} ({r['kind']}): {r['source_mode']}, hämtat {fmt.day(r['fetched_at'])}"
        for r in q.get("scb", [])
    ][:4]
    lines += [f"Postfiler: {len(q.get('records', []))} inlästa, {q.get('quarantine_total', 0)} rader i karantän"]
    lines += [f"Varning: {w}" for w in q.get("warnings", [])][:6]
    blocks: list = [Text(lines, size=12, height_cm=13)]
    day = fmt.day
    if q.get("scb"):
        blocks.append(
            Table(
                ["Tabell", "Slag", "Läge", "Svar", "Hämtad", "Inläst"],
                [
                    [
                        s["table_id"],
                        s["kind"],
                        s["source_mode"],
                        fmt.number(s["answers"]),
                        day(s["fetched_at"]),
                        day(s["loaded_at"]),
                    ]
                    for s in q["scb"]
                ],
                "sources-scb",
                only="print",
            )
        )
    if q.get("kolada"):
        blocks.append(
            Table(
                ["Entitet", "Slag", "Läge", "Svar", "Hämtad", "Inläst"],
                [
                    [
                        s["entity"],
                        s["kind"],
                        s["source_mode"],
                        fmt.number(s["answers"]),
                        day(s["fetched_at"]),
                        day(s["loaded_at"]),
                    ]
                    for s in q["kolada"]
                ],
                "sources-kolada",
                only="print",
            )
        )
    if q.get("records"):
        blocks.append(
            Table(
                ["Fil", "Typ", "Status", "Rader", "I karantän", "Inläst"],
                [
                    [
                        s["file_name"],
                        s["record_type"] or "okänd",
                        s["status"],
                        fmt.number(s["rows_loaded"]),
                        fmt.number(s["rows_quarantined"]),
                        day(s["loaded_at"]),
                    ]
                    for s in q["records"]
                ],
                "sources-records",
                only="print",
            )
        )
    if q.get("quarantine"):
        blocks.append(
            Table(
                ["Fil", "Rad", "Fält", "Problem"],
                [[p["file_name"], str(p["row_number"]), p["field"] or "", p["problem"]] for p in q["quarantine"]],
                "quarantine",
                only="print",
            )
        )
    return Page(
        "om-underlaget",
        "Om underlaget",
        "Bilaga: källor, laddningstider och kvalitetsvarningar",
        "Om underlaget",
        blocks=blocks,
        sheet=True,
    )


def pages(c: dict) -> list[Page]:
    """All pages of the meeting, in the deck's order; a section without data has no page."""
    makers = (
        content.title,
        content.key_messages,
        content.work,
        content.requests,
        content.staffing,
        content.budget,
        content.communication,
        content.events,
        fees,
        oj,
        sheets,
        about,
    )
    out: list[Page] = []
    for make in makers:
        made = make(c)
        out += made if isinstance(made, list) else [made] if made else []
    return out
