"""``RedisHostGate``: the crawler's ``HostGate`` shared by every worker process through Redis.

Per host, three keys:

* ``govwatch:host:<host>:slots`` — a sorted set of running requests, scored by when their lease
  ends (a worker killed mid-request frees its slot when the lease runs out);
* ``govwatch:host:<host>:next`` — the earliest start time of the next request (``min_delay``
  after the previous start);
* ``govwatch:host:<host>:until`` — a Retry-After deadline: no request before it.

Taking a turn is one Lua script (atomic on the server, Redis's clock), so two processes can never
both start a request at a host with ``concurrency: 1``, nor closer together than ``min_delay``.

Example::

    gate = RedisHostGate(redis.Redis.from_url("redis://localhost:6379/0"))
    with Fetcher(gate=gate, min_delay=1.0) as fetcher:   # in every worker process
        fetcher.get("https://sfj.example.gov.cn/zwgk/index.html")
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import redis

from crawler.politeness import MAX_TURN_WAIT, HostBusy

PREFIX = "govwatch:host:"
LEASE = 180.0
"""Seconds a turn is held at most (longer than a fetch's deadline); then it is free again."""

POLL = 0.05
"""Seconds between two tries for a slot at a host that is busy in another process."""

_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1e6
local limit, lease, delay = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= limit then return '-1' end
local start = math.max(now, tonumber(redis.call('GET', KEYS[2]) or '0'))
redis.call('SET', KEYS[2], string.format('%.3f', start + delay), 'PX', math.ceil((start + delay - now) * 1000) + 1000)
redis.call('ZADD', KEYS[1], start + lease, ARGV[1])
redis.call('PEXPIRE', KEYS[1], math.ceil((start - now + lease) * 1000))
return string.format('%.3f', start - now)
"""


class RedisHostGate:
    """``crawler.politeness.HostGate`` on Redis; see the module docstring."""

    def __init__(self, conn: redis.Redis, *, lease: float = LEASE, max_wait: float = MAX_TURN_WAIT) -> None:
        self.conn = conn
        self.lease = lease
        self.max_wait = max_wait
        self._acquire = conn.register_script(_ACQUIRE)

    @contextmanager
    def turn(self, host: str, *, min_delay: float, concurrency: int) -> Iterator[None]:
        token = uuid.uuid4().hex
        wait = self._take(host, token, min_delay, max(1, concurrency))
        try:
            if wait > 0:
                time.sleep(wait)
            yield
        finally:
            self.conn.zrem(PREFIX + host + ":slots", token)

    def defer(self, host: str, until: float) -> None:
        key = PREFIX + host + ":until"
        current = self.deferred_until(host) or 0.0
        if until > current:
            self.conn.set(key, f"{until:.3f}", px=max(1, int((until - time.time()) * 1000)))

    def deferred_until(self, host: str) -> float | None:
        value = self.conn.get(PREFIX + host + ":until")
        if value is None:
            return None
        until = float(value)
        return until if until > time.time() else None

    def _take(self, host: str, token: str, min_delay: float, concurrency: int) -> float:
        """Seconds to wait before starting, once a slot is ours; HostBusy after ``max_wait``."""
        keys = [PREFIX + host + ":slots", PREFIX + host + ":next"]
        give_up = time.monotonic() + self.max_wait
        while True:
            wait = float(self._acquire(keys=keys, args=[token, concurrency, self.lease, min_delay]))
            if wait >= 0:
                return wait
            if time.monotonic() > give_up:
                raise HostBusy(host, self.max_wait)
            time.sleep(POLL)
