"""A configured monitor against sample sites, receivers and a real Redis, for pipeline tests."""

from __future__ import annotations

import base64
import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
import yaml
from rq import Queue, SimpleWorker

from govwatch.demo import demo_config
from govwatch.demo_sites import HanwebSite, TrsSite, load_releases
from govwatch.loopback import SMTPCatcher, WebhookReceiver
from govwatch.settings import Settings, load_settings
from workers import runtime
from workers.queues import ALL_QUEUES, release_due_jobs

SECRET = "whsec_" + base64.b64encode(b"govwatch-test-secret-key-000000").decode()


@dataclass
class Monitor:
    settings: Settings
    conn: redis.Redis
    trs: TrsSite
    hanweb: HanwebSite
    receiver: WebhookReceiver
    smtp: SMTPCatcher
    config_path: Path
    secret: str = SECRET

    def drain(self) -> None:
        """Run every queued job (and the jobs they enqueue) to completion in this process."""
        worker = SimpleWorker([Queue(q, connection=self.conn) for q in ALL_QUEUES], connection=self.conn)
        worker.work(burst=True)

    def release_due(self) -> None:
        """Move scheduled jobs whose time has come (delivery retries) onto their queues."""
        release_due_jobs(self.conn)

    @property
    def store(self):  # noqa: ANN201
        return runtime.get().store


@pytest.fixture
def monitor_with(tmp_path: Path, redis_conn: redis.Redis, database_url: str) -> Iterator[Callable[..., Monitor]]:
    """Factory for a Monitor with chosen releases, subscribers and delivery settings."""
    stack = contextlib.ExitStack()

    def make(trs_releases: list | None = None, hanweb_releases: list | None = None, *, initially: tuple = (1, 1),
             subscribers: list[dict] | None = None, delivery: dict | None = None) -> Monitor:
        releases = load_releases()
        trs = stack.enter_context(TrsSite(trs_releases or releases["trs"], initially=initially[0]))
        hanweb = stack.enter_context(HanwebSite(hanweb_releases or releases["hanweb"], initially=initially[1]))
        receiver, smtp = stack.enter_context(WebhookReceiver()), stack.enter_context(SMTPCatcher())
        cfg = demo_config(trs, hanweb, receiver, smtp, SECRET)
        if subscribers is not None:
            hook = {"url": receiver.url, "secret": SECRET}  # "webhook: receiver" means this test's receiver
            cfg["subscribers"] = [dict(s, webhook=hook) if s.get("webhook") == "receiver" else s for s in subscribers]
        if delivery:
            cfg["delivery"] = delivery
        path = tmp_path / "govwatch.yaml"
        path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
        settings = load_settings(path, tmp_path / "data", env={"GOVWATCH_DATABASE_URL": database_url})
        runtime.init(settings, redis_conn)
        return Monitor(settings, redis_conn, trs, hanweb, receiver, smtp, path)

    try:
        yield make
    finally:
        runtime.reset()
        stack.close()


@pytest.fixture
def monitor(monitor_with: Callable[..., Monitor]) -> Monitor:
    """The demo sites with part of their releases published, the demo's subscribers."""
    return monitor_with(initially=(3, 2))


@dataclass
class CrawlEnv:
    """A runtime for crawl-job tests: sites given as config dicts, no subscribers, real Redis and DB."""

    tmp_path: Path
    conn: redis.Redis
    database_url: str

    def start(self, *sites: dict, **fetch_options: object) -> runtime.Runtime:
        """Configure these sites (``min_delay`` 0 unless given) and init this process's runtime."""
        cfg = {"sites": [{"min_delay": 0, **s} for s in sites]}
        path = self.tmp_path / "crawl.yaml"
        path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
        settings = load_settings(path, self.tmp_path / "data", env={"GOVWATCH_DATABASE_URL": self.database_url})
        rt = runtime.init(settings, self.conn, preload_rules=False)
        rt.fetch_options.update(fetch_options)
        return rt

    def state(self, site_id: str) -> dict:
        return runtime.get().store.site_state(site_id)


@pytest.fixture
def crawl_env(tmp_path: Path, redis_conn: redis.Redis, database_url: str) -> Iterator[CrawlEnv]:
    try:
        yield CrawlEnv(tmp_path, redis_conn, database_url)
    finally:
        runtime.reset()
