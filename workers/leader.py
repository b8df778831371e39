"""The scheduler that runs only while it holds the lease (see :mod:`workers.lease`).

Any number of ``govwatch scheduler`` (or ``govwatch run``) processes may run against one Redis;
one schedules, the others stand by and take over within the lease TTL when it dies. Jobs keep
deterministic ids, so even a leadership change in the middle of a poll cannot run a crawl twice.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime

import redis
from apscheduler.schedulers.background import BackgroundScheduler

from govwatch.settings import Settings, reload_if_changed
from govwatch.storage import Store
from workers.lease import LEASE_TTL, Lease
from workers.schedule import build_scheduler

logger = logging.getLogger(__name__)


class LeaderScheduler:
    def __init__(self, settings: Settings, conn: redis.Redis, store: Store, *, ttl: float = LEASE_TTL) -> None:
        self.settings, self.conn, self.store = settings, conn, store
        self.lease = Lease(conn, ttl=ttl)
        self.sched: BackgroundScheduler | None = None

    @property
    def leading(self) -> bool:
        return self.sched is not None

    def reload(self) -> None:
        """Re-read govwatch.yaml if it changed, and reschedule the sites (added, paused, new intervals)."""
        new = reload_if_changed(self.settings)
        if new is None:
            return
        logger.info("scheduler: configuration reloaded, %d site(s)", len(new.sites))
        self.settings = new
        self.store.sync_sites((s.id, s.region, s.name) for s in new.sites)
        self.store.subscribers.sync_config(new.subscribers, datetime.now(UTC))
        if self.leading:
            previous = getattr(self.sched, "govwatch_planner", None)
            # wait for a running planner tick: one finishing after the new plan adopted the old poll times
            # would poll its sites once more (and made test_reload flaky)
            self._stop_scheduling(wait=True)
            self.sched = build_scheduler(self.settings, self.conn, self.store, previous=previous)
            self.sched.start()

    def tick(self) -> None:
        """Take, keep or lose the lease; start or stop scheduling accordingly. Call every ttl/3."""
        self.reload()
        try:
            held = self.lease.renew() if self.leading else self.lease.acquire()
        except redis.RedisError as e:
            logger.error("scheduler lease: Redis unreachable (%s)", e)
            held = False
        if held and not self.leading:
            logger.info("scheduler %s: leading (lease %s, %.0fs)", self.lease.owner, self.lease.key, self.lease.ttl)
            self.sched = build_scheduler(self.settings, self.conn, self.store)
            self.sched.start()
        elif not held and self.leading:
            logger.warning("scheduler %s: lost the lease; standing by", self.lease.owner)
            self._stop_scheduling()

    def _stop_scheduling(self, wait: bool = False) -> None:
        if self.sched is not None:
            self.sched.shutdown(wait=wait)
            self.sched = None

    def run(self, stop: threading.Event) -> None:
        """Lead or stand by until ``stop`` is set; then give the lease up at once."""
        logger.info("scheduler %s: starting (stands by while another one leads)", self.lease.owner)
        while True:
            self.tick()
            if stop.wait(self.lease.ttl / 3):
                break
        self.close()

    def close(self) -> None:
        leading = self.leading
        self._stop_scheduling()
        try:
            if leading and self.lease.release():
                logger.info("scheduler %s: lease released", self.lease.owner)
        except redis.RedisError:
            pass  # Redis gone: the lease expires by itself
