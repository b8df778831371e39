"""Hostile and broken servers, through the crawl job: each ends in a clear error on the site, quickly.

The server is a real one on 127.0.0.1 whose handlers misbehave: drip a byte at a time, send too
much, a gzip bomb, reset the connection, redirect in a circle.
"""

from __future__ import annotations

import gzip
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from workers.crawl import crawl_site

Handler = Callable[[BaseHTTPRequestHandler], None]
BOMB = gzip.compress(b"<p>" + b"\0" * 20_000_000, compresslevel=9)


def _headers(h: BaseHTTPRequestHandler, status: int = 200, **extra: str) -> None:
    h.send_response(status)
    h.send_header("Content-Type", "text/html; charset=utf-8")
    for name, value in extra.items():
        h.send_header(name.replace("_", "-"), value)
    h.end_headers()


def drip(h: BaseHTTPRequestHandler) -> None:
    _headers(h)
    for _ in range(100):
        h.wfile.write(b"<")
        h.wfile.flush()
        time.sleep(0.2)


def oversized(h: BaseHTTPRequestHandler) -> None:
    _headers(h)  # no Content-Length: the size shows only while reading
    for _ in range(50):
        h.wfile.write(b"<p>" + "法治".encode() * 20_000 + b"</p>")


def bomb(h: BaseHTTPRequestHandler) -> None:
    _headers(h, Content_Encoding="gzip", Content_Length=str(len(BOMB)))
    h.wfile.write(BOMB)


def reset(h: BaseHTTPRequestHandler) -> None:
    # SO_LINGER 0: close() sends RST, as a crashing or hostile server would
    h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    h.connection.close()


def loop_a(h: BaseHTTPRequestHandler) -> None:
    _headers(h, 302, Location="/loop/b.html", Content_Length="0")


def loop_b(h: BaseHTTPRequestHandler) -> None:
    _headers(h, 302, Location="/loop/a.html", Content_Length="0")


ROUTES: dict[str, Handler] = {"/drip.html": drip, "/big.html": oversized, "/bomb.html": bomb,
                              "/reset.html": reset, "/loop/a.html": loop_a, "/loop/b.html": loop_b}


@pytest.fixture
def faults() -> Iterator[str]:
    class RequestHandler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            route = ROUTES.get(self.path)
            if route is None:
                self.send_error(404)
                return
            try:
                route(self)
            except OSError:
                pass  # the client gave up, as it should

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), RequestHandler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    ("path", "message"),
    [("/drip.html", "deadline of 1.0s exceeded"), ("/big.html", "body larger than 200000 bytes"),
     ("/bomb.html", "body larger than 200000 bytes"), ("/reset.html", "unreachable"),
     ("/loop/a.html", "redirect loop")],
)
def test_fault_ends_in_a_clear_recorded_error_quickly(crawl_env, faults: str, path: str, message: str) -> None:
    crawl_env.start({"id": "bad", "region": "x", "list_urls": [faults + path]},
                    deadline=1.0, read_timeout=5.0, max_bytes=200_000, max_redirects=10)
    started = time.monotonic()
    result = crawl_site("bad")
    assert time.monotonic() - started < 4.0
    state = crawl_env.state("bad")
    assert result["result"] == state["last_result"] == "error"
    assert message in state["last_error"] and path in state["last_error"]
