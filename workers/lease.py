"""Exactly one active scheduler: a lease in Redis.

``SET key owner NX PX ttl`` takes the lease; the holder renews it every third of the TTL with a
compare-and-expire script and gives it up with compare-and-delete, so a stale holder can never
extend or drop a lease someone else took over. A scheduler that is killed simply stops renewing:
another takes over within the TTL.

Example::

    lease = Lease(conn, ttl=15.0)
    if lease.acquire():
        ...            # schedule; call lease.renew() every ttl/3, stop scheduling when it returns False
        lease.release()
"""

from __future__ import annotations

import os
import socket
import uuid

import redis

LEASE_KEY = "govwatch:scheduler:lease"
"""The Redis key holding the current scheduler's identity."""

LEASE_TTL = 15.0
"""Seconds a lease lasts without renewal: how long a standby waits after the leader dies."""

_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end
return 0
"""
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


class Lease:
    def __init__(self, conn: redis.Redis, *, key: str = LEASE_KEY, ttl: float = LEASE_TTL,
                 owner: str | None = None) -> None:
        self.conn, self.key, self.ttl = conn, key, ttl
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._renew = conn.register_script(_RENEW)
        self._release = conn.register_script(_RELEASE)

    @property
    def ms(self) -> int:
        return int(self.ttl * 1000)

    def acquire(self) -> bool:
        return bool(self.conn.set(self.key, self.owner, nx=True, px=self.ms))

    def renew(self) -> bool:
        return bool(self._renew(keys=[self.key], args=[self.owner, self.ms]))

    def release(self) -> bool:
        return bool(self._release(keys=[self.key], args=[self.owner]))

    def holder(self) -> str | None:
        value = self.conn.get(self.key)
        return value.decode() if value else None
