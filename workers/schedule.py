"""The scheduler: each site polled on its own interval (with jitter), plus the outbox reconciler.

APScheduler runs in a background thread of ``govwatch run``; its jobs only enqueue RQ jobs, so a
slow site never delays another. The first poll of every site happens shortly after start.

Crawls are planned by :class:`CrawlPlanner`: every ``CRAWL_TICK`` seconds the sites that are due
go out in batches of up to ``CRAWL_BATCH`` per RQ job (``workers.crawl.crawl_sites``) — an RQ job
costs more than polling an unchanged site, so thousands of sites want batches, not a job per poll.
A site whose previous batch is still queued or running skips that poll; which batch took a site
is kept in Redis (``govwatch:crawl:site:<id>``), so a scheduler that takes over from another knows.
"""

from __future__ import annotations

import logging
import random
import time
import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import redis
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from govwatch.settings import Settings
from govwatch.storage import Store
from workers.queues import (
    CRAWL,
    FAILURE_TTL,
    RESULT_TTL,
    delivery_job_id,
    enqueue_article,
    enqueue_delivery,
    has_live_job,
    job_id,
    queue,
    release_due_jobs,
)

logger = logging.getLogger(__name__)

CHINA = ZoneInfo("Asia/Shanghai")
"""Digest times are China time, like the releases."""

RELEASE_EVERY = 5
"""Seconds between two moves of due scheduled jobs (retries) onto their queues."""

RECONCILE_EVERY = 60
"""Seconds between two passes of the outbox reconciler."""

RECONCILE_GRACE = 120
"""A pending delivery untouched for this many seconds with no live job is enqueued again."""

ARTICLE_GRACE = 900
"""An article not stored this many seconds after discovery (or its last transient failure) with no
live job is enqueued again."""

START_SPREAD = 5.0
"""First polls are spread over this many seconds after start, so sites do not all fire at once."""

CRAWL_TICK = 2.0
"""Seconds between two looks for due sites."""

CRAWL_BATCH = 50
"""Sites per crawl job at most."""

BATCH_TIMEOUT = 3600
"""Seconds a batch crawl job may run (50 sites, a few list pages each, 1 s apart, some timing out)."""

INFLIGHT_KEY = "govwatch:crawl:site:"
"""+ site id → the id of the batch job that last took the site."""


class CrawlPlanner:
    """When each site is due next (monotonic seconds).

    >>> planner = CrawlPlanner([("a", 600.0), ("b", 600.0)], now=0.0, spread=0.0)
    >>> planner.due(now=1.0)
    ['a', 'b']
    >>> planner.due(now=2.0), 540.0 <= planner.next_due["a"] - 1.0 <= 660.0
    ([], True)
    """

    def __init__(self, sites: Iterable[tuple[str, float]], *, now: float, spread: float = START_SPREAD) -> None:
        self.intervals = dict(sites)
        self.next_due = {sid: now + random.uniform(0.0, spread) for sid in self.intervals}

    def adopt(self, previous: CrawlPlanner, now: float) -> None:
        """Keep the next poll times of sites the previous plan had (a config reload is not a poll)."""
        for sid in self.next_due:
            if sid not in previous.next_due:
                continue  # a new site: polled soon
            when = previous.next_due[sid]
            if self.intervals[sid] != previous.intervals.get(sid):
                when = min(when, now + self.intervals[sid])  # a shorter interval takes effect at once
            self.next_due[sid] = when

    def due(self, now: float) -> list[str]:
        """Sites due at ``now``, each then rescheduled one interval (± jitter) later."""
        ready = sorted(sid for sid, when in self.next_due.items() if when <= now)
        for sid in ready:
            interval = self.intervals[sid]
            jitter = jitter_for(interval)
            self.next_due[sid] = now + interval + random.uniform(-jitter, jitter)
        return ready


def enqueue_due(conn: redis.Redis, planner: CrawlPlanner, now: float | None = None,
                batch: int = CRAWL_BATCH) -> list[str]:
    """Enqueue the due sites in batches; return the ids of the batch jobs enqueued."""
    due = planner.due(time.monotonic() if now is None else now)
    jobs = []
    try:
        ready = _not_in_flight(conn, due)
        for start in range(0, len(ready), batch):
            chunk = ready[start : start + batch]
            jid = enqueue_crawl_batch(conn, chunk)
            conn.mset({INFLIGHT_KEY + sid: jid for sid in chunk})
            jobs.append(jid)
    except redis.RedisError as e:
        logger.error("cannot enqueue crawls: %s", e)
    return jobs


def _not_in_flight(conn: redis.Redis, site_ids: list[str]) -> list[str]:
    """The sites whose last batch job is no longer queued or running."""
    if not site_ids:
        return []
    taken = dict(zip(site_ids, conn.mget([INFLIGHT_KEY + sid for sid in site_ids]), strict=True))
    alive = {jid: has_live_job(conn, jid.decode()) for jid in set(taken.values()) if jid is not None}
    ready = []
    for sid in site_ids:
        if taken[sid] is not None and alive[taken[sid]]:
            logger.info("site %s: previous crawl still queued or running; skipping this poll", sid)
        else:
            ready.append(sid)
    return ready


def enqueue_crawl_batch(conn: redis.Redis, site_ids: Sequence[str], *, force: bool = False) -> str:
    """One RQ job crawling ``site_ids`` in turn; returns its job id."""
    from workers.crawl import crawl_sites

    jid = job_id("crawls", uuid.uuid4().hex)
    queue(conn, CRAWL).enqueue(
        crawl_sites, list(site_ids), force=force, job_id=jid, job_timeout=BATCH_TIMEOUT,
        result_ttl=RESULT_TTL, failure_ttl=FAILURE_TTL, description=f"crawl {len(site_ids)} site(s)",
    )
    return jid


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
        if last is None:  # a new digest subscriber: its first digest comes at its next digest time
            store.subscribers.mark_digest(sub.id, now)
            continue
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


def build_scheduler(settings: Settings, conn: redis.Redis, store: Store,
                    previous: CrawlPlanner | None = None) -> BackgroundScheduler:
    sched = BackgroundScheduler(
        timezone="Asia/Shanghai", job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300}
    )
    for site in settings.sites:
        if site.paused:
            logger.info("site %s is paused; not scheduled", site.id)
    planner = CrawlPlanner(((s.id, s.interval) for s in settings.sites if not s.paused), now=time.monotonic())
    if previous is not None:
        planner.adopt(previous, time.monotonic())
    sched.govwatch_planner = planner  # type: ignore[attr-defined]  # for the next rebuild
    sched.add_job(enqueue_due, IntervalTrigger(seconds=CRAWL_TICK), args=[conn, planner], id="crawl-planner",
                  next_run_time=datetime.now().astimezone(), name="crawl planner")
    sched.add_job(run_digests, IntervalTrigger(seconds=60), args=[conn, store], id="digests", name="digests")
    sched.add_job(release_due_jobs, IntervalTrigger(seconds=RELEASE_EVERY), args=[conn], id="release-due",
                  name="scheduled jobs due")
    sched.add_job(
        reconcile,
        IntervalTrigger(seconds=RECONCILE_EVERY),
        args=[conn, store],
        id="reconcile",
        name="outbox reconciler",
    )
    return sched
