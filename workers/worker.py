"""One RQ worker process: load heavy resources once, then serve the govwatch queues.

It is a :class:`rq.SimpleWorker`: jobs run in this process, so jieba's dictionary, the rule
tables, the database pool and the per-site HTTP clients (with their cookies) are loaded once and
reused by every job, instead of once per forked job.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from rq import Queue, SimpleWorker

from govwatch.embedded_redis import connect
from govwatch.settings import Settings
from workers import runtime
from workers.queues import ALL_QUEUES

logger = logging.getLogger(__name__)


def run_worker(
    settings: Settings,
    redis_url: str,
    queues: Sequence[str] = ALL_QUEUES,
    *,
    burst: bool = False,
    name: str | None = None,
) -> bool:
    conn = connect(redis_url)
    runtime.init(settings, conn)
    worker = SimpleWorker([Queue(q, connection=conn) for q in queues], connection=conn, name=name)
    try:
        # RQ logs several lines per job at INFO; our jobs log what matters (site, URL, result)
        level = "DEBUG" if settings.log_level == "DEBUG" else "WARNING"
        return worker.work(burst=burst, with_scheduler=True, logging_level=level)
    finally:
        runtime.reset()
