"""SCB's PxWebApi v2 as its OpenAPI contract (PxAPI-2.yml) describes it: the API's own limits
(/config; 0 calls per 0 s means no limit in use), x-ratelimit-* headers where a server sends
them, selections split under the cell limit and split further when SCB answers 403 (too many
cells), POST for data, and only the spec's parameters (metadata takes no outputFormat)."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass

from ingestion.errors import SourceError
from ingestion.http import CallRateLimiter, HttpClient, HttpStatusError, Response
from ingestion.settings import Settings

log = logging.getLogger(__name__)
SOURCE = "scb"
MAX_HEADER_WAIT_S = 60.0  # never sleep longer than this on a server's x-ratelimit-reset


@dataclass(frozen=True)
class ApiLimits:
    max_cells: int  # 0: no cell limit announced
    max_calls: int  # 0 (with timeWindow 0): no call limit in use
    window_s: float

    @classmethod
    def from_config(cls, cfg: dict) -> ApiLimits:
        try:
            limits = cls(int(cfg["maxDataCells"]), int(cfg["maxCallsPerTimeWindow"]), float(cfg["timeWindow"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise SourceError(f"scb: /config lacks the API limits ({exc}): {str(cfg)[:200]}") from exc
        if min(limits.max_cells, limits.max_calls, limits.window_s) < 0:
            raise SourceError(f"scb: /config gives negative limits: {str(cfg)[:200]}")
        return limits

    @property
    def rate_limited(self) -> bool:
        return self.max_calls > 0 and self.window_s > 0


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


def header_wait_s(headers: dict, now: float) -> float:
    """Seconds to wait before the next call when a server says none are left
    (x-ratelimit-remaining 0): until x-ratelimit-reset, read as seconds from now or, when it
    is that large, as a Unix time. 0 when the headers are absent or calls remain."""
    remaining, reset = headers.get("x-ratelimit-remaining"), headers.get("x-ratelimit-reset")
    try:
        if remaining is None or int(remaining) > 0 or reset is None:
            return 0.0
        wait = float(reset)
    except ValueError:
        return 0.0
    if wait > 1e9:
        wait -= now
    return min(max(wait, 0.0), MAX_HEADER_WAIT_S)


class ScbClient:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.http = HttpClient(
            SOURCE, settings.scb_base_url, settings.http_timeout_s, settings.http_retries, settings.http_backoff_s
        )
        self._limits: ApiLimits | None = None
        self.sleep = time.sleep  # replaced in tests to see the waits the headers asked for
        self.waits: list[float] = []

    @property
    def limits(self) -> ApiLimits:
        if self._limits is None:
            self._limits = ApiLimits.from_config(self._get("config").json())
            if self._limits.rate_limited:
                self.http.limiter = CallRateLimiter(self._limits.max_calls, self._limits.window_s)
                log.info("SCB limits: %s cells per call, %s calls per %s s", *vars(self._limits).values())
            else:
                log.info("SCB limits: %s cells per call, no call limit in use", self._limits.max_cells)
        return self._limits

    def _get(self, path: str, params: dict | None = None) -> Response:
        return self._honour_headers(self.http.request("GET", path, params=params))

    def _honour_headers(self, r: Response) -> Response:
        wait = header_wait_s(r.headers, time.time())
        if wait:
            log.info("SCB: no calls left in this window (x-ratelimit-*), waiting %.1f s", wait)
            self.waits.append(wait)
            self.sleep(wait)
        return r

    def table(self, table: str) -> Response:
        """/tables/{id}: `updated`, `lastPeriod`, `discontinued` (is a successor needed?)."""
        _ = self.limits
        r = self._get(f"tables/{table}", params={"lang": "sv"})
        r.kind = "table"
        return r

    def metadata(self, table: str) -> Response:
        _ = self.limits
        r = self._get(f"tables/{table}/metadata", params={"lang": "sv"})  # json-stat2 is its only format
        r.kind = "metadata"
        return r

    def data(self, table: str, selection: dict[str, list[str]]) -> Iterator[Response]:
        """POST (long selections break GET URLs), split to stay under the cell limit; a 403
        (the server counts more cells than /config said) halves the limit and splits again.
        Yields each answer as it arrives, so the caller checks and lands it while the rate
        limiter would otherwise only wait for the next call (at 290 municipalities 98 calls)."""
        cap = self.limits.max_cells or cell_count(selection)
        queue = split_selection(selection, cap)
        log.info("SCB %s: %s cells in %s call(s)", table, cell_count(selection), len(queue))
        while queue:
            part = queue.pop(0)
            if cell_count(part) > cap:
                queue[:0] = split_selection(part, cap)
                continue
            try:
                answer = self._post(table, part)
            except HttpStatusError as exc:
                if exc.status != 403 or cell_count(part) == 1:
                    raise
                cap = max(1, cell_count(part) // 2)
                log.warning("SCB %s: 403 for %s cells (%s); splitting under %s", table, cell_count(part), exc, cap)
                queue.insert(0, part)
                continue
            yield answer

    def _post(self, table: str, part: dict[str, list[str]]) -> Response:
        return self._honour_headers(
            self.http.request(
                "POST",
                f"tables/{table}/data",
                params={"lang": "sv", "outputFormat": "json-stat2"},
                json_body={"selection": [{"variableCode": d, "valueCodes": v} for d, v in part.items()]},
            )
        )
