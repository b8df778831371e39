"""The whole monitor as a user runs it: `govwatch run` in a subprocess, with its workers and Redis.

Sample sites in two CMS styles, a webhook receiver and an SMTP server run on loopback; articles are
published while the monitor runs and while it is stopped. Asserts: one alert per new article per
subscriber, none for the back catalogue, none repeated after a restart, a valid signature on each;
and a worker killed mid-delivery costs nothing: the alert arrives, under one webhook-id.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from rq import Worker

from alerts.signing import verify
from govwatch.demo_sites import HanwebSite, TrsSite, load_releases
from govwatch.embedded_redis import EmbeddedRedis
from govwatch.loopback import SMTPCatcher, WebhookReceiver
from govwatch.storage import Store

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def baseline_done(store: Store) -> bool:
    return all(store.site_state(s).get("baseline_done") for s in ("zaozhuang-sfj", "huangshi-sfj"))


def wait_until(cond: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def start(cfg: Path, data: Path, env: dict[str, str], workers: int = 2) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "govwatch",
            "--config",
            str(cfg),
            "--data-dir",
            str(data),
            "run",
            "--workers",
            str(workers),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def stop(proc: subprocess.Popen[bytes]) -> str:
    proc.send_signal(signal.SIGINT)  # what Ctrl-C does
    out, _ = proc.communicate(timeout=60)
    text = out.decode("utf-8", "replace")
    assert proc.returncode == 0, text
    return text


@pytest.fixture
def run_env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVWATCH_")}
    env["GOVWATCH_DATABASE_URL"] = database_url
    env["GOVWATCH_LOG_LEVEL"] = "INFO"
    test_redis = os.environ.get("GOVWATCH_TEST_REDIS_URL")
    if test_redis:  # CI: a real Redis service; otherwise the monitor starts its embedded one
        redis.Redis.from_url(test_redis).flushdb()
        env["GOVWATCH_REDIS_URL"] = test_redis
    return env


def write_config(path: Path, trs: TrsSite, hanweb: HanwebSite, receiver: WebhookReceiver, smtp: SMTPCatcher) -> None:
    import yaml

    from govwatch.demo import demo_config

    cfg = demo_config(trs, hanweb, receiver, smtp, SECRET)
    for site in cfg["sites"]:
        site["interval"] = "1s"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")


def check_webhooks(receiver: WebhookReceiver, titles: list[str]) -> None:
    got = []
    for req in receiver.requests:
        verify(SECRET, req.headers, req.body)
        body = json.loads(req.body)
        assert body["type"] == "release.new"
        got.append(body["data"]["article"]["title"])
    assert sorted(got) == sorted(titles)
    ids = [r.headers["webhook-id"] for r in receiver.requests]
    assert len(set(ids)) == len(ids)


@dataclass
class Setup:
    """Sample sites, receivers and a config, around a monitor started with :meth:`start`."""

    trs: TrsSite
    hanweb: HanwebSite
    receiver: WebhookReceiver
    smtp: SMTPCatcher
    store: Store
    cfg: Path
    data: Path
    env: dict[str, str]

    def start(self, workers: int = 2) -> subprocess.Popen[bytes]:
        return start(self.cfg, self.data, self.env, workers=workers)


@pytest.fixture
def setup(tmp_path: Path, database_url: str, run_env: dict[str, str]) -> Iterator[Setup]:
    releases = load_releases()
    with (
        TrsSite(releases["trs"], initially=3) as trs,
        HanwebSite(releases["hanweb"], initially=2) as hanweb,
        WebhookReceiver() as receiver,
        SMTPCatcher() as smtp,
    ):
        cfg = tmp_path / "govwatch.yaml"
        write_config(cfg, trs, hanweb, receiver, smtp)
        store = Store.connect(database_url)
        store.create_all()  # the monitor creates the same tables; we poll them from the start
        yield Setup(trs, hanweb, receiver, smtp, store, cfg, tmp_path / "data", run_env)
        store.close()


@pytest.mark.timeout(240)
def test_monitor_end_to_end(setup: Setup) -> None:
    trs, hanweb, receiver, smtp, store = setup.trs, setup.hanweb, setup.receiver, setup.smtp, setup.store
    proc = setup.start()
    try:
        wait_until(lambda: baseline_done(store), 60, "the first crawl of both sites")
        wait_until(
            lambda: len(store.recent_articles(50)) == 5 and all(a["status"] == "ok" for a in store.recent_articles(50)),
            60,
            "back catalogue parsed",
        )
        time.sleep(2)  # a few more polls: still nothing may be sent
        assert receiver.requests == [] and smtp.messages == []

        published = [trs.publish_next(), hanweb.publish_next()]
        receiver.wait_for(2, timeout=60)
        smtp.wait_for(3, timeout=60)  # analyst: both; the 枣庄市 desk: one
    finally:
        log = stop(proc)
    assert "Traceback" not in log, log

    # published while the monitor is down: alerted once after the restart, nothing else repeated
    published.append(trs.publish_next())
    proc = setup.start()
    try:
        receiver.wait_for(3, timeout=60)
        smtp.wait_for(5, timeout=60)
        time.sleep(3)  # several more polls
    finally:
        log = stop(proc)
    assert "Traceback" not in log, log

    check_webhooks(receiver, [r.title for r in published])
    to = sorted(m["To"] for m in smtp.messages)
    assert to == ["analyst@example.org"] * 3 + ["desk@example.org"] * 2
    assert all(m["Subject"].startswith("[govwatch]") for m in smtp.messages)


@pytest.mark.timeout(180)
def test_worker_killed_mid_delivery(setup: Setup) -> None:
    trs, receiver, store, run_env = setup.trs, setup.receiver, setup.store, setup.env
    proc = setup.start(workers=1)
    try:
        wait_until(lambda: baseline_done(store), 60, "the first crawl")
        receiver.delay = 30.0  # the receiver takes the request and keeps the worker waiting
        trs.publish_next()
        receiver.wait_for(1, timeout=60)
        url = run_env.get("GOVWATCH_REDIS_URL") or EmbeddedRedis(setup.data).url
        [worker] = Worker.all(connection=redis.Redis.from_url(url))
        receiver.delay = 0.0
        os.killpg(worker.pid, signal.SIGKILL)  # the worker and its scheduler, mid-delivery
        receiver.wait_for(2, timeout=60)
        wait_until(lambda: {r["status"] for r in store.outbox.listing()} == {"sent"}, 30, "delivery recorded")
        time.sleep(2)
    finally:
        log = stop(proc)
    assert "requeued job deliver-" in log, log
    ids = {r.headers["webhook-id"] for r in receiver.requests}
    assert len(ids) == 1 and len(receiver.requests) == 2  # sent again after the kill, under the same id
