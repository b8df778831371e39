"""Errors raised while fetching and reading pages.

* CrawlError(url, message)
  + FetchError
    + Blocked(url, reason)      anti-bot page: 412 瑞数, 521 加速乐, 200 with a challenge
    + BadStatus(url, status)    4xx/5xx other than the above
    + TooLarge(url, limit)      decoded body over the cap
    + Timeout(url)              connect/read timeout or the wall-clock deadline
    + Unreachable(url)          DNS, refused connection, TLS failure
    + NotAllowed(url)           not http/https
    + TooManyRedirects(url, limit)
      + RedirectLoop(url)       a redirect back to a URL already visited in the same state
    + Disallowed(url)           robots.txt forbids the URL
    + RobotsUnavailable(url)    robots.txt answered 5xx or could not be fetched: try later
    + Deferred(url, until)      the host asked us (Retry-After) to wait until ``until``
  + ParseError
    + NotHTML(url, content_type)
    + EmptyPage(url)            no body text (a header and an empty body)

Library errors (httpx) are translated into this tree in exactly one place: ``crawler.fetch``.
"""

from __future__ import annotations

import time


class CrawlError(Exception):
    def __init__(self, url: str, message: str) -> None:
        super().__init__(f"{message}: {url}")
        self.url = url
        self.message = message


class FetchError(CrawlError):
    pass


class Blocked(FetchError):
    def __init__(self, url: str, reason: str) -> None:
        super().__init__(url, f"blocked by anti-bot challenge ({reason})")
        self.reason = reason


class BadStatus(FetchError):
    def __init__(self, url: str, status: int, retry_after: float | None = None) -> None:
        super().__init__(url, f"HTTP {status}")
        self.status = status
        self.retry_after = retry_after


class TooLarge(FetchError):
    def __init__(self, url: str, limit: int) -> None:
        super().__init__(url, f"body larger than {limit} bytes")
        self.limit = limit


class Timeout(FetchError):
    def __init__(self, url: str, detail: str = "timed out") -> None:
        super().__init__(url, detail)


class Unreachable(FetchError):
    def __init__(self, url: str, detail: str) -> None:
        super().__init__(url, f"unreachable ({detail})")


class NotAllowed(FetchError):
    def __init__(self, url: str, detail: str) -> None:
        super().__init__(url, f"not allowed ({detail})")


class ParseError(CrawlError):
    pass


class NotHTML(ParseError):
    def __init__(self, url: str, content_type: str) -> None:
        super().__init__(url, f"not an HTML page (Content-Type {content_type or 'missing'})")
        self.content_type = content_type


class EmptyPage(ParseError):
    def __init__(self, url: str, detail: str = "no body text") -> None:
        super().__init__(url, detail)


class TooManyRedirects(FetchError):
    def __init__(self, url: str, limit: int) -> None:
        super().__init__(url, f"more than {limit} redirects")
        self.limit = limit


class RedirectLoop(TooManyRedirects):
    def __init__(self, url: str, limit: int) -> None:
        CrawlError.__init__(self, url, "redirect loop")
        self.limit = limit


class Disallowed(FetchError):
    def __init__(self, url: str) -> None:
        super().__init__(url, "disallowed by robots.txt")


class RobotsUnavailable(FetchError):
    def __init__(self, url: str, detail: str) -> None:
        super().__init__(url, f"robots.txt unavailable, will retry later ({detail})")


class Deferred(FetchError):
    """The host answered 429/503 with Retry-After: no request to it before ``until`` (epoch s)."""

    def __init__(self, url: str, until: float) -> None:
        stamp = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(until))
        super().__init__(url, f"host asked us to wait until {stamp} (Retry-After)")
        self.until = until

    @property
    def retry_after(self) -> float:
        return max(0.0, self.until - time.time())
