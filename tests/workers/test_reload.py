"""An edited govwatch.yaml reaches running workers and the scheduler without a restart."""

from __future__ import annotations

import os

import yaml

from workers import runtime
from workers.leader import LeaderScheduler


def edit(path, change) -> None:
    cfg = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(cfg)
    stat = path.stat()
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    os.utime(path, (stat.st_atime, stat.st_mtime + 5))  # a later modification time, however fast the test


def test_workers_and_scheduler_pick_up_an_edited_config(monitor_with) -> None:
    m = monitor_with()
    leader = LeaderScheduler(m.settings, m.conn, m.store, ttl=3)
    leader.tick()
    assert leader.leading
    extra = {"id": "extra", "region": "黄石市", "list_urls": ["http://127.0.0.1:9/x/index.html"]}
    edit(m.config_path, lambda cfg: cfg["sites"].append(extra))
    runtime.get()._checked = 0.0  # do not wait for the next look
    assert "extra" in {s.id for s in runtime.get().settings.sites}
    previous = leader.sched.govwatch_planner
    leader.tick()
    assert "extra" in {s.id for s in leader.settings.sites} and leader.leading
    after = leader.sched.govwatch_planner.next_due
    assert all(after[sid] == when for sid, when in previous.next_due.items())  # a reload is not a poll
    assert "extra" in after
    assert "extra" in {r["id"] for r in m.store.site_summaries()}
    # a broken edit is reported and ignored: the last good settings stay
    m.config_path.write_text("sites: [\n", encoding="utf-8")
    os.utime(m.config_path, (0, m.config_path.stat().st_mtime + 10))
    runtime.get()._checked = 0.0
    assert "extra" in {s.id for s in runtime.get().settings.sites}
    leader.close()
    assert not leader.leading and leader.lease.holder() is None
