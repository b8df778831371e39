"""Per-process resources for jobs: settings, the store, Redis, fetchers and channels.

A worker process calls :func:`init` once at start (loading jieba and the rule tables too, so no
job pays for them); jobs call :func:`get`. Fetchers are kept per site so cookies and robots.txt
last across jobs; they all share one ``RedisHostGate``, so per-host concurrency, the pause between
requests and Retry-After hold across every worker process.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import redis

from crawler.fetch import Fetcher
from crawler.politeness import HostGate
from govwatch.channels import make_channel
from govwatch.netguard import guard_crawl_redirect
from govwatch.settings import Settings, SiteConfig, reload_if_changed
from govwatch.storage import Store
from govwatch.subscribers import Subscriber
from workers.hostgate import RedisHostGate

logger = logging.getLogger(__name__)

CONFIG_CHECK_EVERY = 5.0
"""Seconds between two looks at govwatch.yaml's modification time."""

SUBSCRIBERS_TTL = 5.0
"""Seconds a worker trusts its copy of the subscriber list (CLI changes show up this fast)."""


@dataclass
class Runtime:
    settings: Settings
    store: Store
    redis: redis.Redis
    gate: HostGate | None = None
    fetch_options: dict[str, Any] = field(default_factory=dict)
    """Extra ``Fetcher`` keyword arguments for every site (tests shorten deadlines with it)."""
    _fetchers: dict[str, Fetcher] = field(default_factory=dict)
    _channels: dict[str, Any] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _subscribers: tuple[float, list[Subscriber]] = (0.0, [])

    _checked: float = 0.0

    def refresh(self) -> None:
        """Pick up an edited govwatch.yaml (checked at most every few seconds)."""
        if time.monotonic() - self._checked < CONFIG_CHECK_EVERY:
            return
        self._checked = time.monotonic()
        new = reload_if_changed(self.settings)
        if new is None:
            return
        logger.info("configuration %s reloaded: %d site(s)", new.config_path, len(new.sites))
        self.settings = new
        self.store.sync_sites((s.id, s.region, s.name) for s in new.sites)
        with self._lock:
            for f in self._fetchers.values():
                f.close()
            self._fetchers.clear()  # site options (delays, user agents…) may have changed
            self._channels.clear()  # SMTP settings may have changed

    def subscribers(self) -> list[Subscriber]:
        """Subscribers from the database, re-read every few seconds (the CLI may add or pause one)."""
        stamp, subs = self._subscribers
        if time.monotonic() - stamp > SUBSCRIBERS_TTL:
            subs = self.store.subscribers.all()
            self._subscribers = (time.monotonic(), subs)
        return subs

    def fetcher(self, site: SiteConfig) -> Fetcher:
        with self._lock:
            f = self._fetchers.get(site.id)
            if f is None:
                f = Fetcher(
                    user_agent=site.user_agent or self.settings.user_agent,
                    min_delay=site.min_delay,
                    concurrency=site.concurrency,
                    tls_fallback=site.tls_fallback,
                    gate=self.gate,
                    redirect_guard=None if self.settings.allow_private_targets else guard_crawl_redirect,
                    **self.fetch_options,
                )
                self._fetchers[site.id] = f
            return f

    def channel(self, name: str) -> Any:
        with self._lock:
            ch = self._channels.get(name)
            if ch is None:
                ch = self._channels[name] = make_channel(name, self.settings)
            return ch

    def close(self) -> None:
        for f in self._fetchers.values():
            f.close()
        for ch in self._channels.values():
            getattr(ch, "close", lambda: None)()
        self.store.close()


_runtime: Runtime | None = None


def init(settings: Settings, redis_conn: redis.Redis, *, preload_rules: bool = True) -> Runtime:
    """Set up this process's resources; call once at worker start (tests call it per test)."""
    global _runtime
    if _runtime is not None:
        _runtime.close()
    if preload_rules:
        from rules.extract import preload

        preload()
    store = Store.connect(settings.database_url)
    store.create_all()
    store.sync_sites((s.id, s.region, s.name) for s in settings.sites)
    store.subscribers.sync_config(settings.subscribers, datetime.now(UTC))
    _runtime = Runtime(settings=settings, store=store, redis=redis_conn, gate=RedisHostGate(redis_conn))
    return _runtime


def get() -> Runtime:
    if _runtime is None:
        raise RuntimeError("workers.runtime.init() was not called in this process")
    _runtime.refresh()
    return _runtime


def reset() -> None:
    global _runtime
    if _runtime is not None:
        _runtime.close()
    _runtime = None
