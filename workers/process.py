"""The parse job: fetch an article, read it, extract its facts, compare, and write the outbox.

One transaction stores the article's text, facts and content hash together with the events they
cause and one delivery row per matching subscriber and channel; delivery jobs are enqueued from
those rows afterwards (and re-enqueued by the reconciler if this process dies in between).
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from crawler.article import parse_article
from rules.extract import extract

from crawler.errors import BadStatus, CrawlError, Timeout, Unreachable
from crawler.records import Article
from govwatch.settings import Settings, SiteConfig
from govwatch.storage import NewDelivery, NewEvent
from rules.records import Facts
from workers import runtime
from workers.queues import enqueue_delivery

logger = logging.getLogger(__name__)


class TransientFetchFailure(Exception):
    """Raised so that RQ retries the job later (timeouts, refused connections, 429/5xx)."""


def _transient(e: CrawlError) -> bool:
    if isinstance(e, Timeout | Unreachable):
        return True
    return isinstance(e, BadStatus) and (e.status in (403, 408, 429) or e.status >= 500)


def content_hash(article: Article) -> str:
    return hashlib.sha256(f"{article.title}\n{article.text}".encode()).hexdigest()


def process_article(article_id: int, force: bool = False) -> dict[str, Any]:
    """RQ job: fetch, parse and extract one article; store it with its events and deliveries."""
    rt = runtime.get()
    row = rt.store.article(article_id)
    if row is None:
        return {"article": article_id, "result": "unknown article"}
    site = _site_for(rt.settings, row)
    url = row["url"]
    try:
        article = parse_article(rt.fetcher(site).get(url))
    except CrawlError as e:
        logger.warning("site %s: article %s failed: %s", site.id, url, e)
        rt.store.mark_article_error(article_id, str(e))
        if _transient(e):
            raise TransientFetchFailure(str(e)) from None
        return {"article": article_id, "result": "error", "error": str(e)}
    digest = content_hash(article)
    if digest == row["content_hash"] and not force:
        logger.info("site %s: article %s unchanged", site.id, url)
        return {"article": article_id, "result": "unchanged"}
    facts = extract(article.text, title=article.title, region=site.region, published=article.published)
    region = facts.region or site.region
    new_events = []
    if row["content_hash"] is None and not row["silent"]:
        new_events.append(_release_new(rt.store, article_id, site, region, article, facts, rt.settings))
    created = rt.store.save_processed(
        article_id,
        fields=dict(
            title=article.title,
            published=article.published,
            source=article.source,
            text=article.text,
            region=region,
            content_hash=digest,
            facts=facts.to_dict(),
        ),
        fact_rows=_fact_rows(region, facts),
        new_events=new_events,
    )
    for did in created:
        enqueue_delivery(rt.redis, did)
    logger.info(
        "site %s: article %s stored: %d metric(s), %d initiative(s), %d alert(s)",
        site.id,
        url,
        len(facts.metrics),
        len(facts.initiatives),
        len(created),
    )
    return {"article": article_id, "result": "stored", "deliveries": len(created)}


def _site_for(settings: Settings, row: dict[str, Any]) -> SiteConfig:
    try:
        return settings.site(row["site_id"])
    except Exception:
        # the site was removed from the configuration: still read the page with defaults
        return SiteConfig(id=row["site_id"], region=row.get("region") or "", list_urls=())


def _fact_rows(region: str, facts: Facts) -> list[dict[str, Any]]:
    rows = [
        dict(
            region=region,
            kind="metric",
            name=m.indicator,
            value=float(m.value),
            unit=m.unit,
            period=m.period,
            data=m.to_dict(),
        )
        for m in facts.metrics
    ]
    rows += [
        dict(region=region, kind="initiative", name=i.name, value=None, unit=None, period=None, data=i.to_dict())
        for i in facts.initiatives
    ]
    return rows


def _release_new(
    store: Any, article_id: int, site: SiteConfig, region: str, article: Article, facts: Facts, settings: Settings
) -> NewEvent:
    metrics = [m.to_dict() for m in facts.metrics]
    previous = store.latest_facts(region, "metric", [m["indicator"] for m in metrics], before_article=article_id)
    for m in metrics:
        prev = previous.get(m["indicator"])
        if prev and (prev["value"], prev["unit"]) != (float(m["value"]), m["unit"]):
            m["previous"] = {"value": prev["data"].get("value"), "unit": prev["unit"], "period": prev["period"]}
    data = {
        "article": {
            "url": article.url,
            "title": article.title,
            "published": article.published,
            "source": article.source,
            "region": region,
            "site_id": site.id,
        },
        "metrics": metrics,
        "initiatives": [i.to_dict() for i in facts.initiatives],
    }
    deliveries = []
    for sub in settings.subscribers:
        if not sub.wants(region):
            continue
        if sub.email:
            deliveries.append(NewDelivery(sub.id, "email", sub.email))
        if sub.webhook:
            deliveries.append(NewDelivery(sub.id, "webhook", sub.webhook.url))
    return NewEvent(
        id=f"release.new:{article_id}", type="release.new", region=region, data=data, deliveries=tuple(deliveries)
    )
