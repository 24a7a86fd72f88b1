"""Kolada API v3 (https://api.kolada.se/v3): Öppna jämförelser values and metadata.

What the API does (checked against rKolada's v3 client, which the saved reference data
came from, and reference-data/kolada/README.md):
- data:      GET /v3/data/kpi/{kpis}/municipality/{ids}/year/{years}?page=1&per_page=5000
- metadata:  GET /v3/kpi/{ids}, /v3/municipality, /v3/municipality_groups?title=… and
  /v3/municipality_groups/{ids} (same paging): an entity takes ids in the path (at most 25,
  comma-separated) or a `title` filter (case-insensitive substring), as rKolada's
  compose_metadata_query builds them; so only the catalogue's KPIs and the groups needed are
  fetched, not the ~6 100 KPIs and 3 630 groups.
- `from_date=YYYY-MM-DD` on a data call: only the values changed since that day, each value
  with `isdeleted` (true for a value Kolada withdrew).
- every answer is {"count", "values", "next_url", "previous_url"}; a page holds at most
  5 000 values and `next_url` (absolute, or relative to the page) points at the next page,
  empty or absent on the last. A query parameter we sent (from_date, title) that the
  next_url leaves out is carried over, so a relative "?page=2" never widens the question.
- a path segment takes at most 25 ids; more is an error, so every segment is cut in 25s.
- data objects: {kpi, municipality, period, values: [{gender T|K|M, count, status, value,
  isdeleted}]}; the gender order varies per object. A G id in the municipality segment
  gives the group's value: Kolada's unweighted mean of its members with a value (count > 1).

Everything goes through the shared HTTP layer (retries honouring Retry-After on 429,
timeouts) and every page is landed unchanged with its SHA-256.

Extracting a run (live or snapshot) is ingestion/kolada/extract.py; loading, load.py."""

from __future__ import annotations

import logging
from itertools import product
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit, urlunsplit

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


def _carry(url: str, sent: dict) -> str:
    """next_url with every parameter we sent that it leaves out (not page/per_page, which it sets)."""
    parts = urlsplit(url)
    query = parse_qs(parts.query, keep_blank_values=True)
    missing = {k: v for k, v in sent.items() if k not in query and k not in ("page", "per_page")}
    if not missing:
        return url
    sep = "&" if parts.query else ""
    return urlunsplit(parts._replace(query=parts.query + sep + urlencode(missing)))


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

    def pages(self, path: str, kind: str, extra: dict | None = None) -> list[Response]:
        """Every page of one request: the first with page/per_page (and `extra`), then each next_url."""
        out: list[Response] = []
        extra = extra or {}
        url, params = path, {"page": 1, "per_page": PER_PAGE, **extra}
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
            nxt = body.get("next_url")
            url, params = (_carry(urljoin(r.url, nxt), extra) if nxt else None), None
            if url and (url in seen or len(out) >= MAX_PAGES):
                raise SourceError(f"kolada: paging of {path} does not end (next_url {url})")
        return out

    def metadata(self, entity: str, ids: list[str] | None = None, title: str | None = None) -> list[Response]:
        """One metadata entity: all of it, only these ids (25 per call) or those whose title contains `title`."""
        if entity not in METADATA:
            raise ValueError(f"kolada: unknown metadata entity {entity}")
        if ids:
            return [r for part in chunks(ids) for r in self.pages(f"{entity}/{','.join(part)}", "metadata")]
        return self.pages(entity, "metadata", {"title": title} if title else None)

    def data(
        self, kpis: list[str], municipalities: list[str], years: list[int], from_date: str | None = None
    ) -> list[Response]:
        """All values of these KPIs × places × years (changed since from_date, if given), 25 ids
        per segment, every page."""
        out = []
        extra = {"from_date": from_date} if from_date else None
        for k, m, y in product(chunks(kpis), chunks(municipalities), chunks(years)):
            out += self.pages(data_path(k, m, y), "data", extra)
        return out
