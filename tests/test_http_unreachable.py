"""Name resolution failures and refused connections are not transient: they fail at once as
SourceUnreachable (one connection attempt, no backoff), so `auto` falls back at once and
`live` without network fails within seconds (issue 15 item 4)."""

from __future__ import annotations

import socket

import pytest
import urllib3.connection

from ingestion.errors import SourceUnreachable
from ingestion.http import HttpClient


@pytest.fixture
def connects(monkeypatch):
    """Counts connection attempts made by urllib3."""
    attempts = []
    original = urllib3.connection.HTTPConnection._new_conn

    def counted(self):
        attempts.append(self.host)
        return original(self)

    monkeypatch.setattr(urllib3.connection.HTTPConnection, "_new_conn", counted)
    return attempts


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_refused_connection_fails_at_once(connects):
    url = f"http://127.0.0.1:{free_port()}"
    client = HttpClient("scb", url, timeout_s=5, retries=5, backoff_s=10)
    with pytest.raises(SourceUnreachable, match=rf"scb: GET {url}/config could not be reached.*[Rr]efused"):
        client.request("GET", "config")
    assert connects == ["127.0.0.1"]


def test_unresolvable_host_fails_at_once(connects):
    client = HttpClient("kolada", "http://nohost.invalid", timeout_s=5, retries=5, backoff_s=10)
    with pytest.raises(SourceUnreachable, match=r"kolada: GET http://nohost.invalid/v3/kpi could not be reached"):
        client.request("GET", "v3/kpi")
    assert connects == ["nohost.invalid"]
