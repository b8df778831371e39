"""Queue names, job ids and enqueue helpers.

Job ids are deterministic (``crawl-<site>``, ``article-<id>``, ``deliver-<delivery id>``), and jobs
are enqueued with ``unique=True``: a scheduled crawl and an operator's crawl of the same site, or a
delivery enqueued twice (the outbox reconciler and the parse job), collapse into one job.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import redis
from rq import Queue, Retry
from rq.exceptions import DuplicateJobError, NoSuchJobError
from rq.job import Job, JobStatus

logger = logging.getLogger(__name__)

CRAWL, PARSE, DELIVER = "govwatch:crawl", "govwatch:parse", "govwatch:deliver"
ALL_QUEUES = (CRAWL, PARSE, DELIVER)
"""Queue names, in the order a worker serves them: crawls first, then parses, then deliveries."""

CRAWL_TIMEOUT = 600
"""Seconds a crawl job may run (a site with many list pages and a 1 s politeness delay)."""

PARSE_RETRY = Retry(max=3, interval=[30, 120, 600])
"""Fetching an article that failed transiently is retried after 30 s, 2 min and 10 min."""

DELIVER_TIMEOUT = 60
"""Seconds one delivery attempt may take (SMTP and webhook timeouts are shorter)."""

RESULT_TTL = 0
"""Finished jobs are dropped at once: results live in the database, and the job id is free again."""

FAILURE_TTL = 7 * 24 * 3600
"""Failed jobs stay in RQ's failed registry for a week, for ``govwatch status`` and requeueing."""


def job_id(kind: str, key: object) -> str:
    """A valid RQ job id (letters, digits, ``_``, ``-``) for ``kind`` and a site id, article id…"""
    text = str(key)
    safe = re.sub(r"[^A-Za-z0-9_-]", "_", text)
    if safe != text:  # keep distinct keys distinct after the substitution
        safe += "-" + hashlib.sha1(text.encode()).hexdigest()[:8]
    return f"{kind}-{safe}"


def queue(conn: redis.Redis, name: str) -> Queue:
    return Queue(name, connection=conn)


def _enqueue_unique(
    conn: redis.Redis, qname: str, func: Callable[..., Any], jid: str, *args: Any, **opts: Any
) -> bool:
    """Enqueue unless a live job with this id exists; return True when a job was enqueued."""
    q = queue(conn, qname)
    for _ in range(2):
        try:
            q.enqueue(func, *args, job_id=jid, unique=True, result_ttl=RESULT_TTL, failure_ttl=FAILURE_TTL, **opts)
            return True
        except DuplicateJobError:
            if not _clear_if_dead(conn, jid):
                return False
    return False


def _clear_if_dead(conn: redis.Redis, jid: str) -> bool:
    """A finished, failed or stopped job with this id blocks a new one: remove it. True if removed."""
    try:
        job = Job.fetch(jid, connection=conn)
    except NoSuchJobError:
        return True
    status = job.get_status(refresh=True)
    if status in (JobStatus.FINISHED, JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED, None):
        job.delete(remove_from_queue=True)
        return True
    return False


def enqueue_crawl(conn: redis.Redis, site_id: str, *, force: bool = False) -> bool:
    from workers.crawl import crawl_site

    return _enqueue_unique(
        conn,
        CRAWL,
        crawl_site,
        job_id("crawl", site_id),
        site_id,
        force=force,
        job_timeout=CRAWL_TIMEOUT,
        description=f"crawl {site_id}",
    )


def enqueue_article(conn: redis.Redis, article_id: int, *, force: bool = False) -> bool:
    from workers.process import process_article

    return _enqueue_unique(
        conn,
        PARSE,
        process_article,
        job_id("article", article_id),
        article_id,
        force=force,
        retry=PARSE_RETRY,
        job_timeout=180,
        description=f"article {article_id}",
    )


def delivery_job_id(delivery_id: str, attempt: int = 0) -> str:
    return job_id("deliver", f"{delivery_id}-{attempt}")


def enqueue_delivery(conn: redis.Redis, delivery_id: str, *, attempt: int = 0, delay: float | None = None) -> bool:
    """Enqueue attempt number ``attempt`` of a delivery, now or after ``delay`` seconds."""
    from workers.deliver import deliver

    jid = delivery_job_id(delivery_id, attempt)
    opts: dict[str, Any] = dict(job_timeout=DELIVER_TIMEOUT, description=f"deliver {delivery_id} #{attempt}")
    if not delay:
        return _enqueue_unique(conn, DELIVER, deliver, jid, delivery_id, **opts)
    q = queue(conn, DELIVER)
    try:
        q.enqueue_in(timedelta(seconds=delay), deliver, delivery_id, job_id=jid, unique=True, result_ttl=RESULT_TTL,
                     failure_ttl=FAILURE_TTL, **opts)
    except DuplicateJobError:
        return False
    return True


def has_live_job(conn: redis.Redis, jid: str) -> bool:
    try:
        job = Job.fetch(jid, connection=conn)
    except NoSuchJobError:
        return False
    return job.get_status(refresh=True) in (
        JobStatus.QUEUED,
        JobStatus.STARTED,
        JobStatus.SCHEDULED,
        JobStatus.DEFERRED,
    )


def queue_lengths(conn: redis.Redis) -> dict[str, dict[str, int]]:
    out = {}
    for name in ALL_QUEUES:
        q = queue(conn, name)
        out[name.split(":", 1)[1]] = {
            "queued": q.count,
            "started": q.started_job_registry.count,
            "scheduled": q.scheduled_job_registry.count,
            "failed": q.failed_job_registry.count,
        }
    return out


def failed_jobs(conn: redis.Redis, limit: int = 20) -> list[dict[str, str]]:
    rows = []
    for name in ALL_QUEUES:
        q = queue(conn, name)
        for jid in q.failed_job_registry.get_job_ids()[:limit]:
            try:
                job = Job.fetch(jid, connection=conn)
            except NoSuchJobError:
                continue
            result = job.latest_result()
            err = (result.exc_string if result else "") or ""
            last = err.strip().splitlines()[-1] if err.strip() else ""
            rows.append({"queue": name.split(":", 1)[1], "id": jid, "error": last})
    return rows


def requeue_jobs_of(conn: redis.Redis, worker_name: str) -> int:
    """Put back the jobs a dead worker had started (its process was killed): every job is idempotent."""
    from rq.registry import StartedJobRegistry

    n = 0
    for name in ALL_QUEUES:
        q = queue(conn, name)
        registry = StartedJobRegistry(queue=q)
        for jid in registry.get_job_ids(cleanup=False):
            try:
                job = Job.fetch(jid, connection=conn)
            except NoSuchJobError:
                continue
            if job.worker_name != worker_name or job.get_status(refresh=True) != JobStatus.STARTED:
                continue
            registry.remove_executions(job)
            q.enqueue_job(job)
            logger.warning("requeued job %s (%s) left by dead worker %s", job.id, job.description, worker_name)
            n += 1
    for key in conn.scan_iter("govwatch:sending:*"):  # its delivery claims (see workers.deliver)
        value = conn.get(key)
        if value and value.decode().startswith(f"{worker_name}|"):
            conn.delete(key)
    return n


def release_due_jobs(conn: redis.Redis) -> None:
    """Move scheduled jobs whose time has come (delivery retries) onto their queues.

    Workers do this too, but only one of them holds RQ's scheduler lock and a killed one keeps
    it for a minute, and RQ's own takeover waits for its maintenance interval (10 minutes): the
    active govwatch scheduler calls this every few seconds so retries are never held up.
    """
    from rq.scheduler import RQScheduler

    scheduler = RQScheduler(list(ALL_QUEUES), connection=conn)
    if not scheduler.acquire_locks():
        return  # a live worker's scheduler holds the locks and does the work
    try:
        scheduler.enqueue_scheduled_jobs()
    finally:
        scheduler.release_locks()
