"""The scheduler: each site polled on its own interval (with jitter), plus the outbox reconciler.

APScheduler runs in a background thread of ``govwatch run``; its jobs only enqueue RQ jobs, so a
slow site never delays another. The first poll of every site happens shortly after start.
"""

from __future__ import annotations

import logging
import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import redis
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from govwatch.settings import Settings
from govwatch.storage import Store
from workers.queues import delivery_job_id, enqueue_article, enqueue_crawl, enqueue_delivery, has_live_job, job_id

logger = logging.getLogger(__name__)

CHINA = ZoneInfo("Asia/Shanghai")
"""Digest times are China time, like the releases."""

RECONCILE_EVERY = 60
"""Seconds between two passes of the outbox reconciler."""

RECONCILE_GRACE = 120
"""A pending delivery untouched for this many seconds with no live job is enqueued again."""

ARTICLE_GRACE = 900
"""An article not stored this many seconds after discovery (or its last transient failure) with no
live job is enqueued again."""

START_SPREAD = 5.0
"""First polls are spread over this many seconds after start, so sites do not all fire at once."""


def jitter_for(interval: float) -> float:
    """Up to 10% of the interval, at most five minutes."""
    return min(interval * 0.1, 300.0)


def reconcile(conn: redis.Redis, store: Store, grace: float = RECONCILE_GRACE) -> int:
    """Re-enqueue deliveries that are pending with no live job (Redis restarted, worker killed)."""
    n = 0
    for row in store.outbox.due(grace):
        attempt = int(row["attempts"])
        if not has_live_job(conn, delivery_job_id(row["id"], attempt)) and enqueue_delivery(
            conn, row["id"], attempt=attempt
        ):
            n += 1
    if n:
        logger.info("reconciler: re-enqueued %d pending deliveries", n)
    return n + _reconcile_articles(conn, store)


def _reconcile_articles(conn: redis.Redis, store: Store, grace: float = ARTICLE_GRACE) -> int:
    n = 0
    for aid in store.stalled_articles(grace):
        if not has_live_job(conn, job_id("article", aid)) and enqueue_article(conn, aid):
            n += 1
    if n:
        logger.info("reconciler: re-enqueued %d articles not stored yet", n)
    return n


def digest_due(digest: str, last: datetime | None, now: datetime) -> datetime | None:
    """The digest time to send for now, if one has passed since ``last``; None otherwise.

    >>> tz = ZoneInfo("Asia/Shanghai")
    >>> digest_due("08:00", None, datetime(2026, 11, 22, 8, 30, tzinfo=tz)).isoformat()
    '2026-11-22T08:00:00+08:00'
    >>> digest_due("08:00", datetime(2026, 11, 22, 0, 1, tzinfo=UTC), datetime(2026, 11, 22, 9, 0, tzinfo=tz))
    """
    hour, minute = (int(x) for x in digest.split(":"))
    local = now.astimezone(CHINA)
    slot = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if slot > local:
        slot -= timedelta(days=1)
    if last is not None and (last if last.tzinfo else last.replace(tzinfo=UTC)) >= slot:
        return None
    return slot


def run_digests(conn: redis.Redis, store: Store, now: datetime | None = None) -> int:
    """Send each digest subscriber everything held since its last digest, once per digest time."""
    from govwatch.outbox import make_digest

    now = now or datetime.now(UTC)
    sent = 0
    for sub in store.subscribers.all():
        if not sub.digest or sub.paused:
            continue
        last = store.subscribers.last_digest(sub.id)
        slot = digest_due(sub.digest, last, now)
        if slot is None:
            continue
        ids = make_digest(store.engine, sub.id, sub.channels(), since=last, until=slot)
        store.subscribers.mark_digest(sub.id, slot)
        for did in ids:
            enqueue_delivery(conn, did)
        sent += len(ids)
        if ids:
            logger.info("subscriber %s: digest of %s queued on %d channel(s)", sub.id, slot, len(ids))
    return sent


def build_scheduler(settings: Settings, conn: redis.Redis, store: Store) -> BackgroundScheduler:
    sched = BackgroundScheduler(
        timezone="Asia/Shanghai", job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300}
    )
    now = datetime.now().astimezone()
    for site in settings.sites:
        if site.paused:
            logger.info("site %s is paused; not scheduled", site.id)
            continue
        first = now + timedelta(seconds=random.uniform(0.2, START_SPREAD))
        sched.add_job(
            _poll,
            IntervalTrigger(seconds=site.interval, jitter=jitter_for(site.interval)),
            args=[conn, site.id],
            id=f"poll:{site.id}",
            next_run_time=first,
            name=f"poll {site.id}",
        )
    sched.add_job(run_digests, IntervalTrigger(seconds=60), args=[conn, store], id="digests", name="digests")
    sched.add_job(
        reconcile,
        IntervalTrigger(seconds=RECONCILE_EVERY),
        args=[conn, store],
        id="reconcile",
        name="outbox reconciler",
    )
    return sched


def _poll(conn: redis.Redis, site_id: str) -> None:
    try:
        if enqueue_crawl(conn, site_id):
            logger.debug("site %s: crawl enqueued", site_id)
        else:
            logger.info("site %s: previous crawl still queued or running; skipping this poll", site_id)
    except redis.RedisError as e:
        logger.error("site %s: cannot enqueue crawl: %s", site_id, e)
