"""The parse job: fetch an article, read it, extract its facts, compare, and write the outbox.

One transaction stores the article's text, facts and content hash together with the events they
cause (see :mod:`workers.diff`) and one delivery row per matching subscriber and channel (see
:mod:`workers.subscriptions`); delivery jobs are enqueued from those rows afterwards, and
re-enqueued by the reconciler if this process dies in between.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from crawler.article import parse_article
from crawler.errors import BadStatus, Blocked, CrawlError, Deferred, RobotsUnavailable, Timeout, Unreachable
from crawler.records import Article
from govwatch.errors import UnknownSite
from govwatch.settings import Settings, SiteConfig
from govwatch.storage import NewEvent
from rules.canonical import canonical_indicator
from rules.extract import extract
from workers import metrics, runtime
from workers.diff import History, detect, initiative_key, period_key, series_of
from workers.queues import enqueue_delivery
from workers.subscriptions import route

logger = logging.getLogger(__name__)


class TransientFetchFailure(Exception):
    """Raised so that RQ retries the job later (timeouts, refused connections, 429/5xx)."""


def _transient(e: CrawlError) -> bool:
    """Worth trying again later: the network, the host asking us to wait, a challenge page, robots.txt down."""
    if isinstance(e, Timeout | Unreachable | Deferred | RobotsUnavailable | Blocked):
        return True
    return isinstance(e, BadStatus) and (e.status in (403, 408, 429) or e.status >= 500)


def content_hash(article: Article) -> str:
    return hashlib.sha256(f"{article.title}\n{article.text}".encode()).hexdigest()


def process_article(article_id: int, force: bool = False) -> dict[str, Any]:
    """RQ job: fetch, parse and extract one article; store it with its events and deliveries."""
    rt = runtime.get()
    with metrics.timed(rt.redis, "process_article"):
        return _process(rt, article_id, force)


def _fetch(rt: Any, article_id: int, site: SiteConfig, url: str) -> Article | None:
    """The parsed article, or None after recording why it could not be read (raising if worth a retry)."""
    try:
        return parse_article(rt.fetcher(site).get(url))
    except CrawlError as e:
        logger.warning("site %s: article %s failed: %s", site.id, url, e, extra={"site": site.id, "url": url})
        rt.store.mark_article_error(article_id, str(e), retry=_transient(e))
        if _transient(e):
            raise TransientFetchFailure(str(e)) from None
        return None


def _process(rt: Any, article_id: int, force: bool) -> dict[str, Any]:
    row = rt.store.article(article_id)
    if row is None:
        return {"article": article_id, "result": "unknown article"}
    site, url = _site_for(rt.settings, row), row["url"]
    article = _fetch(rt, article_id, site, url)
    if article is None:
        return {"article": article_id, "result": "error"}
    digest = content_hash(article)
    if digest == row["content_hash"] and not force:
        logger.info("site %s: article %s unchanged", site.id, url, extra={"site": site.id, "url": url})
        return {"article": article_id, "result": "unchanged"}
    facts = extract(article.text, title=article.title, region=site.region, published=article.published,
                    source=article.source or "")
    region, fact_dict = facts.region or site.region, facts.to_dict()
    new_events = _events(rt, article_id, row, site, region, article, fact_dict, digest)
    fields = dict(title=article.title, published=article.published, source=article.source, text=article.text,
                  region=region, content_hash=digest, facts=fact_dict)
    created = rt.store.save_processed(article_id, fields=fields, new_events=new_events,
                                      fact_rows=_fact_rows(region, fact_dict, article.published))
    for did in created:
        enqueue_delivery(rt.redis, did)
    _count(rt, facts, new_events)
    logger.info("site %s: article %s stored: %d metric(s), %d initiative(s), %d event(s), %d alert(s) to send",
                site.id, url, len(facts.metrics), len(facts.initiatives), len(new_events), len(created),
                extra={"site": site.id, "url": url})
    return {"article": article_id, "result": "stored", "events": len(new_events), "deliveries": len(created)}


def _count(rt: Any, facts: Any, new_events: list[NewEvent]) -> None:
    metrics.count(rt.redis, "facts_extracted_total", len(facts.metrics), kind="metric")
    metrics.count(rt.redis, "facts_extracted_total", len(facts.initiatives), kind="initiative")
    for ev in new_events:
        metrics.count(rt.redis, "events_total", type=ev.type)


def _events(
    rt: Any,
    article_id: int,
    row: dict,
    site: SiteConfig,
    region: str,
    article: Article,
    facts: dict[str, Any],
    digest: str,
) -> list[NewEvent]:
    first_time = row["content_hash"] is None
    if first_time and row["silent"]:
        return []  # the back catalogue: stored for history, told to no one
    latest, seen = rt.store.region_history(
        region,
        [series_of(m) for m in facts["metrics"]],
        [initiative_key(i["name"]) for i in facts["initiatives"]],
        before_article=article_id,
    )
    info = {
        "url": article.url,
        "title": article.title,
        "published": article.published,
        "source": article.source,
        "region": region,
        "site_id": site.id,
        "hash": digest,
    }
    found = detect(
        article_id=article_id,
        region=region,
        article=info,
        facts=facts,
        previous_facts=None if first_time else (row["facts"] or {}),
        history=History(latest=latest, initiatives=seen),
        first_time=first_time,
        silent=False,
    )
    subscribers = rt.subscribers()
    return [
        NewEvent(
            id=e.id, type=e.type, region=region, data=e.data, deliveries=route(subscribers, e, region, article.text)
        )
        for e in found
    ]


def _site_for(settings: Settings, row: dict[str, Any]) -> SiteConfig:
    try:
        return settings.site(row["site_id"])
    except UnknownSite:
        # the site was removed from the configuration: still read the page with defaults
        return SiteConfig(id=row["site_id"], region=row.get("region") or "", list_urls=())


def _fact_rows(region: str, facts: dict[str, Any], published: str | None) -> list[dict[str, Any]]:
    rows = [
        dict(
            region=region,
            kind="metric",
            name=m["indicator"],
            value=float(m["value"]),
            unit=m["unit"],
            period=m.get("period"),
            data=m,
            canonical=canonical_indicator(m["indicator"]),
            series=series_of(m),
            period_key=period_key(m.get("period"), published),
            published=published,
        )
        for m in facts["metrics"]
    ]
    rows += [
        dict(
            region=region,
            kind="initiative",
            name=i["name"],
            value=None,
            unit=None,
            period=None,
            data=i,
            canonical=initiative_key(i["name"]),
            series=None,
            period_key=None,
            published=published,
        )
        for i in facts["initiatives"]
    ]
    return rows
