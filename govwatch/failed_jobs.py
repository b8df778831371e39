"""RQ's failed-job registries, for ``govwatch jobs failed`` and ``govwatch jobs requeue``.

A job lands there when it raised (after its retries) or ran past its timeout, and stays a week
(``workers.queues.FAILURE_TTL``). Every govwatch job is idempotent, so putting one back on its
queue is always safe: a crawl or parse re-run changes nothing that is already stored.

Example::

    for job in failed(conn, queue="parse", limit=10):
        print(job.id, job.error)
    requeue(conn, ["article-42"])          # {"article-42": None}: requeued; else why not
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import redis
from rq import Queue
from rq.exceptions import InvalidJobOperation, NoSuchJobError
from rq.job import Job
from rq.registry import FailedJobRegistry

from workers.queues import ALL_QUEUES

SHORT_NAMES = tuple(q.split(":", 1)[1] for q in ALL_QUEUES)
"""``crawl``, ``parse``, ``deliver``: the queue names operators type."""


@dataclass(frozen=True)
class FailedJob:
    id: str
    queue: str
    description: str
    enqueued_at: datetime | None
    ended_at: datetime | None
    error: str  # the last line of the traceback: the exception and its message

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _registries(conn: redis.Redis, queue: str | None) -> list[FailedJobRegistry]:
    names = [q for q in ALL_QUEUES if queue is None or q.endswith(":" + queue)]
    return [FailedJobRegistry(queue=Queue(name, connection=conn)) for name in names]


def failed(conn: redis.Redis, *, queue: str | None = None, limit: int = 50) -> list[FailedJob]:
    """The most recent failed jobs (of one queue, or all), newest first."""
    rows: list[FailedJob] = []
    for registry in _registries(conn, queue):
        ids = registry.get_job_ids(0, limit - 1, desc=True)  # scored by expiry: latest failure last
        for job in Job.fetch_many(ids, connection=conn):
            if job is not None:
                rows.append(_describe(job, registry.name))
    rows.sort(key=lambda j: j.ended_at.timestamp() if j.ended_at else 0.0, reverse=True)
    return rows[:limit]


def _describe(job: Job, registry_name: str) -> FailedJob:
    result = job.latest_result()
    trace = ((result.exc_string if result else None) or "").strip()
    ended = job.ended_at or (result.created_at if result else None)
    return FailedJob(
        id=job.id,
        queue=(job.origin or registry_name).split(":", 1)[-1],
        description=job.description or job.func_name or "",
        enqueued_at=job.enqueued_at,
        ended_at=ended,
        error=trace.splitlines()[-1] if trace else "",
    )


def requeue(conn: redis.Redis, job_ids: list[str]) -> dict[str, str | None]:
    """Put each failed job back on its queue: job id → None when requeued, else the reason."""
    outcome: dict[str, str | None] = {}
    for jid in job_ids:
        try:
            job = Job.fetch(jid, connection=conn)
        except NoSuchJobError:
            outcome[jid] = "no such job (expired, or requeued and finished since)"
            continue
        registry = FailedJobRegistry(queue=Queue(job.origin, connection=conn))
        try:
            registry.requeue(job)
            outcome[jid] = None
        except InvalidJobOperation:
            outcome[jid] = f"not in the failed registry (its status is {job.get_status()})"
    return outcome


def requeue_all(conn: redis.Redis, *, queue: str | None = None) -> dict[str, str | None]:
    """Requeue every failed job (of one queue, or all)."""
    ids = [jid for registry in _registries(conn, queue) for jid in registry.get_job_ids()]
    return requeue(conn, ids)
