"""robots.txt, fetched once per origin and kept for an hour (parsed by Protego).

What an answer means (RFC 9309):

* 2xx — the rules apply; ``Crawl-delay`` raises the pause between requests to that host.
* 4xx (404, 403…) — there are no rules: everything is allowed.
* 5xx — we cannot know the rules: ``RobotsUnavailable`` for every URL of that origin for
  ``retry`` seconds, then we ask again. Nothing is fetched meanwhile.
* timeouts, refused connections — the host is down: the same ``Unreachable``/``Timeout`` (for the
  robots.txt URL) for every URL of that origin for ``retry`` seconds.

Rules are matched with our product token (``govwatch``), not the browser-like User-Agent:
a ``User-agent: Mozilla`` group is not meant for us.

Example::

    >>> from crawler.records import FetchedPage
    >>> body = b"User-agent: *\\nDisallow: /private/\\nCrawl-delay: 3\\n"
    >>> fetch = lambda url: FetchedPage(url, 200, body, body.decode(), "utf-8", "text/plain")
    >>> robots = RobotsCache(fetch)
    >>> robots.check("https://sfj.example.gov.cn/zwgk/index.html").crawl_delay
    3.0
    >>> robots.check("https://sfj.example.gov.cn/private/a.html")
    Traceback (most recent call last):
    ...
    crawler.errors.Disallowed: disallowed by robots.txt: https://sfj.example.gov.cn/private/a.html
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego

from crawler.errors import BadStatus, Blocked, Disallowed, FetchError, RobotsUnavailable
from crawler.records import FetchedPage

logger = logging.getLogger(__name__)

ROBOTS_TTL = 3600.0
"""Seconds a fetched robots.txt (or its 4xx absence) is trusted."""

ROBOTS_RETRY = 300.0
"""Seconds before an origin whose robots.txt could not be fetched (5xx, unreachable) is tried again."""

MAX_CRAWL_DELAY = 120.0
"""A larger Crawl-delay is capped here: the site is still polled, just slowly."""

ROBOTS_AGENT = "govwatch"
"""The product token matched against ``User-agent:`` lines."""


@dataclass(frozen=True)
class Rules:
    """What one origin's robots.txt says; ``parser`` None means everything is allowed."""

    parser: Protego | None
    agent: str = ROBOTS_AGENT

    def allows(self, url: str) -> bool:
        return self.parser is None or bool(self.parser.can_fetch(url, self.agent))

    @property
    def crawl_delay(self) -> float | None:
        delay = self.parser.crawl_delay(self.agent) if self.parser else None
        return min(float(delay), MAX_CRAWL_DELAY) if delay else None


class RobotsCache:
    """robots.txt per origin (``scheme://host:port``); ``fetch`` gets one URL with no robots check."""

    def __init__(self, fetch: Callable[[str], FetchedPage], *, agent: str = ROBOTS_AGENT,
                 ttl: float = ROBOTS_TTL, retry: float = ROBOTS_RETRY) -> None:
        self.fetch, self.agent, self.ttl, self.retry = fetch, agent, ttl, retry
        self._entries: dict[str, tuple[float, Rules | FetchError]] = {}
        self._lock = threading.Lock()

    def check(self, url: str) -> Rules:
        """The origin's rules; ``Disallowed`` if they forbid ``url``, ``RobotsUnavailable`` if unknown."""
        rules = self.rules(url)
        if not rules.allows(url):
            raise Disallowed(url)
        return rules

    def rules(self, url: str) -> Rules:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            expires, entry = self._entries.get(origin, (0.0, None))
        if entry is None or expires <= time.monotonic():
            entry = self._load(origin)
        if isinstance(entry, BadStatus):
            raise RobotsUnavailable(url, entry.message)
        if isinstance(entry, FetchError):
            raise entry.with_traceback(None)  # the host is unreachable: say that, for every URL
        return entry

    def _load(self, origin: str) -> Rules | FetchError:
        robots_url = origin + "/robots.txt"
        entry: Rules | FetchError
        try:
            page = self.fetch(robots_url)
            entry = Rules(Protego.parse(page.text), self.agent)
        except Blocked:
            raise  # the whole site is behind a challenge: say so, not "robots unavailable"
        except BadStatus as e:
            if e.status >= 500 or e.status == 429:
                entry = e
            else:
                entry = Rules(None, self.agent)  # 4xx: no robots.txt, no rules
        except FetchError as e:
            entry = e
        ttl = self.retry if isinstance(entry, FetchError) else self.ttl
        if isinstance(entry, FetchError):
            logger.warning("robots.txt unavailable %s: %s", robots_url, entry.message)
        with self._lock:
            self._entries[origin] = (time.monotonic() + ttl, entry)
        return entry
