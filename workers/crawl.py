"""The crawl jobs: poll a site's list pages and queue the articles not seen before.

``crawl_site(site_id)`` crawls one site; ``crawl_sites(site_ids)`` crawls a batch in one RQ job
(the scheduler's way: one job per poll costs more than polling an unchanged site), each site on
its own, so one failing site never stops the others.

Per site: every list URL (plain HTML, Hanweb, TRS… read by ``crawler.discover``) and the
``list_api`` pages (``crawler.listapi``) are walked page by page — index_1.html, dataproxy page 2,
API page 2 — until a page lists an article we already have, or ``max_pages``. A first page that
answers 304, or whose body hash has not changed since the last poll, ends that source's work at
once. The first successful crawl of a site records what is already listed silently (the back
catalogue is stored and parsed for history, but alerts no one).

Results on the site's row: ``ok``, ``unchanged``, ``partial`` (some pages failed), ``error``,
``deferred`` (the host's Retry-After has not passed) or ``blocked`` (an anti-bot challenge). A
blocked site is logged once at WARNING when it becomes blocked, then polled with exponential
backoff (``2**n`` intervals, at most ``MAX_BLOCK_BACKOFF``) until a poll gets through.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from crawler.article import require_html
from crawler.discover import discover
from crawler.errors import Blocked, CrawlError, Deferred, EmptyPage
from crawler.listapi import read_api
from crawler.records import ArticleRef, FetchedPage, ListPage
from govwatch.settings import SiteConfig
from workers import metrics, runtime
from workers.queues import enqueue_article

logger = logging.getLogger(__name__)

BLOCK_KEY = "~blocked"
"""Key in a site's ``list_state`` holding its backoff while blocked: ``{"count", "until", "reason"}``."""

MAX_BLOCK_BACKOFF = 4 * 3600.0
"""A blocked site is polled at least this often (seconds)."""

Reader = Callable[[FetchedPage, int], ListPage]
"""Reads fetched list page number ``n`` (0 = the first) into article links and next pages."""


@dataclass
class CrawlOutcome:
    refs: list[ArticleRef] = field(default_factory=list)
    errors: list[CrawlError] = field(default_factory=list)
    pages_ok: int = 0
    unchanged: int = 0

    def result(self) -> str:
        ok = self.pages_ok > 0
        if ok and not self.errors:
            return "unchanged" if not self.refs and self.unchanged == self.pages_ok else "ok"
        if ok:
            return "partial"
        if self.errors and all(isinstance(e, Deferred) for e in self.errors):
            return "deferred"
        return "blocked" if any(isinstance(e, Blocked) for e in self.errors) else "error"


@dataclass(frozen=True)
class Source:
    """One list to walk: its first page, how to read a page, extra request headers."""

    url: str
    read: Reader
    headers: tuple[tuple[str, str], ...] = ()


def crawl_sites(site_ids: Sequence[str], force: bool = False) -> list[dict[str, object]]:
    """RQ job: crawl several sites one after the other; a failing site never stops the others."""
    results = []
    for site_id in site_ids:
        try:
            results.append(crawl_site(site_id, force=force))
        except Exception as e:  # noqa: BLE001 - one broken site (or a bug it triggers) must not sink the batch
            logger.exception("site %s: crawl failed", site_id)
            results.append({"site": site_id, "result": "error", "errors": [f"{type(e).__name__}: {e}"]})
    return results


def crawl_site(site_id: str, force: bool = False) -> dict[str, object]:
    """RQ job: crawl one site's list pages; enqueue a parse job per new article."""
    rt = runtime.get()
    with metrics.timed(rt.redis, "crawl_site"):
        result = _crawl_site(rt, site_id, force)
    metrics.count(rt.redis, "crawls_total", site=site_id, result=str(result["result"]))
    metrics.count(rt.redis, "articles_discovered_total", int(result.get("new") or 0), site=site_id)
    return result


def _crawl_site(rt: Any, site_id: str, force: bool) -> dict[str, object]:
    site = rt.settings.site(site_id)
    state = rt.store.site_state(site_id)
    list_state = dict(state.get("list_state") or {})
    blocked = list_state.get(BLOCK_KEY) or {}
    if blocked and not force and blocked.get("until", 0) > time.time():
        logger.debug("site %s: blocked, next try at %s", site.id, time.ctime(blocked["until"]))
        return {"site": site.id, "result": "skipped", "new": 0, "errors": []}
    outcome = CrawlOutcome()
    # a list never read before (the first crawl, a list that failed then, one added to the config)
    # is a back catalogue: its articles are stored silently
    quiet: set[str] = set()
    for source in sources(site):
        first_time, before = source.url not in list_state, len(outcome.refs)
        _crawl_list(site, source, list_state, outcome, force=force)
        if first_time:
            quiet.update(r.url for r in outcome.refs[before:])
    baseline = bool(state.get("baseline_done"))
    ids = _store_refs(site, outcome.refs, quiet)
    for aid in ids:
        enqueue_article(rt.redis, aid)
    result = outcome.result()
    _note_block(site, result, outcome, list_state, was_blocked=state.get("last_result") == "blocked")
    errors = [str(e) for e in outcome.errors]
    rt.store.record_crawl(site.id, result=result, error="; ".join(errors) or None, new=len(ids),
                          list_state=list_state, baseline_done=baseline or outcome.pages_ok > 0)
    note = " (baseline, silent)" if ids and not baseline else ""
    logger.info("site %s: crawl %s, %d new article(s)%s", site.id, result, len(ids), note, extra={"site": site.id})
    return {"site": site.id, "result": result, "new": len(ids), "errors": errors}


def _store_refs(site: SiteConfig, refs: list[ArticleRef], quiet: set[str]) -> list[int]:
    store = runtime.get().store
    loud = [r for r in refs if r.url not in quiet]
    silent = [r for r in refs if r.url in quiet]
    return ((store.add_articles(site.id, site.region, loud, silent=False) if loud else [])
            + (store.add_articles(site.id, site.region, silent, silent=True) if silent else []))


def sources(site: SiteConfig) -> list[Source]:
    """The site's list URLs (read as HTML list pages) and its list API (read as JSON)."""
    def html(page: FetchedPage, n: int) -> ListPage:
        require_html(page)
        return discover(page.text, page.url, item_selector=site.item_selector)

    out = [Source(url, html) for url in site.list_urls]
    api = site.list_api
    if api is not None:
        def json_page(page: FetchedPage, n: int) -> ListPage:
            return read_api(page.text, api, page.url, page=api.first_page + n, item_selector=site.item_selector)

        out.append(Source(api.page_url(api.first_page), json_page, api.headers))
    return out


def _crawl_list(site: SiteConfig, source: Source, list_state: dict, outcome: CrawlOutcome, *, force: bool) -> None:
    """Walk one list and its next pages until a known article or ``max_pages``."""
    rt = runtime.get()
    url: str | None = source.url
    for page_no in range(max(1, site.max_pages)):
        if url is None:
            return
        try:
            listing = _read_list(site, source, url, page_no, list_state if page_no == 0 else {}, force=force)
        except CrawlError as e:
            if page_no == 0 or not isinstance(e, EmptyPage):
                log = logger.info if isinstance(e, Blocked | Deferred) else logger.warning
                log("site %s: list page %s failed: %s", site.id, url, e, extra={"site": site.id, "url": url})
                outcome.errors.append(e)
            return
        outcome.pages_ok += 1
        if listing is None:
            outcome.unchanged += 1
            return
        seen = {r.url for r in outcome.refs}
        fresh = [r for r in listing.refs if r.url not in seen]
        known = rt.store.known_urls([r.url for r in fresh])
        outcome.refs.extend(r for r in fresh if r.url not in known)
        if known:
            return  # reached articles we already have: older pages hold nothing new
        url = listing.next_pages[0] if listing.next_pages else None


def _read_list(site: SiteConfig, source: Source, url: str, page_no: int, list_state: dict,
               *, force: bool) -> ListPage | None:
    """Fetch and read one list page; None when it has not changed since the last poll."""
    prev = {} if force else list_state.get(url, {})
    page = runtime.get().fetcher(site).get(url, etag=prev.get("etag"), last_modified=prev.get("last_modified"),
                                          headers=dict(source.headers))
    if page.not_modified:
        return None  # 304: nothing changed since the last poll, stop here
    digest = hashlib.sha256(page.content).hexdigest()
    if digest == prev.get("hash"):
        return None  # the same bytes as last time: nothing to read
    listing = source.read(page, page_no)
    if not listing.refs:
        raise EmptyPage(page.url, "no article links found")
    list_state[url] = {"etag": page.etag, "last_modified": page.last_modified, "hash": digest}
    return listing


def _note_block(site: SiteConfig, result: str, outcome: CrawlOutcome, list_state: dict, *,
                was_blocked: bool) -> None:
    """Keep (or clear) the blocked backoff in ``list_state``; warn once when a site becomes blocked."""
    if result != "blocked":
        list_state.pop(BLOCK_KEY, None)
        if was_blocked:
            logger.warning("site %s: no longer blocked (%s)", site.id, result)
        return
    reason = next(e for e in outcome.errors if isinstance(e, Blocked)).reason
    count = int((list_state.get(BLOCK_KEY) or {}).get("count", 0)) + 1
    pause = min(site.interval * 2**count, MAX_BLOCK_BACKOFF)
    list_state[BLOCK_KEY] = {"count": count, "until": time.time() + pause, "reason": reason}
    if not was_blocked:
        logger.warning("site %s: blocked by an anti-bot challenge (%s); backing off, next poll in %.0f s",
                       site.id, reason, pause)
    else:
        logger.info("site %s: still blocked (%s, %d polls); next poll in %.0f s", site.id, reason, count, pause)
