"""Taking turns per host: the ``HostGate`` seam and its in-process implementation.

A gate answers two questions for every request the ``Fetcher`` makes:

* ``turn(host, min_delay=…, concurrency=…)`` — a context manager held for the whole request. It
  waits until fewer than ``concurrency`` requests to ``host`` are running and at least
  ``min_delay`` seconds have passed since the previous request to ``host`` started.
* ``defer(host, until)`` / ``deferred_until(host)`` — a host that answered 429/503 with
  ``Retry-After`` is left alone until then (wall-clock seconds since the epoch); other hosts are
  unaffected.

``LocalHostGate`` does this for the threads of one process. govwatch runs several worker
processes, so ``workers.hostgate.RedisHostGate`` implements the same protocol on Redis; the
crawler itself never imports Redis.

Example::

    >>> gate = LocalHostGate()
    >>> with gate.turn("sfj.example.gov.cn", min_delay=0.0, concurrency=1):
    ...     pass  # one request
    >>> gate.defer("sfj.example.gov.cn", time.time() + 120)
    >>> gate.deferred_until("sfj.example.gov.cn") > time.time()
    True
    >>> gate.deferred_until("other.example.gov.cn") is None
    True
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol

MAX_TURN_WAIT = 300.0
"""Seconds a request may wait for its turn at a busy host before giving up with ``HostBusy``."""


class HostBusy(Exception):
    """No turn at ``host`` within ``MAX_TURN_WAIT`` seconds (the fetcher maps it to ``Timeout``)."""

    def __init__(self, host: str, waited: float) -> None:
        super().__init__(f"no turn at {host} within {waited:.0f}s")
        self.host = host


class HostGate(Protocol):
    """Per-host politeness shared by every fetcher that holds the same gate."""

    def turn(self, host: str, *, min_delay: float, concurrency: int) -> AbstractContextManager[None]:
        """Wait for a turn at ``host``; hold it while the request runs."""
        ...

    def defer(self, host: str, until: float) -> None:
        """Send no request to ``host`` before ``until`` (epoch seconds)."""
        ...

    def deferred_until(self, host: str) -> float | None:
        """The epoch second before which ``host`` must not be asked, or None."""
        ...


class LocalHostGate:
    """``HostGate`` for one process: a counter per host, the next free start time per host."""

    def __init__(self, max_wait: float = MAX_TURN_WAIT) -> None:
        self.max_wait = max_wait
        self._cond = threading.Condition()
        self._running: dict[str, int] = {}
        self._next_start: dict[str, float] = {}
        self._deferred: dict[str, float] = {}

    @contextmanager
    def turn(self, host: str, *, min_delay: float, concurrency: int) -> Iterator[None]:
        start = self._reserve(host, min_delay, max(1, concurrency))
        try:
            if start > time.monotonic():
                time.sleep(start - time.monotonic())
            yield
        finally:
            with self._cond:
                self._running[host] -= 1
                self._cond.notify_all()

    def defer(self, host: str, until: float) -> None:
        with self._cond:
            self._deferred[host] = max(until, self._deferred.get(host, 0.0))

    def deferred_until(self, host: str) -> float | None:
        with self._cond:
            until = self._deferred.get(host)
            if until is not None and until <= time.time():
                del self._deferred[host]
                return None
            return until

    def _reserve(self, host: str, min_delay: float, concurrency: int) -> float:
        """Take a running slot and a start time ``min_delay`` after the previous one."""
        with self._cond:
            ok = self._cond.wait_for(lambda: self._running.get(host, 0) < concurrency, self.max_wait)
            if not ok:
                raise HostBusy(host, self.max_wait)
            self._running[host] = self._running.get(host, 0) + 1
            now = time.monotonic()
            start = max(now, self._next_start.get(host, now))
            self._next_start[host] = start + min_delay
            return start
