"""The crawl job: poll a site's list pages and queue the articles not seen before.

The first successful crawl of a site records what is already listed silently (the back
catalogue is stored and parsed for history, but alerts no one). A list page that answers 304, or
whose body hash has not changed since the last poll, ends that page's work at once.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field

from crawler.article import require_html
from crawler.discover import discover
from crawler.errors import CrawlError, EmptyPage
from crawler.records import ArticleRef, ListPage
from govwatch.settings import SiteConfig
from workers import runtime
from workers.queues import enqueue_article

logger = logging.getLogger(__name__)


@dataclass
class CrawlOutcome:
    refs: list[ArticleRef] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    pages_ok: int = 0
    unchanged: int = 0


def crawl_site(site_id: str, force: bool = False) -> dict[str, object]:
    """RQ job: crawl one site's list pages; enqueue a parse job per new article."""
    rt = runtime.get()
    site = rt.settings.site(site_id)
    state = rt.store.site_state(site_id)
    list_state = dict(state.get("list_state") or {})
    outcome = CrawlOutcome()
    for list_url in site.list_urls:
        _crawl_list(site, list_url, list_state, outcome, force=force)
    baseline = bool(state.get("baseline_done"))
    ids: list[int] = []
    if outcome.refs:
        ids = rt.store.add_articles(site.id, site.region, outcome.refs, silent=not baseline)
    for aid in ids:
        enqueue_article(rt.redis, aid)
    ok = outcome.pages_ok > 0
    result = "ok" if not outcome.errors else ("partial" if ok else "error")
    if ok and not outcome.refs and outcome.unchanged == outcome.pages_ok:
        result = "unchanged" if not outcome.errors else result
    rt.store.record_crawl(
        site.id,
        result=result,
        error="; ".join(outcome.errors) or None,
        new=len(ids),
        list_state=list_state,
        baseline_done=baseline or ok,
    )
    note = " (baseline, silent)" if ids and not baseline else ""
    logger.info("site %s: crawl %s, %d new article(s)%s", site.id, result, len(ids), note)
    return {"site": site.id, "result": result, "new": len(ids), "errors": outcome.errors}


def _crawl_list(site: SiteConfig, list_url: str, list_state: dict, outcome: CrawlOutcome, *, force: bool) -> None:
    """Walk one list URL and its next pages until a known article or ``max_pages``."""
    rt = runtime.get()
    url: str | None = list_url
    for page_no in range(max(1, site.max_pages)):
        if url is None:
            return
        try:
            listing = _read_list(site, url, list_state if page_no == 0 else {}, force=force)
        except CrawlError as e:
            if page_no == 0 or not isinstance(e, EmptyPage):
                logger.warning("site %s: list page %s failed: %s", site.id, url, e)
                outcome.errors.append(str(e))
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


def _read_list(site: SiteConfig, url: str, list_state: dict, *, force: bool) -> ListPage | None:
    """Fetch and read one list page; None when it has not changed since the last poll."""
    prev = {} if force else list_state.get(url, {})
    page = runtime.get().fetcher(site).get(url, etag=prev.get("etag"), last_modified=prev.get("last_modified"))
    if page.not_modified:
        return None  # 304: nothing changed since the last poll, stop here
    digest = hashlib.sha256(page.content).hexdigest()
    if digest == prev.get("hash"):
        return None
    require_html(page)
    listing = discover(page.text, page.url, item_selector=site.item_selector)
    if not listing.refs:
        raise EmptyPage(page.url, "no article links found")
    list_state[url] = {"etag": page.etag, "last_modified": page.last_modified, "hash": digest}
    return listing
