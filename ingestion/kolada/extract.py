"""One Kolada run: metadata and ÖJ values, live (ingestion/kolada/live.py) or from the bundled
snapshot, landed raw with a manifest. A batch of KPIs that fails does not stop the others: the
failure is recorded per KPI in the run's manifest, the load reports it, and only a run where
every KPI failed raises. The manifest also says, per KPI, whether it was fetched in full or
since a from_date, and which Kolada groups' values were asked for (similar municipalities)."""

from __future__ import annotations

import gzip
import json
import logging
import os
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from ingestion.errors import SourceError, SourceUnreachable
from ingestion.http import Response, land
from ingestion.kolada.client import METADATA, SOURCE
from ingestion.kolada.live import extract_live
from ingestion.settings import SNAPSHOT_DIR, Settings, SourceMode

log = logging.getLogger(__name__)
SNAPSHOT = SNAPSHOT_DIR / SOURCE
GENERATED_VALUES = SNAPSHOT / "values.generated.json.gz"
# real Kolada values through a third-party copy (scripts/build_oj_values.py): value_provenance
# 'kolada-copy', read before the generated values, which never cover the same KPIs
COPY_VALUES = SNAPSHOT / "values.kolada_copy.json.gz"
VALUE_BUNDLES = (COPY_VALUES, GENERATED_VALUES)


def county_id(settings: Settings) -> str:
    """Kolada's id of the county: 00 + SCB's two-digit county code (01 → 0001)."""
    return "00" + settings.region.region.county_code


@dataclass
class ExtractResult:
    source_mode: str
    kpis: list[str]
    landed: list[Path] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # KPI id → why
    from_dates: dict[str, str | None] = field(default_factory=dict)  # KPI id → from_date, None = in full
    similar_groups: dict[str, str] = field(default_factory=dict)  # member → its Liknande kommuner IFO group
    group_ids: list[str] = field(default_factory=list)  # G ids asked for values
    provenance: dict[str, str] = field(default_factory=dict)  # snapshot: KPI → kolada-copy or generated
    notices: dict[str, str] = field(default_factory=dict)  # snapshot: bundle file → its notice (origin)


def municipality_ids(metadata_pages: list[Response]) -> list[str]:
    """All municipalities (type K, 290 of them) from the /municipality answer."""
    ids = sorted({m["id"] for r in metadata_pages for m in r.json()["values"] if m.get("type") == "K"})
    if not ids:
        raise SourceError("kolada: the municipality metadata lists no municipality of type K")
    return ids


def places(settings: Settings, municipalities: list[str], group_ids: list[str] = ()) -> list[str]:
    """Region members first (so their values come in the first batch), then county, nation,
    Kolada's groups (G ids: their value is the group's mean), then every other municipality:
    the quartiles are computed among all of them."""
    members = sorted(settings.members)
    rest = [m for m in municipalities if m not in members]
    return members + [county_id(settings), settings.kpis.nation_id] + list(group_ids) + rest


def snapshot_record_responses(path: Path) -> list[Response]:
    """A bundled file in the record format {kind, entity, url, fetchedAt, provenance,
    response}, offered as if just fetched; `provenance` says snapshot (real) or generated."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        doc = json.load(fh)
    records = doc["answers"] if "answers" in doc else [doc]
    out = []
    for rec in records:
        body = json.dumps(rec["response"], ensure_ascii=False).encode("utf-8")
        out.append(
            Response(
                SOURCE,
                "SNAPSHOT",
                rec["url"],
                {"file": path.name, "kpis": rec.get("kpis")},
                200,
                body,
                rec["fetchedAt"],
                source_mode=rec["provenance"],
                kind=rec["kind"],
                parsed=rec["response"],
            )
        )
    return out


def _write_manifest(settings: Settings, result: ExtractResult, years: list[int]) -> Path:
    folder = settings.landing_dir / SOURCE / "runs"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    path = folder / f"{stamp}-{os.getpid()}.manifest.json"
    path.write_text(
        json.dumps(
            {
                "source_mode": result.source_mode,
                "kpis": result.kpis,
                "years": years,
                "failed": result.failed,
                "from_dates": result.from_dates,
                "similar_groups": result.similar_groups,
                "group_ids": result.group_ids,
                "provenance": result.provenance,
                "notices": result.notices,
                "landed": [str(p) for p in result.landed],
            },
            ensure_ascii=False,
            indent=2,
        ),
        encoding="utf-8",
    )
    return path


def _land_all(settings: Settings, responses: list[Response], name: str) -> list[Path]:
    return [land(r, settings.landing_dir, name) for r in responses]


def _extract_live(settings: Settings, kpis: list[str], years: list[int]) -> ExtractResult:
    result = ExtractResult("live", kpis)
    extract_live(settings, kpis, years, result, lambda s, pages, groups: places(s, municipality_ids(pages), groups))
    return result


def bundle_doc(path: Path) -> dict:
    """A bundled values file without its answers: notice, origin, KPIs, years."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return {k: v for k, v in json.load(fh).items() if k != "answers"}


def copied_kpis() -> list[str]:
    """The KPIs whose bundled values are real Kolada values through a copy (not generated)."""
    return list(bundle_doc(COPY_VALUES).get("kpis") or []) if COPY_VALUES.exists() else []


def _land_bundle(settings: Settings, path: Path, kpis: list[str], result: ExtractResult) -> None:
    """Land one bundled values file's answers; a broken answer fails its KPIs only."""
    result.notices[path.name] = bundle_doc(path).get("notice", "")
    for r in snapshot_record_responses(path):
        batch = [k for k in r.query["kpis"] or [] if k in kpis and k not in result.provenance]
        try:
            body = r.json()
            if not isinstance(body.get("values"), list):
                raise SourceError(f"kolada: bundled answer {r.url} has no values list")
        except SourceError as exc:
            result.failed.update(dict.fromkeys(batch, str(exc)))
            continue
        result.provenance.update(dict.fromkeys(batch, r.source_mode))
        result.landed.append(land(r, settings.landing_dir, "data"))


def _extract_snapshot(settings: Settings, kpis: list[str]) -> ExtractResult:
    result = ExtractResult("snapshot", kpis, from_dates=dict.fromkeys(kpis))
    for entity in METADATA:
        path = SNAPSHOT / f"{entity}.json"
        responses = snapshot_record_responses(path)
        for r in responses:
            r.json()
        result.landed += _land_all(settings, responses, entity)
    for path in VALUE_BUNDLES:
        if path.exists():
            _land_bundle(settings, path, kpis, result)
    for k in kpis:
        if k not in result.provenance and k not in result.failed:
            result.failed[k] = "no values in the bundled snapshot (rebuild it: python scripts/build_oj_values.py)"
    generated = sorted(k for k, p in result.provenance.items() if p == "generated")
    copied = sorted(k for k, p in result.provenance.items() if p == "kolada-copy")
    if generated:
        log.warning(
            "KOLADA SNAPSHOT: the values of %s KPI(s) are GENERATED (scripts/oj_generator.py), not official "
            "statistics: %s",
            len(generated),
            ", ".join(generated),
        )
    if copied:
        log.warning(
            "KOLADA SNAPSHOT: %s: real Kolada values through a third-party copy, not compared with kolada.se",
            ", ".join(copied),
        )
    return result


def extract(settings: Settings) -> list[Path]:
    """Fetch (or read the bundled snapshot) and land; returns the run's manifest first, then
    every landed page. Raises only when no KPI at all could be fetched."""
    cfg = settings.kpis
    kpis = cfg.ids
    mode = settings.source_mode
    years = list(range(cfg.first_year, date.today().year + 1))
    result = None
    if mode in (SourceMode.live, SourceMode.auto):
        try:
            result = _extract_live(settings, kpis, years)
            if mode is SourceMode.auto and len(result.failed) == len(kpis):
                raise SourceUnreachable(f"every KPI batch failed: {next(iter(result.failed.values()))}")
        except SourceUnreachable as exc:
            if mode is SourceMode.live:
                raise
            log.warning("!" * 72)
            log.warning("KOLADA IS UNREACHABLE, USING THE BUNDLED SNAPSHOT (MOSTLY GENERATED ÖJ VALUES): %s", exc)
            log.warning("!" * 72)
            result = None
    if result is None:
        result = _extract_snapshot(settings, kpis)
        years = list(range(cfg.first_year, cfg.generated_last_year + 1))
    if result.failed:
        log.error("KOLADA: %s of %s KPI(s) failed: %s", len(result.failed), len(kpis), sorted(result.failed))
    if len(result.failed) == len(kpis):
        raise SourceError(f"kolada: every KPI failed to load, e.g. {next(iter(result.failed.items()))}")
    return [_write_manifest(settings, result, years)] + result.landed
