"""One HTTP layer for every API: retries with backoff (honouring Retry-After), timeouts,
a calls-per-window limit, and landing of every raw response with its SHA-256."""

from __future__ import annotations

import hashlib
import json
import logging
import socket
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import MaxRetryError, NewConnectionError
from urllib3.util.retry import Retry

from ingestion.errors import HttpStatusError, SourceError, SourceUnreachable

log = logging.getLogger(__name__)

RETRY_STATUSES = (429, 500, 502, 503, 504)


class CallRateLimiter:
    """Blocks so that at most `max_calls` start within any `window_s` seconds."""

    def __init__(self, max_calls: int, window_s: float):
        self.max_calls, self.window_s = max_calls, window_s
        self._starts: deque[float] = deque()
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:
            while True:
                now = time.monotonic()
                while self._starts and now - self._starts[0] >= self.window_s:
                    self._starts.popleft()
                if len(self._starts) < self.max_calls:
                    self._starts.append(now)
                    return
                time.sleep(self.window_s - (now - self._starts[0]) + 0.01)


class _Retry(Retry):
    """urllib3's Retry, except that a connection that cannot be made at all (name resolution
    failed, connection refused: NewConnectionError) fails at once. Those are not transient:
    retrying them only delays `auto`'s fallback and `live`'s clear failure."""

    def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None):
        if isinstance(error, NewConnectionError):
            raise MaxRetryError(_pool, url, error) from error
        return super().increment(method, url, response, error, _pool, _stacktrace)


# A connection cut while the body is read happens after urllib3 returned the response, so its
# Retry never sees it; HttpClient repeats the whole request for these.
BODY_CUT = (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError)


def make_session(retries: int, backoff_s: float, user_agent: str = "fou-warehouse") -> requests.Session:
    retry = _Retry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        backoff_factor=backoff_s,
        backoff_max=60,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=None,  # POST queries are read-only, safe to repeat
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = user_agent
    session.headers["Accept"] = "application/json"
    return session


@dataclass
class Response:
    """A raw answer exactly as received, with what is needed to find it again."""

    source: str
    method: str
    url: str
    query: dict | None
    status: int
    body: bytes
    fetched_at: str
    source_mode: str = "live"
    kind: str = "data"  # data, metadata or table (SCB's /tables/{id})
    headers: dict = field(default_factory=dict)  # lower-cased names (rate-limit headers are read from here)
    # a bundled answer's body is made from JSON already parsed: kept, so json() does not parse
    # it again (7 MB of ÖJ values in every offline run); callers only read it
    parsed: object = field(default=None, repr=False, compare=False)
    sha256: str = field(init=False)

    def __post_init__(self) -> None:
        self.sha256 = hashlib.sha256(self.body).hexdigest()

    def json(self):
        if self.parsed is not None:
            return self.parsed
        try:
            # utf-8-sig strips a byte order mark some servers put in front of JSON
            return json.loads(self.body.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise SourceError(
                f"{self.source}: {self.method} {self.url} returned invalid JSON "
                f"({len(self.body)} bytes, sha256 {self.sha256[:12]}): {exc}"
            ) from exc


def _problem(r: requests.Response) -> str:
    """An RFC 7807 problem+json body as "title: detail", else the start of the body."""
    try:
        body = r.json()
        if isinstance(body, dict) and ("title" in body or "detail" in body):
            return ": ".join(str(body[k]) for k in ("title", "detail") if body.get(k))
    except ValueError:
        pass
    return repr(r.text[:300])


class HttpClient:
    def __init__(
        self,
        source: str,
        base_url: str,
        timeout_s: float,
        retries: int,
        backoff_s: float,
        limiter: CallRateLimiter | None = None,
    ):
        self.source, self.base_url = source, base_url.rstrip("/")
        self.timeout_s = timeout_s
        self.session = make_session(retries, backoff_s)
        self.retries, self.backoff_s = retries, backoff_s
        self.limiter = limiter
        self.calls = 0

    def request(
        self, method: str, path_or_url: str, params: dict | None = None, json_body: dict | None = None
    ) -> Response:
        url = path_or_url if path_or_url.startswith("http") else f"{self.base_url}/{path_or_url.lstrip('/')}"
        if self.limiter:
            self.limiter.wait()
        self.calls += 1
        described = f"{self.source}: {method} {url}"
        try:
            check_resolves(url, min(self.timeout_s, 10))
        except SourceUnreachable as exc:
            raise SourceUnreachable(f"{self.source}: {exc}") from None
        r = self._send(method, url, params, json_body, described)
        if r.status_code >= 400:
            raise HttpStatusError(f"{described} answered HTTP {r.status_code}: {_problem(r)}", r.status_code)
        if not r.content:
            raise SourceError(f"{described} answered HTTP {r.status_code} with an empty body")
        query = {"params": params, "body": json_body} if params or json_body else None
        return Response(
            self.source,
            method,
            r.url,
            query,
            r.status_code,
            r.content,
            datetime.now(UTC).isoformat(timespec="seconds"),
            headers={k.lower(): v for k, v in r.headers.items()},
        )

    def _send(self, method, url, params, json_body, described) -> requests.Response:
        """One request with its body read in full; a body cut mid-answer is retried like other
        transient faults (up to `retries` times more, with backoff)."""
        for attempt in range(self.retries + 1):
            try:
                r = self.session.request(
                    method, url, params=params, json=json_body, timeout=self.timeout_s, allow_redirects=True
                )
                _ = r.content  # read the body here, so a cut shows up inside this try
                return r
            except requests.exceptions.RetryError as exc:
                raise SourceError(f"{described} failed after retries: {exc}") from exc
            except BODY_CUT as exc:
                if attempt == self.retries:
                    raise SourceUnreachable(f"{described} was cut off mid-answer {attempt + 1} times: {exc}") from exc
                log.warning("%s was cut off mid-answer (%s); retrying", described, exc)
                time.sleep(self.backoff_s * 2**attempt)
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
                raise SourceUnreachable(f"{described} could not be reached: {why_unreachable(exc)}") from exc
        raise AssertionError("unreachable")


def why_unreachable(exc: Exception) -> str:
    """urllib3's reason in a few words (its own text repeats the URL and pool three times)."""
    text = str(exc)
    if "NameResolution" in text or "Name or service not known" in text or "getaddrinfo" in text:
        return "the host name could not be resolved (no network or no DNS?)"
    if "Connection refused" in text:
        return "connection refused"
    if isinstance(exc, requests.exceptions.Timeout):
        return f"no answer in time ({text[-160:]})"
    return text[-300:]


def check_resolves(url: str, timeout_s: float) -> None:
    """Name resolution has no timeout of its own in Python, and with an unreachable DNS server
    it hung 30 s per host here; asked in a thread, a load without network fails in `timeout_s`."""
    host = urlsplit(url).hostname
    if not host or host in _RESOLVED:
        return
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        pool.submit(socket.getaddrinfo, host, None).result(timeout=timeout_s)
    except FutureTimeout:
        raise SourceUnreachable(
            f"{url}: name resolution of {host} gave no answer in {timeout_s:.0f} s (no network or no DNS?)"
        ) from None
    except OSError:
        pass  # the request itself reports it, as NameResolutionError
    else:
        _RESOLVED.add(host)
    finally:
        pool.shutdown(wait=False)


_RESOLVED: set[str] = set()


def land(response: Response, landing_dir: Path, name: str) -> Path:
    """Keep the raw body unchanged, beside a sidecar with URL, query, fetch time and SHA-256.

    Files are named by content hash, so landing the same answer twice writes nothing new.
    Written to a temporary name and renamed, so a crash never leaves half a file."""
    folder = landing_dir / response.source / name
    folder.mkdir(parents=True, exist_ok=True)
    body_path = folder / f"{response.sha256}.json"
    meta = {
        "source": response.source,
        "method": response.method,
        "url": response.url,
        "query": response.query,
        "status": response.status,
        "fetched_at": response.fetched_at,
        "source_mode": response.source_mode,
        "kind": response.kind,
        "sha256": response.sha256,
        "bytes": len(response.body),
    }
    if not body_path.exists():
        tmp = body_path.with_suffix(".tmp")
        tmp.write_bytes(response.body)
        tmp.replace(body_path)
    meta_path = body_path.with_suffix(".meta.json")
    if not meta_path.exists():
        tmp = meta_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
        tmp.replace(meta_path)
    return body_path
