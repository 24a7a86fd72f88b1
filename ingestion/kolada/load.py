"""Load landed Kolada answers (ÖJ values and metadata) into the work database.

Tables (schema raw), each row with its provenance: source_mode (live, snapshot, generated),
is_generated, the SHA-256 of the answer it came from and when that answer was fetched.
- kolada_values: one row per KPI × place × year × gender, as the API gives it.
- kolada_group_values: the same for Kolada's groups (G ids: the unweighted mean of the
  members with a value, count = how many), kept apart so that a place is always a
  municipality, county or Riket in kolada_values.
- kolada_kpis, kolada_municipalities, kolada_groups (one row per group member).
- oj_kpi_config: the catalogue of config/oj_kpis.yml (area, direction).
- kolada_answers: every answer loaded; kolada_load_runs: one row per load, with failed KPIs.

Values are replaced per KPI: the KPIs fetched in full in this run replace their earlier rows,
the KPIs fetched since a from_date get only the changed rows replaced and the withdrawn ones
(isdeleted) removed (ingestion/kolada/state.py), the KPIs that failed keep the rows they had.
Generated values never replace real ones: for a KPI that already has real values, generated
values are skipped (logged). Kolada's group values (G ids) load like any place's."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd

from ingestion import warehouse
from ingestion.kolada import state
from ingestion.kolada.values import QUARANTINE_SCHEMA, value_rows
from ingestion.settings import Settings

log = logging.getLogger(__name__)

SCHEMA = """
create schema if not exists raw;
create table if not exists raw.kolada_values (
    kpi varchar, municipality_id varchar, period integer, gender varchar, count integer,
    status varchar, value double, is_deleted boolean, source_mode varchar, is_generated boolean,
    sha256 varchar, fetched_at timestamptz);
create table if not exists raw.kolada_kpis (
    id varchar, title varchar, description varchar, is_divided_by_gender boolean,
    municipality_type varchar, auspice varchar, operating_area varchar, perspective varchar,
    prel_publication_date date, publication_date date, publ_period varchar, has_ou_data boolean,
    source_mode varchar, is_generated boolean, sha256 varchar, fetched_at timestamptz);
create table if not exists raw.kolada_municipalities (
    id varchar, title varchar, type varchar, source_mode varchar, is_generated boolean,
    sha256 varchar, fetched_at timestamptz);
create table if not exists raw.kolada_groups (
    group_id varchar, group_title varchar, member_id varchar, member_title varchar,
    source_mode varchar, is_generated boolean, sha256 varchar, fetched_at timestamptz);
create table if not exists raw.oj_kpi_config (kpi_id varchar, area varchar, direction varchar, position integer);
create table if not exists raw.kolada_answers (
    sha256 varchar, entity varchar, kind varchar, url varchar, fetched_at timestamptz,
    source_mode varchar, path varchar, loaded_at timestamptz);
create table if not exists raw.kolada_load_runs (
    loaded_at timestamptz, source_mode varchar, kpis_requested integer, kpis_loaded integer,
    values_loaded integer, failed_kpis json, skipped_generated_kpis json);
alter table raw.kolada_values add column if not exists is_stale boolean default false;
alter table raw.kolada_values add column if not exists stale_reason varchar;
alter table raw.kolada_load_runs add column if not exists quarantined_values integer;
"""

KPI_COLUMNS = [
    "id",
    "title",
    "description",
    "is_divided_by_gender",
    "municipality_type",
    "auspice",
    "operating_area",
    "perspective",
    "prel_publication_date",
    "publication_date",
    "publ_period",
    "has_ou_data",
]


def kpi_rows(body: dict) -> list[dict]:
    return [{c: k.get(c) for c in KPI_COLUMNS} for k in body["values"]]


def municipality_rows(body: dict) -> list[dict]:
    return [{"id": m["id"], "title": m["title"], "type": m["type"]} for m in body["values"]]


def group_rows(body: dict) -> list[dict]:
    return [
        {"group_id": g["id"], "group_title": g["title"], "member_id": m["member_id"], "member_title": m["member_title"]}
        for g in body["values"]
        for m in g.get("members") or []
    ]


def data_rows(body: dict) -> list[dict]:
    """The values of a data answer (its quarantined values are read in _parse)."""
    return value_rows(body)[0]


PARSERS = {
    "kpi": kpi_rows,
    "municipality": municipality_rows,
    "municipality_groups": group_rows,
    "data": data_rows,
}
TABLES = {
    "kpi": "kolada_kpis",
    "municipality": "kolada_municipalities",
    "municipality_groups": "kolada_groups",
    "data": "kolada_values",
}


def _frame(entity: str, rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    if entity == "kpi":
        for c in ("prel_publication_date", "publication_date"):
            df[c] = pd.to_datetime(df[c]).dt.date
    if entity == "data":
        df["count"] = df["count"].astype("Int64")
    return df


@dataclass
class KoladaLoadResult:
    """What one ÖJ load did. Failed KPIs keep their earlier values (marked stale);
    `unchanged`: every answer of the run was loaded before, so nothing was written."""

    source_mode: str
    kpis_requested: int
    kpis_loaded: int
    values_loaded: int
    failed_kpis: list[str]
    failed_reasons: dict[str, str]  # KPI → what was missing, and why
    incremental_kpis: dict[str, str]  # KPI → the from_date it was asked for changes since
    kept_real_kpis: list[str]  # generated values never replace real ones
    generated: bool
    stale_kpis: dict[str, str]  # KPI → why its earlier values are kept
    quarantined_values: list[str]
    unchanged: bool = False

    def summary(self) -> str:
        text = f"{self.values_loaded} value(s) of {self.kpis_loaded}/{self.kpis_requested} KPIs ({self.source_mode})"
        if self.failed_kpis:
            text += f"; failed: {', '.join(map(str, self.failed_kpis))}"
        if self.stale_kpis:
            text += f"; STALE, earlier values kept: {', '.join(sorted(self.stale_kpis))}"
        if self.quarantined_values:
            text += f"; {len(self.quarantined_values)} value(s) quarantined"
        if self.incremental_kpis:
            text += f"; {len(self.incremental_kpis)} KPI(s) asked only for changes since the last load"
        return text


@dataclass
class _Parsed:
    """The run's answers read into frames per entity, the rows for raw.kolada_answers and the
    values quarantined on the way."""

    frames: dict[str, list[pd.DataFrame]] = field(default_factory=lambda: {e: [] for e in PARSERS})
    answers: list[tuple] = field(default_factory=list)
    quarantined: list[dict] = field(default_factory=list)


@dataclass
class _Written:
    """What the values step wrote; all empty when the run had nothing new."""

    replaced: list[str] = field(default_factory=list)  # KPIs whose values this run replaced
    kept_real: list[str] = field(default_factory=list)
    values: int = 0
    stale: dict[str, str] = field(default_factory=dict)
    at: datetime | None = None  # the load's time: the values, the answers and the run row share it


def load(settings: Settings, landed: list[str]) -> KoladaLoadResult:
    """Load one run's landed answers (the run's manifest and its answers) into raw; see the
    module's docstring for what is replaced and what is kept."""
    manifest, metas = _read_landed([Path(p) for p in landed])
    from_dates = manifest.get("from_dates") or {}
    unchanged = (
        not manifest["failed"] and not any(from_dates.values()) and state.already_loaded(settings, metas, TABLES)
    )
    parsed = _Parsed() if unchanged else _parse(metas)
    written = _Written()
    warehouse.load_config(settings)  # region membership, which the ÖJ models join
    with warehouse.connect(settings.work_db) as con:
        con.execute(SCHEMA + QUARANTINE_SCHEMA + state.STATE_SCHEMA)  # also upgrades an older work database
        con.begin()
        _write_config(con, _config_frame(settings), settings)
        if not unchanged:
            _write_metadata(con, parsed.frames)
            written = _write_values(con, manifest, parsed)
            _record_run(con, manifest, parsed, written)
        con.commit()
    result = KoladaLoadResult(
        source_mode=manifest["source_mode"],
        kpis_requested=len(manifest["kpis"]),
        kpis_loaded=len(written.replaced),
        values_loaded=written.values,
        failed_kpis=sorted(manifest["failed"]),
        failed_reasons=dict(sorted(manifest["failed"].items())),
        incremental_kpis={k: from_dates[k] for k in written.replaced if from_dates.get(k)},
        kept_real_kpis=written.kept_real,
        generated=manifest["source_mode"] != "live",
        stale_kpis=written.stale,
        quarantined_values=[
            f"{q['kpi']} {q['municipality_id']} {q['period']} {q['gender']}: {q['reason']}" for q in parsed.quarantined
        ],
        unchanged=unchanged,
    )
    _log(result)
    return result


def _read_landed(paths: list[Path]) -> tuple[dict, dict[Path, dict]]:
    """The run's manifest (exactly one among the landed files) and each answer's meta."""
    manifests = [p for p in paths if p.name.endswith(".manifest.json")]
    if len(manifests) != 1:
        raise ValueError(f"kolada load: expected one run manifest among the landed files, got {len(manifests)}")
    manifest = json.loads(manifests[0].read_text(encoding="utf-8"))
    metas = {
        path: json.loads(path.with_suffix(".meta.json").read_text(encoding="utf-8"))
        for path in paths
        if path not in manifests
    }
    return manifest, metas


def _config_frame(settings: Settings) -> pd.DataFrame:
    """config/oj_kpis.yml as raw.oj_kpi_config's rows, in the catalogue's order."""
    return pd.DataFrame(
        [
            {"kpi_id": k.id, "area": k.area, "direction": k.direction, "position": i}
            for i, k in enumerate(settings.kpis.kpis)
        ]
    )


def _parse(metas: dict[Path, dict]) -> _Parsed:
    """Every answer read into a frame with its provenance; a data answer's values that are not
    numbers are set aside for raw.kolada_quarantine."""
    parsed = _Parsed()
    for path, meta in metas.items():
        entity = path.parent.name
        body = json.loads(path.read_bytes().decode("utf-8-sig"))
        if entity == "data":
            rows, bad = value_rows(body)
            where = {"url": meta["url"], "sha256": meta["sha256"], "fetched_at": pd.Timestamp(meta["fetched_at"])}
            parsed.quarantined += [{"source": "kolada", **b, **where} for b in bad]
        else:
            rows = PARSERS[entity](body)
        if rows:
            df = _frame(entity, rows)
            df["source_mode"], df["is_generated"] = meta["source_mode"], meta["source_mode"] == "generated"
            df["sha256"], df["fetched_at"] = meta["sha256"], pd.Timestamp(meta["fetched_at"])
            if entity == "data":
                df["checked_at"] = df["fetched_at"]
            parsed.frames[entity].append(df)
        parsed.answers.append(
            (meta["sha256"], entity, meta["kind"], meta["url"], meta["fetched_at"], meta["source_mode"], str(path))
        )
    return parsed


METADATA_KEYS = {"kpi": ["id"], "municipality": ["id"], "municipality_groups": ["group_id", "member_id"]}


def _write_metadata(con, frames: dict[str, list[pd.DataFrame]]) -> None:
    """KPIs, municipalities and groups: the whole list comes in every run, so it replaces the old."""
    for entity, keys in METADATA_KEYS.items():
        if frames[entity]:
            meta_df = pd.concat(frames[entity], ignore_index=True)
            meta_df = meta_df.drop_duplicates(subset=keys)  # a group asked by title and by id
            con.execute(f"delete from raw.{TABLES[entity]}")
            con.execute(f"insert into raw.{TABLES[entity]} by name select * from meta_df")


# how far a value can be trusted: live Kolada, a third-party copy of Kolada, generated
TRUST = {"generated": 0, "kolada-copy": 1}  # any other source mode (live): 2


def _kept(con, manifest: dict, fetched: list[str], values: pd.DataFrame | None) -> list[str]:
    """The fetched KPIs whose earlier values are kept because they are more trustworthy than
    this run's (generated never replaces a copy or live values, a copy never replaces live ones)."""
    if manifest["source_mode"] == "live" or not fetched:
        return []
    held = dict(
        con.execute(
            "select kpi, max(case when is_generated then 0 when source_mode = 'kolada-copy' then 1 else 2 end) "
            "from raw.kolada_values where list_contains(?, kpi) group by kpi",
            [fetched],
        ).fetchall()
    )
    incoming: dict[str, int] = {}
    if values is not None:
        for kpi, mode in values[["kpi", "source_mode"]].drop_duplicates().itertuples(index=False):
            incoming[kpi] = min(incoming.get(kpi, 2), TRUST.get(mode, 2))
    kept = sorted(k for k in fetched if k in held and held[k] > incoming.get(k, 0))
    if kept:
        log.warning("KOLADA: kept the earlier values of %s; less trustworthy values never replace them", kept)
    return kept


def _write_values(con, manifest: dict, parsed: _Parsed) -> _Written:
    """The fetched KPIs' values replace their earlier ones (in full, or the changes since a
    from_date); generated values never replace real ones; failed KPIs are marked stale; a
    quarantined value leaves its cell without a value (never the earlier one)."""
    from_dates = manifest.get("from_dates") or {}
    fetched = [k for k in manifest["kpis"] if k not in manifest["failed"]]
    values = pd.concat(parsed.frames["data"], ignore_index=True) if parsed.frames["data"] else None
    kept_real = _kept(con, manifest, fetched, values)
    replace = [k for k in fetched if k not in kept_real]
    full = [k for k in replace if not from_dates.get(k)]
    now = warehouse.now()
    values_loaded = state.write_values(con, values, full, [k for k in replace if k not in full], now)
    state.record(con, manifest["source_mode"], from_dates, replace, now)
    stale = _mark_stale(con, manifest["failed"])
    _quarantine(con, parsed.quarantined, values, replace, full, now)
    return _Written(replaced=replace, kept_real=kept_real, values=values_loaded, stale=stale, at=now)


def _record_run(con, manifest: dict, parsed: _Parsed, written: _Written) -> None:
    """The answers loaded (each SHA-256 once) and one row for this load in raw.kolada_load_runs."""
    now = written.at
    for a in parsed.answers:
        if not con.execute("select 1 from raw.kolada_answers where sha256 = ?", [a[0]]).fetchone():
            con.execute("insert into raw.kolada_answers values (?, ?, ?, ?, ?, ?, ?, ?)", [*a, now])
    con.execute(
        "insert into raw.kolada_load_runs values (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            now,
            manifest["source_mode"],
            len(manifest["kpis"]),
            len(written.replaced),
            written.values,
            json.dumps(manifest["failed"], ensure_ascii=False),
            json.dumps(written.kept_real),
            len(parsed.quarantined),
        ],
    )


def _log(result: KoladaLoadResult) -> None:
    if result.unchanged:
        log.info("KOLADA LOAD: every answer of this run is loaded already (same SHA-256); nothing to do")
        return
    if result.quarantined_values:
        log.error(
            "KOLADA LOAD: %s value(s) quarantined in raw.kolada_quarantine: %s",
            len(result.quarantined_values),
            result.quarantined_values[:5],
        )
    if result.failed_kpis:
        log.error(
            "KOLADA LOAD: %s KPI(s) failed and keep their earlier values: %s",
            len(result.failed_kpis),
            ", ".join(result.failed_kpis),
        )
    log.info("KOLADA LOAD: %s", result)


def _write_config(con, config: pd.DataFrame, settings: Settings) -> None:
    """The ÖJ catalogue and the region's own Kolada group (config/region.yml kolada_group_id)."""
    con.execute("create or replace table raw.oj_kpi_config as select * from config")
    con.execute("create or replace table raw.kolada_region_group (group_id varchar)")
    if settings.region.region.kolada_group_id:
        con.execute("insert into raw.kolada_region_group values (?)", [settings.region.region.kolada_group_id])


def _mark_stale(con, failed: dict[str, str]) -> dict[str, str]:
    """The KPIs whose fetch failed keep their earlier rows, now marked stale with the reason;
    returns {KPI: reason} for those that have earlier values (the others have none to keep)."""
    if not failed:
        return {}
    kept = {
        r[0]
        for r in con.execute(
            "select distinct kpi from raw.kolada_values where list_contains(?, kpi)", [list(failed)]
        ).fetchall()
    }
    for kpi in sorted(kept):
        for table in state.VALUE_TABLES:
            con.execute(f"update raw.{table} set is_stale = true, stale_reason = ? where kpi = ?", [failed[kpi], kpi])
    return {k: failed[k] for k in sorted(kept)}


def _quarantine(con, rows: list[dict], values: pd.DataFrame | None, replaced: list[str], full: list[str], now) -> None:
    """Quarantined values of the KPIs loaded now. Those loaded in full replace their earlier
    quarantine rows; an incremental answer only adds, and a cell it now sends as a number
    leaves the quarantine. A quarantined cell never keeps its earlier value: in an incremental
    month its earlier row is removed, so the mart shows the cell without a value and with the
    quarantine's reason (stg_kolada__quarantine) until Kolada sends a number."""
    if full:
        con.execute("delete from raw.kolada_quarantine where list_contains(?, kpi)", [full])
    if values is not None and len(values):
        answered = values[values["kpi"].isin(replaced)][state.KEY].drop_duplicates()  # noqa: F841 (DuckDB)
        con.execute(
            "delete from raw.kolada_quarantine q using answered a where q.kpi = a.kpi "
            "and q.municipality_id = a.municipality_id and q.period = a.period and q.gender = a.gender"
        )
    rows = [r for r in rows if r["kpi"] in replaced]
    if not rows:
        return
    bad = pd.DataFrame(rows).assign(quarantined_at=now)
    con.execute("insert into raw.kolada_quarantine by name select * from bad")
    for table in state.VALUE_TABLES:
        con.execute(
            f"delete from raw.{table} v using bad b where v.kpi = b.kpi and v.municipality_id = b.municipality_id "
            "and v.period = b.period and v.gender = b.gender"
        )
