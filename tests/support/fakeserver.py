"""A local HTTP server on 127.0.0.1 that stands in for SCB and Kolada in tests, so the real
client code runs against recorded or fault-injected answers."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Reply:
    status: int = 200
    body: bytes | str | dict | list = b""
    headers: dict = field(default_factory=dict)
    delay_s: float = 0.0  # sleep before answering (read timeouts)
    reset: bool = False  # drop the connection without an answer
    truncate_to: int | None = None  # send only the first N bytes of the body
    cut_at: int | None = None  # announce the whole body, send N bytes, then close the socket

    def payload(self) -> bytes:
        if isinstance(self.body, (dict, list)):
            return json.dumps(self.body, ensure_ascii=False).encode("utf-8")
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


@dataclass
class Call:
    method: str
    path: str
    query: dict
    body: bytes
    at: float


Handler = Callable[[Call], Reply]


class FakeServer:
    """Routes: (method, path) → a handler, or a list of replies served in turn (the last
    one repeats). Every call is recorded in `calls`."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], Handler | list[Reply]] = {}
        self.prefix_routes: dict[tuple[str, str], Handler] = {}  # for paths that carry ids
        self.calls: list[Call] = []
        self._lock = threading.Lock()
        outer = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep test output quiet
                pass

            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                call = Call(self.command, parts.path, parse_qs(parts.query), body, time.monotonic())
                with outer._lock:
                    outer.calls.append(call)
                reply = outer._reply(call)
                if reply.delay_s:
                    time.sleep(reply.delay_s)
                if reply.reset:
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                    self.connection.close()
                    self.close_connection = True
                    return
                payload = reply.payload()
                sent = payload[: reply.truncate_to] if reply.truncate_to is not None else payload
                self.send_response(reply.status)
                headers = {"Content-Type": "application/json; charset=utf-8", **reply.headers}
                for k, v in headers.items():
                    self.send_header(k, str(v))
                self.send_header("Content-Length", str(len(sent)))
                self.end_headers()
                if reply.cut_at is not None:  # a connection cut mid-answer
                    self.wfile.write(sent[: reply.cut_at])
                    self.wfile.flush()
                    self.connection.shutdown(socket.SHUT_RDWR)
                    self.close_connection = True
                    return
                self.wfile.write(sent)

            do_GET = do_POST = _serve

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def route(self, method: str, path: str, handler: Handler | Reply | list[Reply]) -> None:
        self.routes[(method, path)] = [handler] if isinstance(handler, Reply) else handler

    def route_prefix(self, method: str, prefix: str, handler: Handler) -> None:
        """Every path starting with `prefix` (when no exact route matches) goes to `handler`."""
        self.prefix_routes[(method, prefix)] = handler

    def _reply(self, call: Call) -> Reply:
        target = self.routes.get((call.method, call.path)) or next(
            (h for (m, prefix), h in self.prefix_routes.items() if m == call.method and call.path.startswith(prefix)),
            None,
        )
        if target is None:
            return Reply(404, {"error": f"no route for {call.method} {call.path}"})
        if callable(target):
            return target(call)
        with self._lock:
            return target.pop(0) if len(target) > 1 else target[0]

    def calls_to(self, path: str) -> list[Call]:
        return [c for c in self.calls if c.path == path]

    def __enter__(self) -> FakeServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
