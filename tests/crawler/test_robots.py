"""robots.txt: rules, Crawl-delay, 4xx = allowed, 5xx/unreachable = try later, one fetch per hour."""

from __future__ import annotations

import time

import httpx
import pytest
import respx

from crawler.errors import BadStatus, Disallowed, RobotsUnavailable, Unreachable
from crawler.fetch import Fetcher
from crawler.records import FetchedPage
from crawler.robots import MAX_CRAWL_DELAY, RobotsCache

SITE = "https://sfj.linchuan.gov.cn"
PAGE = "<html><body>" + "<p>临川市法治建设持续推进。</p>" * 50 + "</body></html>"
ROBOTS = """User-agent: Mozilla
Disallow: /

User-agent: *
Disallow: /private/
Crawl-delay: 0.3
"""


def _site(robots: httpx.Response) -> tuple[respx.Route, respx.Route]:
    robots_route = respx.get(f"{SITE}/robots.txt").mock(return_value=robots)
    page_route = respx.get(url__regex=rf"{SITE}/(?!robots).*").mock(
        return_value=httpx.Response(200, text=PAGE, headers={"Content-Type": "text/html; charset=utf-8"}))
    return robots_route, page_route


@respx.mock
def test_rules_apply_with_our_product_token_not_the_browser_agent() -> None:
    robots, page = _site(httpx.Response(200, text=ROBOTS))
    with Fetcher() as fetcher:  # the UA contains "Mozilla", but the Mozilla group is not for us
        assert "临川市" in fetcher.get(f"{SITE}/zwgk/index.html").text
        with pytest.raises(Disallowed):
            fetcher.get(f"{SITE}/private/a.html")
        fetcher.get(f"{SITE}/zwgk/b.html")
    assert robots.call_count == 1  # cached per origin
    assert [c.request.url.path for c in page.calls] == ["/zwgk/index.html", "/zwgk/b.html"]


@respx.mock
def test_crawl_delay_spaces_requests() -> None:
    _site(httpx.Response(200, text=ROBOTS))
    with Fetcher(min_delay=0.0) as fetcher:
        fetcher.get(f"{SITE}/a.html")
        started = time.monotonic()
        fetcher.get(f"{SITE}/b.html")
        assert time.monotonic() - started >= 0.25


@respx.mock
@pytest.mark.parametrize("status", [404, 401, 403, 410])
def test_4xx_robots_means_everything_allowed(status: int) -> None:
    _site(httpx.Response(status, text="no"))
    with Fetcher() as fetcher:
        assert fetcher.get(f"{SITE}/private/a.html").status == 200


@respx.mock
@pytest.mark.parametrize("status", [500, 503])
def test_5xx_robots_means_try_later_and_fetches_nothing(status: int) -> None:
    robots, page = _site(httpx.Response(status, text="down"))
    with Fetcher() as fetcher:
        for _ in range(2):
            with pytest.raises(RobotsUnavailable):
                fetcher.get(f"{SITE}/a.html")
    assert page.call_count == 0
    assert robots.call_count == 1  # the failure is remembered for a while, not re-asked per URL


@respx.mock
def test_unreachable_robots_is_unreachable() -> None:
    respx.get(f"{SITE}/robots.txt").mock(side_effect=httpx.ConnectError("refused"))
    with Fetcher() as fetcher, pytest.raises(Unreachable):
        fetcher.get(f"{SITE}/a.html")


def test_cache_expires_and_failures_are_retried() -> None:
    rules = "User-agent: *\nDisallow: /x/\n"
    answers: list[BadStatus | FetchedPage] = [
        BadStatus(f"{SITE}/robots.txt", 503), FetchedPage(f"{SITE}/robots.txt", 200, b"", rules, "utf-8")]
    calls: list[str] = []

    def fetch(url: str) -> FetchedPage:
        calls.append(url)
        answer = answers.pop(0)
        if isinstance(answer, BadStatus):
            raise answer
        return answer

    robots = RobotsCache(fetch, ttl=3600, retry=0.0)
    with pytest.raises(RobotsUnavailable):
        robots.check(f"{SITE}/a.html")
    with pytest.raises(Disallowed):
        robots.check(f"{SITE}/x/a.html")  # retry=0: asked again, now with rules
    robots.check(f"{SITE}/a.html")  # ttl: not asked a third time
    assert calls == [f"{SITE}/robots.txt"] * 2


def test_huge_crawl_delay_is_capped() -> None:
    from protego import Protego

    from crawler.robots import Rules

    rules = Rules(Protego.parse("User-agent: *\nCrawl-delay: 86400\n"))
    assert rules.crawl_delay == MAX_CRAWL_DELAY
