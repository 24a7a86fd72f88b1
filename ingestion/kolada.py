"""Kolada API v3 (https://api.kolada.se/v3): Öppna jämförelser values and metadata.

What the API does (checked against rKolada's v3 client, which the saved reference data
came from, and reference-data/kolada/README.md):
- data:      GET /v3/data/kpi/{kpis}/municipality/{ids}/year/{years}?page=1&per_page=5000
- metadata:  GET /v3/kpi, /v3/municipality, /v3/municipality_groups (same paging)
- every answer is {"count", "values", "next_url", "previous_url"}; a page holds at most
  5 000 values and `next_url` (absolute) points at the next page, empty or absent on the last.
- a path segment takes at most 25 ids; more is an error, so every segment is cut in 25s.
- data objects: {kpi, municipality, period, values: [{gender T|K|M, count, status, value}]}.

Everything goes through the shared HTTP layer (retries honouring Retry-After on 429,
timeouts) and every page is landed unchanged with its SHA-256.

A batch of KPIs that fails does not stop the others: the failure is recorded in the run's
manifest, the load reports it, and only a run where every batch failed raises."""
from __future__ import annotations

import gzip
import json
import logging
import os
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from itertools import product
from pathlib import Path

import yaml

from ingestion.http import HttpClient, Response, SourceError, SourceUnreachable, land
from ingestion.settings import PROJECT_DIR, SNAPSHOT_DIR, Settings, SourceMode

log = logging.getLogger(__name__)
SOURCE = "kolada"
MAX_IDS = 25         # per path segment, the API refuses more
PER_PAGE = 5000      # the API's page maximum
MAX_PAGES = 1000     # a guard against a next_url that never ends
METADATA = ("kpi", "municipality", "municipality_groups")
CATALOGUE = PROJECT_DIR / "config" / "oj_kpis.yml"
SNAPSHOT = SNAPSHOT_DIR / SOURCE
GENERATED_VALUES = SNAPSHOT / "values.generated.json.gz"


def chunks(ids: list[str], size: int = MAX_IDS) -> list[list[str]]:
    if size < 1:
        raise ValueError("chunk size must be at least 1")
    return [ids[i:i + size] for i in range(0, len(ids), size)]


def data_path(kpis: list[str], municipalities: list[str], years: list[int | str]) -> str:
    for name, ids in (("kpi", kpis), ("municipality", municipalities), ("year", years)):
        if not 0 < len(ids) <= MAX_IDS:
            raise ValueError(f"kolada: {len(ids)} {name} ids in one path segment (1 to {MAX_IDS} allowed)")
    return (f"data/kpi/{','.join(kpis)}/municipality/{','.join(municipalities)}"
            f"/year/{','.join(str(y) for y in years)}")


def load_catalogue(path: Path = CATALOGUE) -> dict:
    cfg = yaml.safe_load(path.read_text(encoding="utf-8"))
    ids = [k["id"] for k in cfg["kpis"]]
    if len(ids) != len(set(ids)):
        raise ValueError(f"{path}: a KPI id is listed twice")
    for k in cfg["kpis"]:
        if k.get("direction") not in ("higher", "lower", "none"):
            raise ValueError(f"{path}: {k['id']} has direction {k.get('direction')!r} (higher, lower or none)")
    return cfg


def county_id(settings: Settings) -> str:
    """Kolada's id of the county: 00 + SCB's two-digit county code (01 → 0001)."""
    return "00" + settings.region["region"]["county_code"]


class KoladaClient:
    def __init__(self, settings: Settings):
        self.http = HttpClient(SOURCE, settings.kolada_base_url, settings.http_timeout_s,
                               settings.http_retries, settings.http_backoff_s)

    def pages(self, path: str, kind: str) -> list[Response]:
        """Every page of one request: the first with page/per_page, then each next_url."""
        out: list[Response] = []
        url, params = path, {"page": 1, "per_page": PER_PAGE}
        seen: set[str] = set()
        while url:
            r = self.http.request("GET", url, params=params)
            r.kind = kind
            body = r.json()
            if not isinstance(body, dict) or not isinstance(body.get("values"), list):
                raise SourceError(f"kolada: GET {r.url} answered without a values list: {r.body[:200]!r}")
            out.append(r)
            seen.add(r.url)
            url, params = body.get("next_url") or None, None
            if url and (url in seen or len(out) >= MAX_PAGES):
                raise SourceError(f"kolada: paging of {path} does not end (next_url {url})")
        return out

    def metadata(self, entity: str) -> list[Response]:
        if entity not in METADATA:
            raise ValueError(f"kolada: unknown metadata entity {entity}")
        return self.pages(entity, "metadata")

    def data(self, kpis: list[str], municipalities: list[str], years: list[int]) -> list[Response]:
        """All values of these KPIs × places × years, 25 ids per segment, every page."""
        out = []
        for k, m, y in product(chunks(kpis), chunks(municipalities), chunks(years)):
            out += self.pages(data_path(k, m, y), "data")
        return out


@dataclass
class ExtractResult:
    source_mode: str
    kpis: list[str]
    landed: list[Path] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # KPI id → why


def municipality_ids(metadata_pages: list[Response]) -> list[str]:
    """All municipalities (type K, 290 of them) from the /municipality answer."""
    ids = sorted({m["id"] for r in metadata_pages for m in r.json()["values"] if m.get("type") == "K"})
    if not ids:
        raise SourceError("kolada: the municipality metadata lists no municipality of type K")
    return ids


def places(settings: Settings, cfg: dict, municipalities: list[str]) -> list[str]:
    """Region members first (so their values come in the first batch), then county, nation,
    then every other municipality: the quartiles are computed among all of them."""
    members = sorted(settings.region["region"]["members"])
    rest = [m for m in municipalities if m not in members]
    return members + [county_id(settings), cfg["nation_id"]] + rest


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
        out.append(Response(SOURCE, "SNAPSHOT", rec["url"], {"file": path.name, "kpis": rec.get("kpis")}, 200,
                            body, rec["fetchedAt"], source_mode=rec["provenance"], kind=rec["kind"]))
    return out


def _write_manifest(settings: Settings, result: ExtractResult, years: list[int]) -> Path:
    folder = settings.landing_dir / SOURCE / "runs"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
    path = folder / f"{stamp}-{os.getpid()}.manifest.json"
    path.write_text(json.dumps({
        "source_mode": result.source_mode, "kpis": result.kpis, "years": years,
        "failed": result.failed, "landed": [str(p) for p in result.landed],
    }, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def _land_all(settings: Settings, responses: list[Response], name: str) -> list[Path]:
    return [land(r, settings.landing_dir, name) for r in responses]


def _extract_live(settings: Settings, cfg: dict, kpis: list[str], years: list[int]) -> ExtractResult:
    client = KoladaClient(settings)
    result = ExtractResult("live", kpis)
    meta = {entity: client.metadata(entity) for entity in METADATA}  # unreachable → raises here
    for entity, pages in meta.items():
        result.landed += _land_all(settings, pages, entity)
    ids = places(settings, cfg, municipality_ids(meta["municipality"]))
    for batch in chunks(kpis):
        try:
            result.landed += _land_all(settings, client.data(batch, ids, years), "data")
        except SourceError as exc:  # one batch: log, remember, go on with the next
            log.error("KOLADA: KPIs %s failed to load: %s", ",".join(batch), exc)
            result.failed.update({k: str(exc) for k in batch})
    return result


def _extract_snapshot(settings: Settings, kpis: list[str]) -> ExtractResult:
    result = ExtractResult("snapshot", kpis)
    for entity in METADATA:
        path = SNAPSHOT / f"{entity}.json"
        responses = snapshot_record_responses(path)
        for r in responses:
            r.json()
        result.landed += _land_all(settings, responses, entity)
    log.warning("KOLADA SNAPSHOT: the ÖJ values are GENERATED (ingestion/oj_generator.py), not official statistics")
    answers = snapshot_record_responses(GENERATED_VALUES)
    covered: set[str] = set()
    for r in answers:
        batch = r.query["kpis"] or []
        try:
            body = r.json()
            if not isinstance(body.get("values"), list):
                raise SourceError(f"kolada: bundled answer {r.url} has no values list")
        except SourceError as exc:
            result.failed.update({k: str(exc) for k in batch if k in kpis})
            continue
        covered.update(batch)
        result.landed.append(land(r, settings.landing_dir, "data"))
    for k in kpis:
        if k not in covered and k not in result.failed:
            result.failed[k] = "no generated values in the bundled snapshot (rerun python -m ingestion.oj_generator)"
    return result


def extract(settings: Settings) -> list[Path]:
    """Fetch (or read the bundled snapshot) and land; returns the run's manifest first, then
    every landed page. Raises only when no KPI at all could be fetched."""
    cfg = load_catalogue()
    kpis = [k["id"] for k in cfg["kpis"]]
    mode = settings.source_mode
    years = list(range(int(cfg["first_year"]), date.today().year + 1))
    result = None
    if mode in (SourceMode.live, SourceMode.auto):
        try:
            result = _extract_live(settings, cfg, kpis, years)
            if mode is SourceMode.auto and len(result.failed) == len(kpis):
                raise SourceUnreachable(f"every KPI batch failed: {next(iter(result.failed.values()))}")
        except SourceUnreachable as exc:
            if mode is SourceMode.live:
                raise
            log.warning("!" * 72)
            log.warning("KOLADA IS UNREACHABLE, USING THE BUNDLED SNAPSHOT (GENERATED ÖJ VALUES): %s", exc)
            log.warning("!" * 72)
            result = None
    if result is None:
        result = _extract_snapshot(settings, kpis)
        years = list(range(int(cfg["first_year"]), int(cfg["generated_last_year"]) + 1))
    if result.failed:
        log.error("KOLADA: %s of %s KPI(s) failed: %s", len(result.failed), len(kpis), sorted(result.failed))
    if len(result.failed) == len(kpis):
        raise SourceError(f"kolada: every KPI failed to load, e.g. {next(iter(result.failed.items()))}")
    return [_write_manifest(settings, result, years)] + result.landed
