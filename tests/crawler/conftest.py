"""Shared fixtures for crawler tests: saved pages and a loopback HTTP server."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

PAGES = Path(__file__).parent / "pages"


@pytest.fixture
def page_text() -> Callable[[str], str]:
    """Read a saved page from tests/crawler/pages."""
    return lambda name: (PAGES / name).read_text(encoding="utf-8")


Handler = Callable[[BaseHTTPRequestHandler], None]


@pytest.fixture
def loopback() -> Iterator[Callable[[dict[str, Handler]], str]]:
    """Start a real HTTP server on 127.0.0.1 (port 0) routing paths to handler functions."""
    servers: list[ThreadingHTTPServer] = []

    def start(routes: dict[str, Handler]) -> str:
        class RequestHandler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                route = routes.get(self.path.split("?")[0])
                if route is None:  # e.g. /robots.txt: absent, as on most sites
                    self.send_error(404)
                    return
                route(self)

            def log_message(self, format: str, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), RequestHandler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()
