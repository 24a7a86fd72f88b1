"""Kolada API v3 (https://api.kolada.se/v3): Öppna jämförelser values and metadata.

What the API does (checked against rKolada's v3 client, which the saved reference data
came from, and reference-data/kolada/README.md):
- data:      GET /v3/data/kpi/{kpis}/municipality/{ids}/year/{years}?page=1&per_page=5000
- metadata:  GET /v3/kpi, /v3/municipality, /v3/municipality_groups (same paging)
- every answer is {"count", "values", "next_url", "previous_url"}; a page holds at most
  5 000 values and `next_url` (absolute, or relative to the page) points at the next page,
  empty or absent on the last.
- a path segment takes at most 25 ids; more is an error, so every segment is cut in 25s.
- data objects: {kpi, municipality, period, values: [{gender T|K|M, count, status, value}]}.

Everything goes through the shared HTTP layer (retries honouring Retry-After on 429,
timeouts) and every page is landed unchanged with its SHA-256.

Extracting a run (live or snapshot) is ingestion/kolada/extract.py; loading, load.py."""

from __future__ import annotations

import logging
from itertools import product
from urllib.parse import urljoin

from ingestion.errors import SourceError
from ingestion.http import HttpClient, Response
from ingestion.settings import Settings

log = logging.getLogger(__name__)
SOURCE = "kolada"
MAX_IDS = 25  # per path segment, the API refuses more
PER_PAGE = 5000  # the API's page maximum
MAX_PAGES = 1000  # a guard against a next_url that never ends
METADATA = ("kpi", "municipality", "municipality_groups")


def chunks(ids: list[str], size: int = MAX_IDS) -> list[list[str]]:
    if size < 1:
        raise ValueError("chunk size must be at least 1")
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def data_path(kpis: list[str], municipalities: list[str], years: list[int | str]) -> str:
    for name, ids in (("kpi", kpis), ("municipality", municipalities), ("year", years)):
        if not 0 < len(ids) <= MAX_IDS:
            raise ValueError(f"kolada: {len(ids)} {name} ids in one path segment (1 to {MAX_IDS} allowed)")
    return f"data/kpi/{','.join(kpis)}/municipality/{','.join(municipalities)}/year/{','.join(str(y) for y in years)}"


class KoladaClient:
    def __init__(self, settings: Settings):
        self.http = HttpClient(
            SOURCE, settings.kolada_base_url, settings.http_timeout_s, settings.http_retries, settings.http_backoff_s
        )

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
            # next_url may be absolute or relative ("?page=2"): resolve it against the page's own URL
            url, params = (urljoin(r.url, body["next_url"]) if body.get("next_url") else None), None
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
