"""Fetch one page from a government site politely and safely.

``Fetcher`` keeps one ``httpx.Client`` per host (a small pool: ``concurrency`` connections, one
kept alive), so cookies survive between requests (a session gate that sets ``wzws_sessionid``
and redirects to the same URL passes). Every fetch is bounded: a wall-clock ``deadline`` checked
while the body streams (a server dripping a byte every few seconds cannot hang us), ``max_bytes``
on the *decoded* body (compression bombs, lying Content-Length), ``max_redirects`` and redirect
loops. Politeness: robots.txt is obeyed (``crawler.robots``; its Crawl-delay raises
``min_delay``), and every request takes a turn at a ``HostGate`` (``crawler.politeness``): at most
``concurrency`` requests per host, ``min_delay`` seconds apart, none before a host's
``Retry-After`` has passed (``Deferred``). Give every fetcher of a process, or of all worker
processes, the same gate. ``tls_fallback`` retries over ``http://`` when the TLS handshake fails.
Anti-bot pages (瑞数 412, 加速乐 521, 200 pages saying 安全验证…) raise ``Blocked``; other 4xx/5xx
raise ``BadStatus`` with ``retry_after`` from the Retry-After header.

Example::

    with Fetcher(min_delay=2.0) as fetcher:
        page = fetcher.get("https://sfj.example.gov.cn/zwgk/tzgg/index.html")
        again = fetcher.get(page.url, etag=page.etag, last_modified=page.last_modified)
        if again.not_modified:
            ...  # 304: nothing changed since the last poll
"""

from __future__ import annotations

import functools
import logging
import re
import ssl
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from email.utils import parsedate_to_datetime
from types import TracebackType
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from crawler.encoding import decode
from crawler.errors import (
    BadStatus,
    Blocked,
    Deferred,
    FetchError,
    NotAllowed,
    RedirectLoop,
    Timeout,
    TooLarge,
    TooManyRedirects,
    Unreachable,
)
from crawler.inflate import BoundedDecoder
from crawler.politeness import HostBusy, HostGate, LocalHostGate
from crawler.records import FetchedPage
from crawler.robots import ROBOTS_AGENT, RobotsCache

logger = logging.getLogger(__name__)

DEFAULT_USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0 Safari/537.36 govwatch/0.1"
)
"""Browser-like, because many government CMSs refuse unknown agents; ends with our name."""

ALLOWED_SCHEMES = frozenset({"http", "https"})
BLOCK_PAGE_MAX_BYTES = 8192
"""Only bodies this small can be a status-200 challenge page; real articles are larger."""

BLOCK_PAGE_MARKERS = ("安全验证", "访问验证", "访问过于频繁", "非法请求", "云堤")
TEXT_TYPES = ("text/", "application/xhtml", "application/xml", "application/json", "application/javascript")
DEFER_STATUSES = frozenset({429, 503})
"""Statuses whose Retry-After keeps us away from the whole host until then."""

MAX_DEFER = 24 * 3600.0
"""A Retry-After longer than a day is capped: a typo on their side should not silence a site for a year."""

ROBOTS_MAX_BYTES = 512 * 1024
"""robots.txt larger than this is not read (RFC 9309 asks parsers to read at least 500 KiB)."""

_REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
_BASE_HEADERS = {"Accept-Encoding": "gzip, deflate", "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
                 "Accept-Language": "zh-CN,zh;q=0.9"}


class Fetcher:
    """One polite HTTP client per host; see the module docstring."""

    def __init__(
        self,
        *,
        user_agent: str = DEFAULT_USER_AGENT,
        connect_timeout: float = 10.0,
        read_timeout: float = 20.0,
        deadline: float = 60.0,
        max_bytes: int = 10_000_000,
        max_redirects: int = 5,
        min_delay: float = 0.0,
        concurrency: int = 1,
        gate: HostGate | None = None,
        robots: bool = True,
        robots_agent: str = ROBOTS_AGENT,
        tls_fallback: bool = False,
        redirect_guard: Callable[[str, str], None] | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.user_agent = user_agent
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.deadline = deadline
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.min_delay = min_delay
        self.concurrency = max(1, concurrency)
        self.gate: HostGate = gate if gate is not None else LocalHostGate()
        self.robots = RobotsCache(self._fetch_robots, agent=robots_agent) if robots else None
        self.tls_fallback = tls_fallback
        self.redirect_guard = redirect_guard  # (from, to) -> raises ValueError to refuse a redirect
        self._transport = transport
        self._clients: dict[str, httpx.Client] = {}
        self._plain_hosts: set[str] = set()  # hosts whose TLS failed: asked over http:// instead

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
            headers: Mapping[str, str] | None = None) -> FetchedPage:
        """GET ``url`` (conditionally when ``etag``/``last_modified`` are given), following redirects."""
        extra = {**(headers or {}), **_conditional_headers(etag, last_modified)}
        return self._get(url, extra, max_bytes=self.max_bytes, check_robots=self.robots is not None)

    def close(self) -> None:
        for client in self._clients.values():
            client.close()
        self._clients.clear()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def _get(self, url: str, headers: dict[str, str], *, max_bytes: int, check_robots: bool) -> FetchedPage:
        _check_scheme(url)
        deadline = time.monotonic() + self.deadline
        visited: set[tuple[str, tuple[str, ...]]] = set()
        with _translate_errors(url):
            for _hop in range(self.max_redirects + 1):
                url = self._plain_if_needed(url)
                state = (url, self._cookie_state(url))
                if state in visited:
                    raise RedirectLoop(url, self.max_redirects)
                visited.add(state)
                page_or_next = self._hop(url, headers, deadline, max_bytes, check_robots)
                if isinstance(page_or_next, FetchedPage):
                    return page_or_next
                logger.info("redirect %s -> %s", url, page_or_next)
                self._check_redirect(url, page_or_next)
                url = page_or_next
                _check_scheme(url)
        raise TooManyRedirects(url, self.max_redirects)

    def _check_redirect(self, source: str, target: str) -> None:
        if self.redirect_guard is None:
            return
        try:
            self.redirect_guard(source, target)
        except ValueError as e:
            raise NotAllowed(target, f"redirect from {source} refused: {e}") from None

    def _hop(self, url: str, headers: dict[str, str], deadline: float, max_bytes: int,
             check_robots: bool) -> FetchedPage | str:
        """One request, after robots.txt and the host's turn: the page, or where a redirect points."""
        host = urlsplit(url).hostname or ""
        until = self.gate.deferred_until(host)
        if until is not None:
            raise Deferred(url, until)
        delay = self.min_delay
        if check_robots and self.robots is not None:
            delay = max(delay, self.robots.check(url).crawl_delay or 0.0)
        try:
            with self.gate.turn(host, min_delay=delay, concurrency=self.concurrency):
                return self._request(self._client(url), url, headers, deadline, max_bytes)
        except BadStatus as e:
            if e.status in DEFER_STATUSES and e.retry_after is not None:
                self.gate.defer(host, time.time() + min(e.retry_after, MAX_DEFER))
            raise
        except httpx.TransportError as e:
            if self.tls_fallback and url.startswith("https://") and _is_tls_failure(e):
                logger.warning("TLS failed for %s (%s); falling back to http://", url, e)
                self._plain_hosts.add(host)
                return _as_http(url)
            raise

    def _fetch_robots(self, url: str) -> FetchedPage:
        return self._get(url, {}, max_bytes=ROBOTS_MAX_BYTES, check_robots=False)

    def _plain_if_needed(self, url: str) -> str:
        if self._plain_hosts and url.startswith("https://") and urlsplit(url).hostname in self._plain_hosts:
            return _as_http(url)
        return url

    def _cookie_state(self, url: str) -> tuple[str, ...]:
        client = self._clients.get(urlsplit(url).hostname or "")
        return tuple(sorted(f"{c.domain}|{c.path}|{c.name}={c.value}" for c in client.cookies.jar)) if client else ()

    def _client(self, url: str) -> httpx.Client:
        host = urlsplit(url).hostname or ""
        client = self._clients.get(host)
        if client is None:
            client = self._clients[host] = httpx.Client(
                headers={"User-Agent": self.user_agent, **_BASE_HEADERS},
                follow_redirects=False,
                transport=self._transport,
                trust_env=False,
                verify=_ssl_context(),
                # one small pool per host: a large shared pool costs far more CPU per request
                limits=httpx.Limits(max_connections=self.concurrency, max_keepalive_connections=1),
            )
        return client

    def _request(self, client: httpx.Client, url: str, headers: dict[str, str],
                 deadline: float, max_bytes: int) -> FetchedPage | str:
        """One hop: the page, or the absolute URL a redirect points to."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise Timeout(url, f"deadline of {self.deadline}s exceeded")
        timeout = httpx.Timeout(
            min(self.read_timeout, remaining), connect=min(self.connect_timeout, remaining)
        )
        request = client.build_request("GET", url, headers=headers, timeout=timeout)
        response = client.send(request, stream=True)
        try:
            if response.status_code in _REDIRECT_CODES and "location" in response.headers:
                return urljoin(str(response.url), response.headers["location"].strip())
            content = self._read_body(response, url, deadline, max_bytes)
        finally:
            response.close()
        return _to_page(response, content)

    def _read_body(self, response: httpx.Response, url: str, deadline: float, max_bytes: int) -> bytes:
        declared = response.headers.get("content-length", "")
        encoding = response.headers.get("content-encoding", "identity").strip().lower()
        if declared.isdigit() and encoding == "identity" and int(declared) > max_bytes:
            raise TooLarge(url, max_bytes)
        decoder = BoundedDecoder(encoding, max_bytes, url)
        for chunk in response.iter_raw():
            decoder.feed(chunk)
            if time.monotonic() > deadline:
                raise Timeout(url, f"deadline of {self.deadline}s exceeded while reading the body")
        return decoder.finish()


@contextmanager
def _translate_errors(url: str) -> Iterator[None]:
    """The one place where httpx errors become crawler errors."""
    try:
        yield
    except HostBusy as exc:
        raise Timeout(url, str(exc)) from None
    except httpx.TimeoutException as exc:
        logger.warning("timeout %s: %s", url, exc)
        raise Timeout(url, f"timed out ({type(exc).__name__})") from None
    except httpx.UnsupportedProtocol as exc:
        raise NotAllowed(url, str(exc)) from None
    except httpx.TransportError as exc:
        logger.warning("unreachable %s: %s", url, exc)
        raise Unreachable(url, f"{type(exc).__name__}: {exc}") from None
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        raise FetchError(url, f"{type(exc).__name__}: {exc}") from None


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """One TLS context for every client: loading the CA store costs ~30 ms and megabytes each time."""
    return ssl.create_default_context()


def _is_tls_failure(exc: BaseException) -> bool:
    """True when an ``ssl.SSLError`` (handshake, certificate) is somewhere in the cause chain."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _as_http(url: str) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc.removesuffix(":443")
    return urlunsplit(("http", netloc, parts.path, parts.query, ""))


def _check_scheme(url: str) -> None:
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise NotAllowed(url, f"scheme {scheme or 'missing'!r}")


def _conditional_headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def _to_page(response: httpx.Response, content: bytes) -> FetchedPage:
    url, status = str(response.url), response.status_code
    content_type = response.headers.get("content-type", "")
    etag, last_modified = response.headers.get("etag"), response.headers.get("last-modified")
    if status == 304:
        logger.info("not modified %s", url)
        return FetchedPage(url, status, b"", "", "", content_type, etag, last_modified, not_modified=True)
    text, encoding = decode(content, content_type) if _is_text(content_type) else ("", "")
    _raise_for_block_or_status(url, status, text, len(content), response.headers.get("retry-after"))
    logger.info("fetched %s status=%d bytes=%d encoding=%s", url, status, len(content), encoding or "-")
    return FetchedPage(url, status, content, text, encoding, content_type, etag, last_modified)


def _is_text(content_type: str) -> bool:
    ctype = content_type.split(";")[0].strip().lower()
    return not ctype or ctype.startswith(TEXT_TYPES)


def _raise_for_block_or_status(url: str, status: int, text: str, size: int, retry_after: str | None) -> None:
    reason = block_reason(status, text, size)
    if reason:
        logger.info("blocked %s: %s", url, reason)  # the crawl job warns once per site, not per poll
        raise Blocked(url, reason)
    if status >= 400:
        logger.info("bad status %s: %d", url, status)  # the job that asked decides whether to warn
        raise BadStatus(url, status, parse_retry_after(retry_after))


def block_reason(status: int, text: str, size: int) -> str | None:
    """Why this answer is an anti-bot challenge, or None."""
    if "$_ts" in text and (status in (202, 412) or re.search(r"<meta[^>]+\br=['\"]?m", text)):
        return f"瑞数 challenge (HTTP {status})"
    if status == 412:
        return "瑞数 challenge (HTTP 412)"
    if status == 521 and "document.cookie" in text:
        return "加速乐 challenge (HTTP 521)"
    if status == 200 and size <= BLOCK_PAGE_MAX_BYTES:
        marker = next((m for m in BLOCK_PAGE_MARKERS if m in text), None)
        if marker:
            return f"challenge page ({marker})"
    return None


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - time.time())
