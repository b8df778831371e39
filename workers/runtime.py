"""Per-process resources for jobs: settings, the store, Redis, fetchers and channels.

A worker process calls :func:`init` once at start (loading jieba and the rule tables too, so no
job pays for them); jobs call :func:`get`. Fetchers are kept per site so cookies and the
per-host delay last across jobs.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

import redis

from crawler.fetch import Fetcher
from govwatch.settings import Settings, SiteConfig
from govwatch.storage import Store

logger = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    store: Store
    redis: redis.Redis
    _fetchers: dict[str, Fetcher] = field(default_factory=dict)
    _channels: dict[str, Any] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def fetcher(self, site: SiteConfig) -> Fetcher:
        with self._lock:
            f = self._fetchers.get(site.id)
            if f is None:
                f = Fetcher(user_agent=site.user_agent or self.settings.user_agent, min_delay=site.min_delay)
                self._fetchers[site.id] = f
            return f

    def channel(self, name: str) -> Any:
        with self._lock:
            ch = self._channels.get(name)
            if ch is None:
                ch = self._channels[name] = _make_channel(name, self.settings)
            return ch

    def close(self) -> None:
        for f in self._fetchers.values():
            f.close()
        for ch in self._channels.values():
            getattr(ch, "close", lambda: None)()
        self.store.close()


def _make_channel(name: str, settings: Settings) -> Any:
    from alerts.channels.email import EmailChannel
    from alerts.channels.webhook import WebhookChannel

    if name == "email":
        s = settings.smtp
        return EmailChannel(
            host=s.host,
            port=s.port,
            sender=s.sender,
            username=s.username,
            password=s.password,
            security=s.security,
            timeout=s.timeout,
        )
    if name == "webhook":
        return WebhookChannel(user_agent=settings.user_agent)
    raise ValueError(f"unknown channel {name!r}")


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
    _runtime = Runtime(settings=settings, store=store, redis=redis_conn)
    return _runtime


def get() -> Runtime:
    if _runtime is None:
        raise RuntimeError("workers.runtime.init() was not called in this process")
    return _runtime


def reset() -> None:
    global _runtime
    if _runtime is not None:
        _runtime.close()
    _runtime = None
