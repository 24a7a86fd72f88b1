"""Om underlaget: where the figures come from, when they were loaded, and the warnings."""

from __future__ import annotations

from dataclasses import dataclass, field

from report import fmt
from report.base import GENERATED_NOTICE, Marts, Meeting
from report.blocks import Page, Table, Text


@dataclass
class About:
    """Publication, sources, record files, quarantine and the warnings drawn from them."""

    data: dict = field(default_factory=dict)


def provenance_section(m: Marts) -> About:
    d: dict = {
        "published_at": m.one("select published_at from main.publication") if m.has("main.publication") else None
    }
    if m.has("raw.landing_files"):
        d["scb"] = m.rows("""select table_id, kind, source_mode, count(*) as answers, max(fetched_at) as fetched_at,
                                    max(loaded_at) as loaded_at
                             from raw.landing_files group by all order by table_id, kind""")
    if m.has("raw.kolada_answers"):
        d["kolada"] = m.rows("""select entity, kind, source_mode, count(*) as answers, max(fetched_at) as fetched_at,
                                       max(loaded_at) as loaded_at
                                from raw.kolada_answers group by all order by kind desc, entity""")
    if m.has("raw.kolada_load_runs"):
        d["kolada_run"] = (m.rows("select * from raw.kolada_load_runs order by loaded_at desc limit 1") or [None])[0]
    if m.has("raw.kolada_values") and "is_stale" in m.columns("raw.kolada_values"):
        d["stale_kpis"] = m.rows(
            "select kpi, any_value(stale_reason) as reason from raw.kolada_values "
            "where is_stale group by kpi order by kpi"
        )
    if m.has("raw.record_files"):
        d["records"] = m.rows("""select file_name, record_type, status, rows_loaded, rows_quarantined, loaded_at
                                 from raw.record_files order by loaded_at, file_name""")
    if m.has("raw.records_quarantine"):
        d["quarantine"] = m.rows("""select file_name, row_number, field, problem from raw.records_quarantine
                                    order by quarantined_at desc, file_name, row_number limit 25""")
        d["quarantine_total"] = m.one("select count(*) from raw.records_quarantine")
    if m.has("marts.rpt_population_reconciliation"):
        cols = m.columns("marts.rpt_population_reconciliation")
        if "differs_from_scb" in cols:
            d["reconciliation"] = m.rows(
                "select * from marts.rpt_population_reconciliation where differs_from_scb "
                "order by reference_date, municipality_code"
            )
    by_provenance = (
        m.rows(
            "select value_provenance, list(distinct kpi_id order by kpi_id) as kpis "
            "from marts.fct_oj_results group by all"
        )
        if m.has("marts.fct_oj_results")
        else []
    )
    d["oj_generated"] = next((r["kpis"] for r in by_provenance if r["value_provenance"] == "generated"), [])
    d["oj_copied"] = next((r["kpis"] for r in by_provenance if r["value_provenance"] == "kolada-copy"), [])
    d["warnings"] = _warnings(m, d)
    return About(d)


def _warnings(m: Marts, d: dict) -> list[str]:
    w = []
    modes = {r["source_mode"] for r in d.get("scb", [])}
    if modes - {"live"}:
        w.append(
            "SCB-befolkningen kommer från den medföljande ögonblicksbilden ("
            + ", ".join(sorted(modes))
            + "), inte från ett färskt API-anrop; snapshot-rebuilt betyder SCB:s värden i återskapad form "
            "(se docs/sources.md)."
        )
    if d.get("oj_generated"):
        w.append(
            f"ÖJ-värdena för {len(d['oj_generated'])} nyckeltal är {GENERATED_NOTICE}: de har tagits fram "
            f"offline (scripts/oj_generator.py) och får inte citeras som Öppna jämförelser "
            f"({', '.join(d['oj_generated'])})."
        )
    if d.get("oj_copied"):
        w.append(
            f"{', '.join(d['oj_copied'])}: verkliga värden från Kolada genom en kopia hos tredje part, "
            "ej kontrollerade mot kolada.se (se docs/sources.md)."
        )
    run = d.get("kolada_run")
    if d.get("stale_kpis"):
        w.append(
            "ÖJ-nyckeltal som inte kunde uppdateras vid senaste laddningen; rapporten visar deras tidigare "
            "värden: " + "; ".join(f"{r['kpi']} ({r['reason']})" for r in d["stale_kpis"]) + "."
        )
    elif run and run.get("failed_kpis") not in (None, "{}", "[]", {}, []):
        w.append(f"Kolada: nyckeltal som inte kunde hämtas vid senaste laddningen: {run['failed_kpis']}.")
    if d.get("quarantine_total"):
        w.append(f"{d['quarantine_total']} rad(er) i postfilerna hamnade i karantän och ingår inte (se listan nedan).")
    if d.get("reconciliation"):
        w.append(
            f"{len(d['reconciliation'])} folkmängdsuppgift(er) i egna dokument skiljer sig från SCB; "
            "lagret använder SCB:s siffror."
        )
    if not d.get("published_at"):
        w.append("Databasen saknar publiceringsstämpel (main.publication).")
    return w


def _answers(rows: list[dict], first: str, heading: str, table_id: str) -> Table:
    """The landed answers of a source: what, kind, mode, how many, fetched and loaded."""
    return Table(
        [heading, "Slag", "Läge", "Svar", "Hämtad", "Inläst"],
        [
            [
                r[first],
                r["kind"],
                r["source_mode"],
                fmt.number(r["answers"]),
                fmt.day(r["fetched_at"]),
                fmt.day(r["loaded_at"]),
            ]
            for r in rows
        ],
        table_id,
        only="print",
    )


def build(mt: Meeting) -> list[Page]:
    q = provenance_section(mt.m).data
    lines = [f"Publicerat datalager: {fmt.day(q.get('published_at'))}"]
    lines += [
        f"SCB {r['table_id']} ({r['kind']}): {r['source_mode']}, hämtat {fmt.day(r['fetched_at'])}"
        for r in q.get("scb", [])
    ][:4]
    lines += [f"Postfiler: {len(q.get('records', []))} inlästa, {q.get('quarantine_total', 0)} rader i karantän"]
    lines += [f"Varning: {w}" for w in q.get("warnings", [])][:6]
    blocks: list = [Text(lines[:10], size=14, height_cm=13)]
    day = fmt.day
    for key, first, heading in (("scb", "table_id", "Tabell"), ("kolada", "entity", "Entitet")):
        if q.get(key):
            blocks.append(_answers(q[key], first, heading, f"sources-{key}"))
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
    return [
        Page(
            "om-underlaget",
            "Om underlaget",
            "Bilaga: källor, laddningstider och kvalitetsvarningar",
            chapter=True,
            blocks=blocks,
            sheet=True,
        )
    ]
