"""The scheduler: each site polled on its own interval (with jitter), plus the outbox reconciler.

APScheduler runs in a background thread of ``govwatch run``; its jobs only enqueue RQ jobs, so a
slow site never delays another. The first poll of every site happens shortly after start.
"""

from __future__ import annotations

import logging
import random
from datetime import datetime, timedelta

import redis
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from govwatch.settings import Settings
from govwatch.storage import Store
from workers.queues import enqueue_crawl, enqueue_delivery, has_live_job, job_id

logger = logging.getLogger(__name__)

RECONCILE_EVERY = 60
"""Seconds between two passes of the outbox reconciler."""

RECONCILE_GRACE = 120
"""A pending delivery untouched for this many seconds with no live job is enqueued again."""

START_SPREAD = 5.0
"""First polls are spread over this many seconds after start, so sites do not all fire at once."""


def jitter_for(interval: float) -> float:
    """Up to 10% of the interval, at most five minutes."""
    return min(interval * 0.1, 300.0)


def reconcile(conn: redis.Redis, store: Store, grace: float = RECONCILE_GRACE) -> int:
    """Re-enqueue deliveries that are pending with no live job (Redis restarted, worker killed)."""
    n = 0
    for did in store.pending_deliveries(older_than=grace):
        if not has_live_job(conn, job_id("deliver", did)) and enqueue_delivery(conn, did):
            n += 1
    if n:
        logger.info("reconciler: re-enqueued %d pending deliveries", n)
    return n


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
