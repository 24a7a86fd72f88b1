"""The steering-group report: Swedish, one self-contained HTML file and a PDF, built only from
the published DuckDB (opened read-only, so a running load is never disturbed).

Each section reads its marts; a section whose mart is not in the published database yet says
so in the report instead of failing. `build(settings, year)` returns the two paths."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

import duckdb
import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ingestion.settings import Settings
from report import charts, fmt

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
GENERATED_NOTICE = "genererade värden, inte officiell statistik"
QUARTILE_FILL = {"green": "#b9e0b0", "yellow": "#fbe6a2", "red": "#f3b3ad", "grey": "#e3e3e3"}


def swedish_key(name: str) -> str:
    """Sort as in Swedish: å, ä, ö after z; 'Upplands-Bro' before 'Upplands Väsby' as in the plans."""
    return name.casefold().replace("-", " ").translate(str.maketrans({"å": "{", "ä": "|", "ö": "}"}))


@dataclass
class Section:
    """What a template section needs: its data, or why there is none."""
    available: bool = True
    missing: str = ""
    data: dict = field(default_factory=dict)


class Marts:
    """Read-only access to the published database with a check for which relations exist."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con
        self.relations = {f"{s}.{n}" for s, n in con.execute(
            "select table_schema, table_name from information_schema.tables").fetchall()}

    def has(self, *names: str) -> bool:
        return all(n in self.relations for n in names)

    def columns(self, name: str) -> set[str]:
        schema, table = name.split(".")
        return {r[0] for r in self.con.execute(
            "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
            [schema, table]).fetchall()}

    def rows(self, sql: str, params: list | None = None) -> list[dict]:
        cur = self.con.execute(sql, params or [])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]

    def one(self, sql: str, params: list | None = None):
        row = self.con.execute(sql, params or []).fetchone()
        return row[0] if row else None


def not_yet(*marts: str) -> Section:
    names = ", ".join(marts)
    return Section(False, f"Marten {names} finns inte i den publicerade databasen ännu; avsnittet fylls i "
                          f"när den har byggts och publicerats.")


# ---------------------------------------------------------------- fees (layout of the 2019 plan)

def fees_section(m: Marts, year: int) -> Section:
    if not m.has("marts.fct_fees", "marts.fct_fee_totals"):
        return not_yet("marts.fct_fees")
    rows = m.rows("select * from marts.fct_fees where fee_year = ?", [year])
    history = m.rows("select fee_year, fee_model, basis_date, region_basis_population, rate_per_inhabitant, "
                     "fee_total_kr, is_invoiced from marts.fct_fee_totals order by fee_year")
    data: dict = {"history": history, "has_fee": bool(rows)}
    if rows:
        total = m.rows("select * from marts.fct_fee_totals where fee_year = ?", [year])[0]
        data.update(basis_date=rows[0]["basis_date"], fee_model=rows[0]["fee_model"],
                    is_invoiced=total["is_invoiced"], source_document=rows[0]["source_document"],
                    source_mode=sorted({r["population_source_mode"] or "saknas" for r in rows}),
                    total=dict(population=total["region_basis_population"],
                               previous=sum(r["previous_population"] or 0 for r in rows) or None,
                               share=sum(r["population_share_pct"] or 0 for r in rows),
                               growth=total["region_population_growth_pct"], fee=total["fee_total_kr"]))
    else:
        # No fee decided for the year in records/fee_parameters.csv: show the basis it would have
        # (SCB population 31 December two years before), in the same layout, without rate and fee.
        basis_year = year - 2
        rows = m.rows(
            """with pop as (select region_code, year, population, source_mode from marts.fct_population
                            where sex = 'total' and age_band = 'total')
               select d.municipality_code, d.municipality_name, cur.population as basis_population,
                      prev.population as previous_population, cur.source_mode as population_source_mode,
                      null as rate_per_inhabitant, null as fee_kr
               from marts.dim_municipality d
               left join pop cur on cur.region_code = d.municipality_code and cur.year = ?
               left join pop prev on prev.region_code = d.municipality_code and prev.year = ? - 1
               where d.is_region_member""", [basis_year, basis_year])
        region = sum(r["basis_population"] or 0 for r in rows)
        previous = sum(r["previous_population"] or 0 for r in rows)
        for r in rows:
            r["population_share_pct"] = round(100 * r["basis_population"] / region, 2) if r["basis_population"] else None
            r["population_growth_pct"] = (round(100 * (r["basis_population"] - r["previous_population"])
                                                / r["previous_population"], 2)
                                          if r["basis_population"] and r["previous_population"] else None)
        latest = [h for h in history if h["is_invoiced"] and h["fee_year"] < year]
        data.update(basis_date=date(basis_year, 12, 31), fee_model=None, is_invoiced=False,
                    source_document=None, latest_invoiced=latest[-1] if latest else None,
                    source_mode=sorted({r["population_source_mode"] or "saknas" for r in rows}),
                    total=dict(population=region or None, previous=previous or None,
                               share=sum(r["population_share_pct"] or 0 for r in rows),
                               growth=round(100 * (region - previous) / previous, 2) if previous else None,
                               fee=None))
    rows.sort(key=lambda r: swedish_key(r["municipality_name"]))
    data["rows"] = rows
    if data["has_fee"] and data["is_invoiced"]:
        data["chart"] = charts.horizontal_bars(
            [r["municipality_name"] for r in rows], [r["fee_kr"] for r in rows],
            f"Avgift per kommun {year} (kr)", fmt.kr)
    else:
        data["chart"] = charts.horizontal_bars(
            [r["municipality_name"] for r in rows], [r["basis_population"] for r in rows],
            f"Folkmängd {data['basis_date']} (avgiftsunderlag för {year})", fmt.number)
    return Section(data=data)


# ---------------------------------------------------------------- ÖJ

def selected_kpis() -> list[str]:
    return yaml.safe_load((HERE / "indicators.yml").read_text(encoding="utf-8"))["indicators"]


def oj_section(m: Marts, year: int, years_back: int = 4) -> Section:
    if not m.has("marts.fct_oj_results", "marts.dim_kpi"):
        return not_yet("marts.fct_oj_results")
    wanted = selected_kpis()
    kpis = {k["kpi_id"]: k for k in m.rows(
        "select kpi_id, kpi_title, area, direction, unit from marts.dim_kpi where kpi_id in (select unnest(?))",
        [wanted])}
    first = year - years_back
    years = list(range(first, year + 1))
    out, missing = [], [k for k in wanted if k not in kpis]
    any_generated = False
    for kpi_id in wanted:
        if kpi_id not in kpis:
            continue
        kpi = kpis[kpi_id]
        cells = m.rows(
            """select municipality_name, year, value, quartile, quartile_colour, rank_in_region, region_median,
                      county_value, nation_value, is_generated, value_provenance, region_reporting_count
               from marts.fct_oj_results
               where kpi_id = ? and sex = 'T' and is_region_member and year between ? and ?""",
            [kpi_id, first, year])
        if not cells:
            missing.append(kpi_id)
            continue
        generated = any(c["is_generated"] for c in cells)
        any_generated |= generated
        by_mun: dict[str, dict[int, dict]] = {}
        refs: dict[int, dict] = {}
        for c in cells:
            by_mun.setdefault(c["municipality_name"], {})[c["year"]] = c
            refs[c["year"]] = c
        members = []
        for name in sorted(by_mun, key=swedish_key):
            members.append(dict(name=name, cells=[by_mun[name].get(y) for y in years],
                                rank=(by_mun[name].get(year) or {}).get("rank_in_region")))
        reference_rows = [
            ("Nordväst (median)", [refs.get(y, {}).get("region_median") for y in years]),
            ("Stockholms län", [refs.get(y, {}).get("county_value") for y in years]),
            ("Riket", [refs.get(y, {}).get("nation_value") for y in years]),
        ]
        unit = kpi["unit"] or ""
        out.append(dict(
            **kpi, generated=generated, members=members, references=reference_rows,
            better={"higher": "högre är bättre", "lower": "lägre är bättre"}.get(kpi["direction"], "ingen riktning"),
            chart=charts.trend_lines(years, {mm["name"]: [c and c["value"] for c in mm["cells"]] for mm in members},
                                     dict(reference_rows), "", unit)))
    return Section(available=bool(out), missing="" if out else "Inga av de valda indikatorerna har värden.",
                   data=dict(years=years, kpis=out, not_found=missing, generated=any_generated))


# ---------------------------------------------------------------- provenance and data quality

def provenance_section(m: Marts) -> Section:
    d: dict = {"published_at": m.one("select published_at from main.publication") if m.has("main.publication") else None}
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
            d["reconciliation"] = m.rows("select * from marts.rpt_population_reconciliation where differs_from_scb "
                                         "order by reference_date, municipality_code")
    d["oj_generated"] = bool(m.has("marts.fct_oj_results") and
                             m.one("select bool_or(is_generated) from marts.fct_oj_results"))
    d["warnings"] = _warnings(m, d)
    return Section(data=d)


def _warnings(m: Marts, d: dict) -> list[str]:
    w = []
    modes = {r["source_mode"] for r in d.get("scb", [])}
    if modes - {"live"}:
        w.append("SCB-befolkningen kommer från den medföljande ögonblicksbilden (" + ", ".join(sorted(modes))
                 + "), inte från ett färskt API-anrop; snapshot-rebuilt betyder SCB:s värden i återskapad form "
                   "(se docs/sources.md).")
    if d.get("oj_generated"):
        w.append(f"ÖJ-värdena i denna rapport är {GENERATED_NOTICE}: de har tagits fram offline "
                 "(ingestion/oj_generator.py) och får inte citeras som Öppna jämförelser.")
    run = d.get("kolada_run")
    if run and run.get("failed_kpis") not in (None, "{}", "[]", {}, []):
        w.append(f"Kolada: nyckeltal som inte kunde hämtas vid senaste laddningen: {run['failed_kpis']}.")
    if d.get("quarantine_total"):
        w.append(f"{d['quarantine_total']} rad(er) i postfilerna hamnade i karantän och ingår inte (se listan nedan).")
    if d.get("reconciliation"):
        w.append(f"{len(d['reconciliation'])} folkmängdsuppgift(er) i egna dokument skiljer sig från SCB; "
                 "lagret använder SCB:s siffror.")
    if not d.get("published_at"):
        w.append("Databasen saknar publiceringsstämpel (main.publication).")
    return w


# ---------------------------------------------------------------- the whole report

def gather(con: duckdb.DuckDBPyConnection, year: int) -> dict:
    m = Marts(con)
    from report import activity  # the internal-records sections

    return dict(
        year=year,
        generated_at=datetime.now(timezone.utc),
        fees=fees_section(m, year),
        budget=activity.budget_section(m, year),
        oj=oj_section(m, year),
        requests=activity.requests_section(m, year),
        assignments=activity.assignments_section(m, year),
        events=activity.events_section(m, year),
        communication=activity.communication_section(m, year),
        staffing=activity.staffing_section(m, year),
        quality=provenance_section(m),
        generated_notice=GENERATED_NOTICE,
        quartile_fill=QUARTILE_FILL,
    )


def render_html(context: dict) -> str:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(number=fmt.number, kr=fmt.kr, pct=fmt.pct, tkr=fmt.tkr, day=fmt.day, signed=fmt.signed,
                       in_unit=fmt.value_in_unit)
    env.globals["css"] = (HERE / "templates" / "report.css").read_text(encoding="utf-8")
    return env.get_template("report.html.j2").render(**context)


def output_paths(settings: Settings, year: int, out_dir: Path | None = None) -> tuple[Path, Path]:
    folder = out_dir or settings.data_dir / "reports"
    return folder / f"styrgruppsrapport_{year}.html", folder / f"styrgruppsrapport_{year}.pdf"


def build(settings: Settings, year: int, out_dir: Path | None = None, pdf: bool = True) -> tuple[Path, Path | None]:
    db = settings.published_db
    if not db.exists():
        raise FileNotFoundError(f"{db} finns inte: kör först den månatliga laddningen (make run)")
    with duckdb.connect(str(db), read_only=True) as con:
        context = gather(con, year)
    html = render_html(context)
    html_path, pdf_path = output_paths(settings, year, out_dir)
    html_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = html_path.with_suffix(".html.tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(html_path)
    log.info("report HTML: %s", html_path)
    if not pdf:
        return html_path, None
    from weasyprint import HTML  # imported late: a slow import the HTML alone does not need

    tmp = pdf_path.with_suffix(".pdf.tmp")
    HTML(string=html, base_url=str(html_path.parent)).write_pdf(tmp)
    tmp.replace(pdf_path)
    log.info("report PDF: %s", pdf_path)
    return html_path, pdf_path
