# ruff: noqa: E501 - slide geometry reads best one call per line
"""The deck's slides in the order of the hand-made 2026-02-26 deck; one function per slide kind,
each reading only the gathered content (report/build.py gather)."""

from __future__ import annotations

from pptx.util import Cm, Emu

from report import fmt
from report.deck import MARGIN, UNKNOWN, W, quartile_fill, unknown_or

TOP = Cm(3.0)
FULL = W - 2 * MARGIN
HALF = Emu(int((FULL - Cm(1)) / 2))
RIGHT = MARGIN + HALF + Cm(1)
MONTHS = "jan feb mars april maj juni juli aug sep okt nov dec".split()


def title(d, c):
    m = c["meeting"]
    s = d.slide(f"Styrgruppsmöte {m.day} {MONTHS[m.month - 1]} {m.year}")
    agenda = ["Kärnbudskap och beslutspunkter", f"Verksamhetsberättelse {c['year']}", "Förfrågningar", "Bemanning",
              "Budget och utfall", "Kommunikation och evenemang", "Avgifter", "Öppna jämförelser", "Kommunblad",
              "Om underlaget"]  # fmt: skip
    d.text(s, [f"• {a}" for a in agenda], MARGIN, TOP, HALF, Cm(12), size=18)
    d.text(s, ["FoU Nordväst", "Ekerö, Järfälla, Sigtuna, Sollentuna, Solna, Sundbyberg, Upplands-Bro, Upplands Väsby"],
           RIGHT, TOP, HALF, Cm(4), size=16)  # fmt: skip


def key_messages(d, c):
    p = c["points"]
    s = d.slide("Styrgruppsammanfattning – Kärnbudskap", f"Möte {c['meeting'].isoformat()}")
    rows = [[m["heading"], m["body"] or ""] for m in p["messages"]] or [["Inga kärnbudskap ifyllda för mötet", ""]]
    shape = d.table(s, ["Område", "Kärnbudskap"], rows, MARGIN, TOP, FULL, size=14)
    shape.table.columns[0].width, shape.table.columns[1].width = Cm(7), FULL - Cm(7)
    if p["decisions"]:
        top = TOP + Cm(0.75) * (len(rows) + 1) + Cm(0.8)
        lines = ["Nya förfrågningar att ta ställning till:"] + [
            f"• {x['heading']}: {x['body'] or ''}" for x in p["decisions"]
        ]
        d.text(s, lines, MARGIN, top, FULL, Cm(4), size=15)


def work(d, c):
    w = c["work"]
    if not w:
        return
    s = d.slide(f"Verksamhetsberättelse {w['year']} – per mål", f"Avser {w['year']}")
    goals = [g["goal"].capitalize() for g in w["goals"]]
    d.bars(s, goals, {"Uppdrag": [g["assignments"] for g in w["goals"]], "Aktiviteter": [g["activities"] for g in w["goals"]]},
           MARGIN, TOP, HALF, Cm(13), "Uppdrag och aktiviteter per mål")  # fmt: skip
    rows = []
    for g in w["goals"]:
        rows.append([g["goal"].capitalize(), fmt.number(g["assignments"]), fmt.number(g["activities"])])
        rows += [[f"   {a['area']}", fmt.number(a["assignments"]), fmt.number(a["activities"])] for a in g["areas"][:3]]
    shape = d.table(s, ["Mål / område", "Uppdrag", "Aktiviteter"], rows[:16], RIGHT, TOP, HALF, size=10)
    for r in shape.table.rows:
        r.height = Cm(0.6)


def requests(d, c):
    r = c["requests_m"]
    if not r:
        return
    this, last = r["this"], r["last"]
    period = f"Avser {this['year']}" + (f", jämfört med {last['year']}" if last else "")
    s = d.slide(f"Förfrågningar {this['year']}", period)
    cats = ["Totalt", *this["decisions"]]
    series = {str(t["year"]): [t["total"], *t["decisions"].values()] for t in (last, this) if t}
    d.bars(s, cats, series, MARGIN, TOP, HALF, Cm(13), "Förfrågningar per beslut")
    header = ["", *(str(t["year"]) for t in (last, this) if t)]
    rows = [["Totalt", *(fmt.number(t["total"]) for t in (last, this) if t)]]
    for label in this["decisions"]:
        rows.append([label, *(unknown_or(t["decisions"][label]) for t in (last, this) if t)])
    rows.append(["Från ägarkommunerna", *(unknown_or(t["members"]) for t in (last, this) if t)])
    rows.append(["Från andra", *(unknown_or(t["external"]) for t in (last, this) if t)])
    d.table(s, header, rows, RIGHT, TOP, HALF, size=13)


def staffing(d, c):
    st = c["staffing_m"]
    if not st:
        return
    s = d.slide(f"Personal {st['year']}", f"Avser {st['year']} (senaste personallistan)")
    rows = [[r["role"].capitalize(), r["funding"], fmt.number(r["fte"], 2)] for r in st["rows"]]
    rows.append(["Totalt", "", fmt.number(st["total"]["total_fte"], 2)])
    d.table(s, ["Roll", "Finansiering", "Årsarbetare"], rows, MARGIN, TOP, HALF, size=13)
    t = st["total"]
    d.bars(s, ["Ordinarie", "Extern", "Ej angiven"], {"Årsarbetare": [t["ordinary_fte"], t["external_fte"], t["unspecified_fte"]]},
           RIGHT, TOP, HALF, Cm(10), "Årsarbetare per finansiering")  # fmt: skip


def budget(d, c):
    b = c["budget_m"]
    if not b:
        return
    s = d.slide(
        f"Budget och utfall {b['year']}", f"Avser {b['year']}, tkr" + ("" if b["has_outcome"] else " · utfall saknas")
    )
    rows = [[r["label"], fmt.tkr(r["budget_tkr"]), unknown_or(r["outcome_tkr"], fmt.tkr).replace(UNKNOWN, "utfall saknas")]
            for r in b["rows"]]  # fmt: skip
    d.table(s, ["Kategori", "Budget", "Utfall"], rows, MARGIN, TOP, HALF, size=13)
    cost = [r for r in b["rows"] if r["category_type"] == "cost"]
    series = {"Budget": [r["budget_tkr"] for r in cost]}
    if b["has_outcome"]:
        series["Utfall"] = [r["outcome_tkr"] for r in cost]
    d.bars(s, [r["label"] for r in cost], series, RIGHT, TOP, HALF, Cm(12), "Kostnader (tkr)")


def communication(d, c):
    co, ev = c["communication_m"], c["events_m"]
    if co:
        s = d.slide(f"Kommunikation {co['year']}", f"Avser {co['year']}; förändring enligt källan där den anger en")
        rows = [[f"{r['channel'].capitalize()}, {r['metric']}" + (f" ({r['subject'].strip('()')})" if r["subject"] and "hela" not in r["subject"] else ""),
                 ("ca " if r["is_approximate"] else "") + fmt.number(r["value"]),
                 fmt.pct(r["change"], 0, signed=True) + f" {r['change_basis']}" if r["change"] is not None else fmt.DASH]
                for r in co["rows"]]  # fmt: skip
        d.table(s, ["Kanal och mått", "Värde", "Förändring"], rows[:14], MARGIN, TOP, FULL, size=12)
    if ev and ev["rated"]:
        s = d.slide(f"Evenemang {ev['year']}", f"Avser {ev['year']}; medelbetyg i procent av skalans högsta värde")
        rated = ev["rated"][:10]
        d.bars(s, [r["event_name"][:40] for r in rated], {"Medelbetyg (% av max)": [r["mean_rating_pct_of_scale"] for r in rated]},
               MARGIN, TOP, Emu(int(FULL * 0.6)), Cm(13), "Evenemangens betyg", horizontal=True)  # fmt: skip
        p = ev["per_year"]
        d.text(s, [f"{fmt.number(p['n_events'])} evenemang", f"{fmt.number(p['n_participants'])} deltagare",
                   f"{fmt.number(p['n_evaluated_events'])} utvärderade"], Emu(int(MARGIN + FULL * 0.62)), TOP, Emu(int(FULL * 0.38)), Cm(5), size=18)  # fmt: skip


def fees(d, c):
    f = c["fees"].data if c["fees"].available else None
    if not f:
        return
    year = c["fee_year"]
    s = d.slide(
        f"Intäkter från delägare {year}",
        f"Folkmängd {f['basis_date']} (SCB), andel och förändring avrundade från exakt kvot",
    )
    rows = [[r["municipality_name"], fmt.number(r["basis_population"]), fmt.pct(r["population_share_pct"]),
             fmt.pct(r["population_growth_pct"]), fmt.number(r["rate_per_inhabitant"], 2), fmt.number(r["fee_kr"])]
            for r in f["rows"]]  # fmt: skip
    t = f["total"]
    rows.append(
        ["Summa", fmt.number(t["population"]), fmt.pct(t["share"]), fmt.pct(t["growth"]), "", fmt.number(t["fee"])]
    )
    d.table(
        s, ["Kommun", "Folkmängd", "Andel", "Förändring", "Kr/inv.", "Avgift (kr)"], rows, MARGIN, TOP, FULL, size=13
    )


def oj(d, c):
    if not c["oj"].available:
        return
    o = c["oj"].data
    areas: dict[str, list] = {}
    for k in o["kpis"]:
        areas.setdefault(k["area"] or "Övrigt", []).append(k)
    year = o["years"][-1]
    for area, kpis in areas.items():
        s = d.slide(
            f"Öppna jämförelser – {area}",
            f"Avser {year}; färg = kvartil i riket",
            generated=any(k["generated"] for k in kpis),
        )
        names = [m["name"] for m in kpis[0]["members"]]
        header = ["Indikator", *names, "Län", "Riket"]
        rows, fills = [], {}
        for i, k in enumerate(kpis[:9], start=1):
            cells = [m["cells"][-1] for m in k["members"]]
            refs = dict(k["references"])
            rows.append([k["kpi_title"], *(fmt.value_in_unit(x and x["value"], k["unit"]) for x in cells),
                         fmt.value_in_unit(refs["Stockholms län"][-1], k["unit"]), fmt.value_in_unit(refs["Riket"][-1], k["unit"])])  # fmt: skip
            fills.update({(i, j): quartile_fill(x and x["quartile"]) for j, x in enumerate(cells, start=1)})
        shape = d.table(s, header, rows, MARGIN, TOP, FULL, size=10, fills=fills)
        shape.table.columns[0].width = Cm(8.5)
        for j in range(1, len(header)):
            shape.table.columns[j].width = Emu(int((FULL - Cm(8.5)) / (len(header) - 1)))


def sheets(d, c):
    for m in c["sheets"]:
        oj = m["oj"]
        s = d.slide(f"Kommunblad – {m['name']}", f"Avgift {m['fee_year']}, förfrågningar {m['request_year']}, "
                    f"uppdrag {m['work_year']}, ÖJ {m['oj_year']}", generated=oj.get("generated", False))  # fmt: skip
        fee = m["fee"] or {}
        rows = [["Avgift", fmt.kr(fee.get("fee_kr"))], ["Andel av folkmängden", fmt.pct(fee.get("population_share_pct"))],
                ["Förfrågningar", fmt.number(m["requests"])],
                *[[f"   därav {k}", fmt.number(v)] for k, v in sorted(m["decisions"].items())],
                ["Uppdrag", fmt.number(m["assignments"])], ["Aktiviteter", fmt.number(m["activities"])]]  # fmt: skip
        d.table(s, ["", m["name"]], rows, MARGIN, TOP, HALF, size=13)
        if oj["n"]:
            q = oj["quartiles"]
            d.bars(s, ["Bästa fjärdedelen", "Näst bästa", "Näst sämsta", "Sämsta fjärdedelen"], {"Indikatorer": list(q.values())},
                   RIGHT, TOP, HALF, Cm(8), f"ÖJ {m['oj_year']}: {oj['n_ranked']} av {oj['n']} indikatorer har kvartil")  # fmt: skip
            d.text(s, [f"Median av placeringen i regionen: {oj['median_rank']} av 8",
                       f"Bättre än året före: {oj['better']}, sämre: {oj['worse']}"], RIGHT, TOP + Cm(8.5), HALF, Cm(3), size=14)  # fmt: skip


def about(d, c):
    q = c["quality"].data
    s = d.slide("Om underlaget", "Bilaga: källor, laddningstider och kvalitetsvarningar")
    lines = [f"Publicerat datalager: {fmt.day(q.get('published_at'))}"]
    lines += [
        f"SCB {r['table_id']} ({r['kind']}): {r['source_mode']}, hämtat {fmt.day(r['fetched_at'])}"
        for r in q.get("scb", [])
    ][:4]
    lines += [f"Postfiler: {len(q.get('records', []))} inlästa, {q.get('quarantine_total', 0)} rader i karantän"]
    lines += [f"Varning: {w}" for w in q.get("warnings", [])][:6]
    d.text(s, lines, MARGIN, TOP, FULL, Cm(13), size=12)


SLIDES = [title, key_messages, work, requests, staffing, budget, communication, fees, oj, sheets, about]
