"""SCB population over PxWebApi v2: table limits, query splitting, snapshot fallback."""
from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass
from pathlib import Path

from ingestion import jsonstat
from ingestion.http import CallRateLimiter, HttpClient, Response, SourceError, SourceUnreachable, land
from ingestion.settings import SNAPSHOT_DIR, Settings, SourceMode

log = logging.getLogger(__name__)
SOURCE = "scb"
# Dimensions TAB638 and TAB5557 share. Civilstand is always selected (TAB638 has no total for it).
REQUIRED_DIMS = {"Region", "Civilstand", "Alder", "Kon", "ContentsCode", "Tid"}


@dataclass(frozen=True)
class ApiLimits:
    max_cells: int
    max_calls: int
    window_s: float

    @classmethod
    def from_config(cls, cfg: dict) -> "ApiLimits":
        try:
            return cls(int(cfg["maxDataCells"]), int(cfg["maxCallsPerTimeWindow"]), float(cfg["timeWindow"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise SourceError(f"scb: /config lacks the API limits ({exc}): {str(cfg)[:200]}") from exc


def cell_count(selection: dict[str, list[str]]) -> int:
    return math.prod(len(v) for v in selection.values())


def split_selection(selection: dict[str, list[str]], max_cells: int) -> list[dict[str, list[str]]]:
    """Split along the longest dimensions until every part is within `max_cells`."""
    cells = cell_count(selection)
    if cells <= max_cells:
        return [selection]
    dim = max(selection, key=lambda d: len(selection[d]))
    values = selection[dim]
    if len(values) == 1:
        raise ValueError(f"cannot split a selection of {cells} cells under {max_cells}")
    per_value = cells // len(values)
    step = max(1, max_cells // per_value)
    if step >= len(values):  # rounding: halve instead
        step = len(values) // 2
    parts = []
    for i in range(0, len(values), step):
        parts += split_selection({**selection, dim: values[i:i + step]}, max_cells)
    return parts


class ScbClient:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.http = HttpClient(SOURCE, settings.scb_base_url, settings.http_timeout_s,
                               settings.http_retries, settings.http_backoff_s)
        self._limits: ApiLimits | None = None

    @property
    def limits(self) -> ApiLimits:
        if self._limits is None:
            self._limits = ApiLimits.from_config(self.http.request("GET", "config").json())
            self.http.limiter = CallRateLimiter(self._limits.max_calls, self._limits.window_s)
            log.info("SCB limits: %s cells per call, %s calls per %s s", *vars(self._limits).values())
        return self._limits

    def metadata(self, table: str) -> Response:
        _ = self.limits
        r = self.http.request("GET", f"tables/{table}/metadata", params={"lang": "sv", "outputFormat": "json-stat2"})
        r.kind = "metadata"
        return r

    def data(self, table: str, selection: dict[str, list[str]]) -> list[Response]:
        """POST (long selections break GET URLs), split to stay under the cell limit."""
        parts = split_selection(selection, self.limits.max_cells)
        log.info("SCB %s: %s cells in %s call(s)", table, cell_count(selection), len(parts))
        return [
            self.http.request(
                "POST", f"tables/{table}/data", params={"lang": "sv", "outputFormat": "json-stat2"},
                json_body={"selection": [{"variableCode": d, "valueCodes": v} for d, v in part.items()]},
            )
            for part in parts
        ]


def population_selection(metadata: dict, table: dict, regions: list[str]) -> dict[str, list[str]]:
    """What we ask for: every region × sex × single age (and the published all-ages total)
    × year of the table's range. On TAB5557 also the published sex total, and only the
    civil-status total: with Cell Key Method noise, totals must be fetched, not summed."""
    missing = REQUIRED_DIMS - set(metadata["id"])
    if missing:
        raise SourceError(f"scb: {table['table']} metadata lacks dimensions {sorted(missing)} (schema changed?)")
    codes = {d: jsonstat.dimension_codes(metadata, d) for d in metadata["id"]}
    if table["contents"] not in codes["ContentsCode"]:
        raise SourceError(f"scb: {table['table']} has no contents code {table['contents']} "
                          f"(has {codes['ContentsCode']})")
    unknown = [r for r in regions if r not in codes["Region"]]
    if unknown:
        raise SourceError(f"scb: {table['table']} does not know regions {unknown}")
    last = table.get("last_year") or 9999
    years = [t for t in codes["Tid"] if table["first_year"] <= int(t) <= last]
    ckm = "SC" in codes["Civilstand"]
    ages = [a for a in codes["Alder"] if a.isdigit() or a in ("100+", "100+1")]
    ages += ["TotSA"] if ckm else ["tot"]
    return {
        "Region": regions,
        "Civilstand": ["SC"] if ckm else codes["Civilstand"],
        "Alder": ages,
        "Kon": ["1", "2", "TotSa"] if ckm else ["1", "2"],
        "ContentsCode": [table["contents"]],
        "Tid": years,
    }


def snapshot_responses(table: str, kind: str) -> list[Response]:
    """The bundled real answers, in the record format they were saved in
    ({kind, table, url, selection, fetchedAt, response}), offered as if just fetched."""
    out = []
    for path in sorted((SNAPSHOT_DIR / SOURCE / table).glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        if record.get("kind") != kind:
            continue
        body = json.dumps(record["response"], ensure_ascii=False).encode("utf-8")
        out.append(Response(
            SOURCE, "SNAPSHOT", record["url"], {"selection": record.get("selection"), "file": path.name},
            200, body, record["fetchedAt"], source_mode=record.get("provenance", "snapshot"), kind=kind,
        ))
    if not out:
        raise SourceError(f"scb: no bundled {kind} snapshot for {table} in {SNAPSHOT_DIR / SOURCE / table}")
    return out


def extract_population(settings: Settings) -> list[Path]:
    """Fetch (or read from the snapshot) every table of the stitched series and land it.
    Returns the landed data files."""
    cfg = settings.region
    regions = sorted(cfg["region"]["members"]) + [cfg["region"]["county_code"], "00"]
    mode = settings.source_mode
    landed: list[Path] = []
    client = ScbClient(settings)
    for table in cfg["population"]["tables"]:
        name = table["table"]
        responses: list[Response] | None = None
        if mode in (SourceMode.live, SourceMode.auto):
            try:
                meta = client.metadata(name)
                selection = population_selection(meta.json(), table, regions)
                responses = [meta] + client.data(name, selection)
            except SourceUnreachable as exc:
                if mode is SourceMode.live:
                    raise
                log.warning("!" * 72)
                log.warning("SCB IS UNREACHABLE, USING THE BUNDLED SNAPSHOT FOR %s: %s", name, exc)
                log.warning("!" * 72)
        if responses is None:
            responses = snapshot_responses(name, "metadata") + snapshot_responses(name, "data")
        for r in responses:
            r.json()  # refuse to land an answer we cannot read
            landed.append(land(r, settings.landing_dir, name))
    return landed
