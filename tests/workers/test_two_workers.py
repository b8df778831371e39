"""Two worker processes on one queue: every job runs once, and both share the work."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from govwatch.storage import NewDelivery, NewEvent
from workers.queues import enqueue_delivery


@pytest.mark.timeout(120)
def test_two_workers_share_a_queue_and_run_each_job_once(monitor_with, redis_url: str, database_url: str) -> None:
    m = monitor_with(subscribers=[{"id": "hook", "webhook": "receiver"}])
    m.receiver.delay = 0.05  # each delivery takes a moment, so both workers get some
    [aid] = m.store.add_articles("zaozhuang-sfj", "枣庄市", [type("R", (), {"url": "http://a/1.html", "title": "t",
                                                                           "published": None})()], silent=False)
    events = [NewEvent(id=f"evt_{n}", type="release.new", region="枣庄市",
                       data={"article": {"url": "http://a/1.html", "title": f"第{n}条", "region": "枣庄市"},
                             "metrics": [], "initiatives": []},
                       deliveries=(NewDelivery("hook", "webhook", m.receiver.url),)) for n in range(40)]
    ids = m.store.save_processed(aid, fields={"content_hash": "h"}, fact_rows=[], new_events=events)
    for did in ids:
        enqueue_delivery(m.conn, did)
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVWATCH_")}
    env.update(GOVWATCH_REDIS_URL=redis_url, GOVWATCH_DATABASE_URL=database_url, GOVWATCH_LOG_LEVEL="INFO")
    cmd = [sys.executable, "-m", "govwatch", "--config", str(m.config_path), "--data-dir", str(m.config_path.parent),
           "worker", "--queues", "deliver", "--burst"]
    procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for _ in range(2)]
    logs = [p.communicate(timeout=100)[0].decode() for p in procs]
    assert all(p.returncode == 0 for p in procs), logs
    got = [r.headers["webhook-id"] for r in m.receiver.requests]
    assert sorted(got) == sorted(ids)  # each delivery exactly once
    per_worker = [log.count("delivered release.new") for log in logs]
    assert sum(per_worker) == 40 and all(n > 0 for n in per_worker), per_worker
    assert {r["status"] for r in m.store.outbox.listing(limit=100)} == {"sent"}
