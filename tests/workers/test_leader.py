"""Exactly one active scheduler: the Redis lease, and two real `govwatch scheduler` processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
import yaml

from workers.lease import Lease
from workers.queues import CRAWL, queue


def test_lease_is_exclusive_and_only_its_holder_renews_or_releases(redis_conn: redis.Redis) -> None:
    a, b = Lease(redis_conn, ttl=0.5, owner="a"), Lease(redis_conn, ttl=0.5, owner="b")
    assert a.acquire() and not b.acquire()
    assert not b.renew() and not b.release()  # compare-and-expire, compare-and-delete
    assert a.renew() and a.holder() == "a"
    time.sleep(0.7)  # a stops renewing (killed): the lease lapses
    assert b.acquire() and b.holder() == "b"
    assert not a.renew()  # the old holder cannot take it back by renewing
    assert b.release() and a.holder() is None


def queued_sites(conn: redis.Redis) -> list[str]:
    """Every site a queued crawl job will crawl (single-site and batch jobs), with repeats."""
    from rq.job import Job

    sites: list[str] = []
    for jid in queue(conn, CRAWL).job_ids:
        arg = Job.fetch(jid, connection=conn).args[0]
        sites += [arg] if isinstance(arg, str) else list(arg)
    return sorted(sites)


def wait_until(cond, timeout: float) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def start_scheduler(cfg: Path, data: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "govwatch", "--config", str(cfg), "--data-dir", str(data),
                             "scheduler"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)


def wait_for_leader(conn: redis.Redis, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        holder = conn.get("govwatch:scheduler:lease")
        if holder:
            return holder.decode()
        time.sleep(0.1)
    raise AssertionError("no scheduler took the lease")


@pytest.mark.timeout(120)
def test_two_schedulers_one_leads_the_other_takes_over(tmp_path: Path, redis_url: str,
                                                       redis_conn: redis.Redis) -> None:
    cfg = tmp_path / "govwatch.yaml"
    sites = [{"id": f"s{n}", "region": "枣庄市", "list_urls": [f"http://127.0.0.1:9/{n}/index.html"],
              "interval": "1s"} for n in range(3)]
    cfg.write_text(yaml.safe_dump({"sites": sites, "scheduler": {"lease_ttl": 2}}), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVWATCH_")}
    env.update(GOVWATCH_REDIS_URL=redis_url, GOVWATCH_DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
               GOVWATCH_LOG_LEVEL="INFO")
    first = start_scheduler(cfg, tmp_path / "d1", env)
    time.sleep(1.5)  # the first one leads before the second starts
    second = start_scheduler(cfg, tmp_path / "d2", env)
    procs = {p.pid: p for p in (first, second)}
    try:
        leader_id = wait_for_leader(redis_conn, 20)
        crawl = queue(redis_conn, CRAWL)
        wait_until(lambda: queued_sites(redis_conn) == ["s0", "s1", "s2"], 15)  # first polls are spread out
        time.sleep(3)  # several more polls of every site
        # no worker runs: each site has exactly one crawl queued however many polls passed
        assert queued_sites(redis_conn) == ["s0", "s1", "s2"]
        leader = next(p for pid, p in procs.items() if f":{pid}:" in leader_id)
        standby = next(p for p in procs.values() if p is not leader)
        os.killpg(leader.pid, signal.SIGKILL)  # no chance to release the lease
        leader.wait()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            holder = (redis_conn.get("govwatch:scheduler:lease") or b"").decode()
            if f":{standby.pid}:" in holder:
                break
            time.sleep(0.1)
        else:
            raise AssertionError("the standby did not take over")
        time.sleep(2.5)  # the new leader polls: the crawls already queued are not queued again
        assert queued_sites(redis_conn) == ["s0", "s1", "s2"]
        crawl.empty()  # as if they had run: crawls continue, one per site
        wait_until(lambda: queued_sites(redis_conn) == ["s0", "s1", "s2"], 15)
        time.sleep(2)
        assert queued_sites(redis_conn) == ["s0", "s1", "s2"]
        standby.send_signal(signal.SIGINT)
        out, _ = standby.communicate(timeout=30)
        log = out.decode()
        assert standby.returncode == 0, log
        assert "leading" in log and "lease released" in log, log
        assert redis_conn.get("govwatch:scheduler:lease") is None
    finally:
        for p in procs.values():
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
