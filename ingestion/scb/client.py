"""SCB's PxWebApi v2: the API's own limits (/config), selections split under the cell limit, POST."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

from ingestion.errors import SourceError
from ingestion.http import CallRateLimiter, HttpClient, Response
from ingestion.settings import Settings

log = logging.getLogger(__name__)
SOURCE = "scb"


@dataclass(frozen=True)
class ApiLimits:
    max_cells: int
    max_calls: int
    window_s: float

    @classmethod
    def from_config(cls, cfg: dict) -> ApiLimits:
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
        parts += split_selection({**selection, dim: values[i : i + step]}, max_cells)
    return parts


class ScbClient:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.http = HttpClient(
            SOURCE, settings.scb_base_url, settings.http_timeout_s, settings.http_retries, settings.http_backoff_s
        )
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
                "POST",
                f"tables/{table}/data",
                params={"lang": "sv", "outputFormat": "json-stat2"},
                json_body={"selection": [{"variableCode": d, "valueCodes": v} for d, v in part.items()]},
            )
            for part in parts
        ]
