"""Fetch one page from a government site politely and safely.

``Fetcher`` keeps one ``httpx.Client`` per host, so cookies survive between requests (a session
gate that sets ``wzws_sessionid`` and redirects to the same URL passes). Every fetch is bounded:
a wall-clock ``deadline`` checked while the body streams (a server dripping a byte every few
seconds cannot hang us), ``max_bytes`` on the *decoded* body (compression bombs, lying
Content-Length), ``max_redirects``, and ``min_delay`` seconds between requests to one host.
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

import logging
import re
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from email.utils import parsedate_to_datetime
from types import TracebackType
from urllib.parse import urljoin, urlsplit

import httpx

from crawler.encoding import decode
from crawler.errors import (
    BadStatus,
    Blocked,
    FetchError,
    NotAllowed,
    Timeout,
    TooLarge,
    TooManyRedirects,
    Unreachable,
)
from crawler.records import FetchedPage

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
_REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})


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
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.user_agent = user_agent
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.deadline = deadline
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.min_delay = min_delay
        self._transport = transport
        self._clients: dict[str, httpx.Client] = {}
        self._last_request: dict[str, float] = {}
        self._lock = threading.Lock()

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> FetchedPage:
        """GET ``url`` (conditionally when ``etag``/``last_modified`` are given), following redirects."""
        _check_scheme(url)
        headers = _conditional_headers(etag, last_modified)
        client = self._client(url)
        deadline = time.monotonic() + self.deadline
        with _translate_errors(url):
            for _hop in range(self.max_redirects + 1):
                self._wait_turn(url)
                page_or_next = self._request(client, url, headers, deadline)
                if isinstance(page_or_next, FetchedPage):
                    return page_or_next
                logger.info("redirect %s -> %s", url, page_or_next)
                url = page_or_next
                _check_scheme(url)
        raise TooManyRedirects(url, self.max_redirects)

    def close(self) -> None:
        for client in self._clients.values():
            client.close()
        self._clients.clear()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def _client(self, url: str) -> httpx.Client:
        host = urlsplit(url).hostname or ""
        if host not in self._clients:
            self._clients[host] = httpx.Client(
                headers={"User-Agent": self.user_agent, "Accept-Encoding": "gzip, deflate",
                         "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
                         "Accept-Language": "zh-CN,zh;q=0.9"},
                follow_redirects=False,
                transport=self._transport,
                trust_env=False,
            )
        return self._clients[host]

    def _wait_turn(self, url: str) -> None:
        """Sleep so requests to one host are at least ``min_delay`` apart."""
        host = urlsplit(url).hostname or ""
        with self._lock:
            now = time.monotonic()
            start = max(now, self._last_request.get(host, -1e9) + self.min_delay)
            self._last_request[host] = start
        if start > now:
            time.sleep(start - now)

    def _request(self, client: httpx.Client, url: str, headers: dict[str, str],
                 deadline: float) -> FetchedPage | str:
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
            content = self._read_body(response, url, deadline)
        finally:
            response.close()
        return _to_page(response, content)

    def _read_body(self, response: httpx.Response, url: str, deadline: float) -> bytes:
        declared = response.headers.get("content-length", "")
        encoding = response.headers.get("content-encoding", "identity").strip().lower()
        if declared.isdigit() and encoding == "identity" and int(declared) > self.max_bytes:
            raise TooLarge(url, self.max_bytes)
        decoder = _BodyDecoder(encoding, self.max_bytes, url)
        for chunk in response.iter_raw():
            decoder.feed(chunk)
            if time.monotonic() > deadline:
                raise Timeout(url, f"deadline of {self.deadline}s exceeded while reading the body")
        return decoder.finish()


class _BodyDecoder:
    """Decompress gzip/deflate ourselves, never producing more than ``limit`` bytes (bomb-proof)."""

    def __init__(self, encoding: str, limit: int, url: str) -> None:
        self.url, self.limit = url, limit
        self.parts: list[bytes] = []
        self.size = 0
        wbits = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}
        self.inflater = zlib.decompressobj(wbits[encoding]) if encoding in wbits else None
        self.raw_deflate_tried = encoding != "deflate"

    def feed(self, data: bytes) -> None:
        if self.inflater is None:
            return self._add(data)
        try:
            while data:
                self._add(self.inflater.decompress(data, self.limit - self.size + 1))
                data = self.inflater.unconsumed_tail
        except zlib.error:
            if self.raw_deflate_tried or self.size:
                raise FetchError(self.url, "corrupt compressed body") from None
            # some servers send raw deflate (no zlib header) under "deflate"
            self.raw_deflate_tried = True
            self.inflater = zlib.decompressobj(-zlib.MAX_WBITS)
            self.feed(data)

    def finish(self) -> bytes:
        if self.inflater is not None:
            self._add(self.inflater.flush())
        return b"".join(self.parts)

    def _add(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.limit:
            raise TooLarge(self.url, self.limit)
        self.parts.append(data)


@contextmanager
def _translate_errors(url: str) -> Iterator[None]:
    """The one place where httpx errors become crawler errors."""
    try:
        yield
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
        logger.warning("blocked %s: %s", url, reason)
        raise Blocked(url, reason)
    if status >= 400:
        logger.warning("bad status %s: %d", url, status)
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
