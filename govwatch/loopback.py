"""Real servers on 127.0.0.1 for the demo and the tests: an SMTP catcher, a webhook receiver, a site.

Each binds port 0 by default (the OS picks a free port, read back from ``.port``), runs in daemon
threads, is quiet on stderr, and is a context manager. ``stop()`` closes the listening socket, so
clients then get "connection refused"; ``start()`` brings the server back on the same port.

    >>> with SMTPCatcher() as smtp, WebhookReceiver() as hooks, SiteServer() as site:
    ...     site.set("/list.html?page=2", "<a href='/a.html'>通知</a>", etag='"v1"')
    ...     # crawl site.url("/list.html?page=2"), mail to smtp.host:smtp.port, POST to hooks.url
    ...     hooks.status = 503                  # the receiver now answers 503
    ...     hooks.enqueue(429, headers={"Retry-After": "2"})  # but the next request gets this first
    ...     hooks.delay = 5.0                   # answer 5 s after each request arrives
    ...     hooks.stop()                        # connection refused
    ...     hooks = hooks.start()               # back, same port (start() returns the server)
    ...     received = smtp.wait_for(0, timeout=1.0)
"""

from __future__ import annotations

import email
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Generic, Self, TypeVar

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

LOOPBACK = "127.0.0.1"
"""Every server binds here only: nothing is reachable from outside the machine."""

T = TypeVar("T")


class _Log(Generic[T]):
    """A thread-safe list that can be waited on."""

    def __init__(self) -> None:
        self._items: list[T] = []
        self._changed = threading.Condition()

    def append(self, item: T) -> None:
        with self._changed:
            self._items.append(item)
            self._changed.notify_all()

    def snapshot(self) -> list[T]:
        with self._changed:
            return list(self._items)

    def clear(self) -> None:
        with self._changed:
            self._items.clear()

    def wait_for(self, n: int, timeout: float) -> list[T]:
        """All items once there are at least ``n``; ``TimeoutError`` if not within ``timeout`` s."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self._items) >= n, timeout):
                raise TimeoutError(f"expected {n} item(s) within {timeout}s, got {len(self._items)}")
            return list(self._items)


class _Server:
    """start/stop/context-manager plumbing shared by the three servers."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port

    def start(self) -> Self:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


# --- SMTP ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Envelope:
    """What an SMTP client sent: the envelope addresses and the raw message bytes."""

    mail_from: str
    rcpt_tos: list[str]
    data: bytes


class _PortZeroController(Controller):
    """aiosmtpd's Controller, reading back the port the OS chose when asked for port 0."""

    def _create_server(self) -> Any:
        pending = super()._create_server()

        async def bind() -> Any:
            server = await pending
            self.port = server.sockets[0].getsockname()[1]
            return server

        return bind()


class SMTPCatcher(_Server):
    """An SMTP server that keeps every message it is given.

    ``messages`` are parsed with ``email.policy.default``; ``envelopes`` keep the raw bytes and
    the envelope recipients. Set ``rcpt_reply`` or ``data_reply`` (e.g. ``"550 5.1.1 no such
    user"`` or ``"451 4.3.0 try later"``) to refuse instead. With ``username``/``password`` it
    offers AUTH PLAIN/LOGIN without TLS (loopback only) and refuses other credentials.
    """

    def __init__(
        self, host: str = LOOPBACK, port: int = 0, *, username: str | None = None, password: str | None = None
    ) -> None:
        super().__init__(host, port)
        self.rcpt_reply: str | None = None
        self.data_reply: str | None = None
        self._credentials = (username, password) if username is not None else None
        self._envelopes: _Log[Envelope] = _Log()
        self._controller: Controller | None = None

    @property
    def envelopes(self) -> list[Envelope]:
        return self._envelopes.snapshot()

    @property
    def messages(self) -> list[EmailMessage]:
        return [_parse(e.data) for e in self._envelopes.snapshot()]

    def wait_for(self, n: int, timeout: float = 5.0) -> list[EmailMessage]:
        """The parsed messages once ``n`` have arrived; ``TimeoutError`` otherwise."""
        return [_parse(e.data) for e in self._envelopes.wait_for(n, timeout)]

    def clear(self) -> None:
        self._envelopes.clear()

    def start(self) -> Self:
        if self._controller is None:
            kwargs: dict[str, Any] = {"enable_SMTPUTF8": True}
            if self._credentials:
                kwargs.update(authenticator=self._authenticate, auth_require_tls=False)
            controller = _PortZeroController(_SMTPHandler(self), hostname=self.host, port=self.port, **kwargs)
            controller.start()
            self.port, self._controller = controller.port, controller
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def _authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        given = (data.login.decode(), data.password.decode()) if isinstance(data, LoginPassword) else None
        # handled=False: let aiosmtpd answer 535 itself (handled=True would leave the client hanging)
        return AuthResult(success=given == self._credentials, handled=False, auth_data=data)


class _SMTPHandler:
    def __init__(self, catcher: SMTPCatcher) -> None:
        self.catcher = catcher

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if self.catcher.rcpt_reply:
            return self.catcher.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.catcher.data_reply:
            return self.catcher.data_reply
        data = envelope.original_content or envelope.content
        self.catcher._envelopes.append(Envelope(envelope.mail_from, list(envelope.rcpt_tos), bytes(data)))
        return "250 Message accepted for delivery"


def _parse(data: bytes) -> EmailMessage:
    message = email.message_from_bytes(data, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


# --- HTTP ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """One request an HTTP loopback server received. Header names are lowercased."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    time: float


@dataclass
class Response:
    """What an HTTP loopback server answers. A ``str`` body is sent as UTF-8."""

    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "text/html; charset=utf-8"
    etag: str | None = None

    def payload(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


class _QuietHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client hanging up mid-answer is normal in tests; keep stderr clean


def _handler(respond: Callable[[Request], Response]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        # HTTP/1.0: one request per connection, so stop() really cuts every client off
        protocol_version = "HTTP/1.0"

        def _serve(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            response = respond(Request(self.command, self.path, headers, body, time.time()))
            payload = b"" if response.status in (204, 304) else response.payload()
            self.send_response(response.status)
            if response.content_type and response.status != 304:
                self.send_header("Content-Type", response.content_type)
            if response.etag:
                self.send_header("ETag", response.etag)
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":  # HEAD: the GET headers, Content-Length included, no body
                self.wfile.write(payload)

        do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


class _HTTPServer(_Server):
    def __init__(self, host: str, port: int) -> None:
        super().__init__(host, port)
        self._requests: _Log[Request] = _Log()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def requests(self) -> list[Request]:
        return self._requests.snapshot()

    def wait_for(self, n: int, timeout: float = 5.0) -> list[Request]:
        """All requests once ``n`` have arrived; ``TimeoutError`` otherwise."""
        return self._requests.wait_for(n, timeout)

    def clear(self) -> None:
        self._requests.clear()

    def start(self) -> Self:
        if self._server is None:
            server = _QuietHTTPServer((self.host, self.port), _handler(self._handle))
            self.port = server.server_address[1]
            name = f"{type(self).__name__}:{self.port}"
            self._thread = threading.Thread(target=server.serve_forever, args=(0.05,), name=name, daemon=True)
            self._server = server
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join()
            self._server = self._thread = None

    def _handle(self, request: Request) -> Response:
        self._requests.append(request)
        return self.respond(request)

    def respond(self, request: Request) -> Response:
        raise NotImplementedError


class WebhookReceiver(_HTTPServer):
    """Records every request and answers ``status`` (200 by default), or the next queued reply.

    ``status`` and ``reply_headers`` can be changed at any time; ``enqueue`` lines up one-off
    answers that are used, in order, before falling back to ``status``. With ``delay`` (seconds)
    each answer waits that long; the request is recorded on arrival, so a test can act (kill the
    sender, say) while the sender is still waiting.
    """

    def __init__(self, host: str = LOOPBACK, port: int = 0, *, path: str = "/hook") -> None:
        super().__init__(host, port)
        self.path = path
        self.status = 200
        self.reply_headers: dict[str, str] = {}
        self.delay = 0.0
        self._queue: deque[Response] = deque()

    @property
    def url(self) -> str:
        return self.base_url + self.path

    def enqueue(self, *statuses: int, headers: dict[str, str] | None = None) -> None:
        """Answer the next requests with these statuses (and headers), then go back to ``status``."""
        with self._lock:
            self._queue.extend(Response(s, headers=dict(headers or {}), content_type="") for s in statuses)

    def respond(self, request: Request) -> Response:
        with self._lock:
            if self._queue:
                response = self._queue.popleft()
            else:
                response = Response(self.status, headers=dict(self.reply_headers), content_type="")
            delay = self.delay
        if delay > 0:
            time.sleep(delay)  # outside the lock: other requests arrive and are recorded meanwhile
        return response


class SiteServer(_HTTPServer):
    """Serves a mutable map of path (with query) → :class:`Response`; unknown paths get 404.

    A response with an ``etag`` answers 304 to a request whose If-None-Match names it.
    """

    def __init__(self, host: str = LOOPBACK, port: int = 0) -> None:
        super().__init__(host, port)
        self.routes: dict[str, Response] = {}

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    @property
    def paths(self) -> list[str]:
        """Requested paths (with query), in order."""
        return [r.path for r in self.requests]

    def set(
        self,
        path: str,
        body: bytes | str = b"",
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
        content_type: str = "text/html; charset=utf-8",
        etag: str | None = None,
    ) -> None:
        with self._lock:
            self.routes[path] = Response(status, body, dict(headers or {}), content_type, etag)

    def remove(self, path: str) -> None:
        with self._lock:
            self.routes.pop(path, None)

    def respond(self, request: Request) -> Response:
        with self._lock:
            response = self.routes.get(request.path)
        if response is None:
            return Response(404, "not found", content_type="text/plain; charset=utf-8")
        if response.etag and _matches(request.headers.get("if-none-match", ""), response.etag):
            return Response(304, etag=response.etag, headers=dict(response.headers))
        return response


def _matches(if_none_match: str, etag: str) -> bool:
    tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
    return "*" in tags or etag.removeprefix("W/") in tags
