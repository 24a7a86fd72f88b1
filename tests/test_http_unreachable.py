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


def test_a_dns_server_that_never_answers_fails_within_the_timeout(monkeypatch, connects):
    """getaddrinfo has no timeout: with an unreachable DNS server it waits for the resolver's own
    retries. The client asks in a thread and gives up after its timeout, without connecting."""
    import threading

    import ingestion.http

    release, answered = threading.Event(), []

    def never_answers(*args, **kwargs):
        release.wait(60)
        answered.append(args[0])

    monkeypatch.setattr(ingestion.http.socket, "getaddrinfo", never_answers)
    client = HttpClient("scb", "http://slowdns.invalid", timeout_s=1, retries=5, backoff_s=10)
    with pytest.raises(
        SourceUnreachable,
        match=r"scb: http://slowdns.invalid/config: name resolution of "
        r"slowdns.invalid gave no answer in 1 s \(no network or no DNS\?\)",
    ):
        client.request("GET", "config")
    assert answered == []  # given up while the resolver still had not answered
    release.set()
    assert connects == []
