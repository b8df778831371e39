"""Counters the jobs keep in Redis, so every worker process on every machine adds to the same ones.

A counter is a Redis hash ``govwatch:metrics:<name>`` whose fields are the label values (JSON);
:mod:`govwatch.metrics` turns them into Prometheus metrics when scraped. Recording never fails a
job: a Redis error is logged and the figure is lost.

Example::

    count(conn, "crawls_total", site="zaozhuang-sfj", result="ok")
    with timed(conn, "process_article"):
        ...
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import Iterator

import redis

logger = logging.getLogger(__name__)

PREFIX = "govwatch:metrics:"


def _field(labels: dict[str, str]) -> str:
    return json.dumps(labels, ensure_ascii=False, sort_keys=True)


def count(conn: redis.Redis, name: str, value: float = 1, **labels: str) -> None:
    """Add ``value`` to counter ``name`` with these labels."""
    if not value:
        return
    try:
        conn.hincrbyfloat(PREFIX + name, _field(labels), value)
    except redis.RedisError as e:
        logger.warning("metric %s not recorded: %s", name, e)


@contextlib.contextmanager
def timed(conn: redis.Redis, job: str) -> Iterator[None]:
    """Record the duration of the block as ``job_duration_seconds`` (sum and count per job kind)."""
    start = time.perf_counter()
    try:
        yield
    finally:
        elapsed = time.perf_counter() - start
        try:
            with conn.pipeline() as p:
                p.hincrbyfloat(PREFIX + "job_duration_seconds_sum", _field({"job": job}), elapsed)
                p.hincrbyfloat(PREFIX + "job_duration_seconds_count", _field({"job": job}), 1)
                p.execute()
        except redis.RedisError as e:
            logger.warning("job duration not recorded: %s", e)


def read(conn: redis.Redis, name: str) -> list[tuple[dict[str, str], float]]:
    """Every (labels, value) of counter ``name``."""
    return [(json.loads(k), float(v)) for k, v in conn.hgetall(PREFIX + name).items()]
