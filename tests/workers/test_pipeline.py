"""The pipeline's jobs run against real loopback sites, a real Redis, a real SMTP server and receiver."""

from __future__ import annotations

import json

from alerts.signing import verify
from workers import runtime
from workers.crawl import crawl_site
from workers.queues import enqueue_article, enqueue_crawl


def crawl_all(m) -> None:
    for site in m.settings.sites:
        enqueue_crawl(m.conn, site.id)
    m.drain()


def test_first_crawl_is_silent_baseline(monitor) -> None:
    crawl_all(monitor)
    rows = monitor.store.site_summaries()
    assert {r["id"]: r["articles"] for r in rows} == {"huangshi-sfj": 2, "zaozhuang-sfj": 3}
    assert all(r["baseline_done"] and r["last_result"] == "ok" for r in rows)
    assert monitor.receiver.requests == [] and monitor.smtp.messages == []
    # the back catalogue is parsed and stored for history all the same
    stored = monitor.store.recent_articles()
    assert {a["status"] for a in stored} == {"ok"}
    titles = {a["title"] for a in stored}
    assert "枣庄市印发《枣庄市行政规范性文件管理办法》" in titles  # full title, not the cut list title


def test_new_article_alerts_each_subscriber_once(monitor) -> None:
    crawl_all(monitor)
    trs_new = monitor.trs.publish_next()
    hanweb_new = monitor.hanweb.publish_next()
    crawl_all(monitor)
    hooks = monitor.receiver.wait_for(2, timeout=5)
    assert len(hooks) == 2
    bodies = {json.loads(h.body)["data"]["article"]["title"]: h for h in hooks}
    assert set(bodies) == {trs_new.title, hanweb_new.title}
    for h in hooks:
        verify(monitor.secret, h.headers, h.body)
        body = json.loads(h.body)
        assert body["type"] == "release.new"
        assert body["data"]["article"]["url"].startswith("http://127.0.0.1:")
    trs_body = json.loads(bodies[trs_new.title].body)["data"]
    assert trs_body["article"]["region"] == "枣庄市"
    assert any(m["unit"] == "户" and m["value"] == 64300 for m in trs_body["metrics"]), trs_body["metrics"]
    # analyst gets both; the 枣庄市 desk only the 枣庄 release
    mails = monitor.smtp.wait_for(3, timeout=5)
    to = sorted((m["To"], "枣庄" in m["Subject"]) for m in mails)
    assert to == [("analyst@example.org", False), ("analyst@example.org", True), ("desk@example.org", True)]
    # polling again finds nothing new and sends nothing
    crawl_all(monitor)
    assert len(monitor.receiver.requests) == 2 and len(monitor.smtp.messages) == 3


def test_recrawl_reprocesses_without_a_second_alert(monitor) -> None:
    crawl_all(monitor)
    rel = monitor.trs.publish_next()
    crawl_all(monitor)
    assert len(monitor.receiver.wait_for(1, timeout=5)) == 1
    row = monitor.store.article_by_url(monitor.trs.article_url(rel))
    first_processed = row["processed_at"]
    assert enqueue_article(monitor.conn, row["id"], force=True)
    monitor.drain()
    again = monitor.store.article(row["id"])
    assert again["processed_at"] > first_processed
    assert len(monitor.receiver.requests) == 1


def test_bad_list_pages_are_recorded_not_fatal(monitor) -> None:
    crawl_all(monitor)
    site = monitor.trs.server
    cases = [
        (dict(status=404, body="<html><body>页面不存在</body></html>"), "HTTP 404"),
        (dict(body=b"\x89PNG\r\n\x1a\n", content_type="image/png"), "not an HTML page"),
        (dict(body=""), "no article links found"),
    ]
    for response, message in cases:
        site.set(monitor.trs.list_path, **response)
        result = crawl_site("zaozhuang-sfj", force=True)
        state = monitor.store.site_state("zaozhuang-sfj")
        assert state["last_result"] == "error", (response, state)
        assert state["last_error"] and message in state["last_error"]
        assert "zaozhuang-sfj" == result["site"]
    # an unreachable site
    monitor.hanweb.stop()
    crawl_site("huangshi-sfj", force=True)
    state = monitor.store.site_state("huangshi-sfj")
    assert state["last_result"] == "error" and "unreachable" in state["last_error"].lower()


def test_jobs_reuse_the_worker_process_resources(monitor, monkeypatch) -> None:
    """jieba and the rule tables are loaded at worker start (runtime.init), never inside a job."""
    import jieba

    assert jieba.dt.initialized
    loads = []
    monkeypatch.setattr(jieba.Tokenizer, "initialize", lambda self, *a, **k: loads.append(1))
    fetchers_before = dict(runtime.get()._fetchers)
    crawl_all(monitor)  # crawls and parses five articles in this process
    assert loads == []
    assert set(runtime.get()._fetchers) == {"zaozhuang-sfj", "huangshi-sfj"}  # one HTTP client per site, kept
    assert fetchers_before == {}


def test_a_list_read_for_the_first_time_is_back_catalogue(monitor) -> None:
    """A list that failed on the first crawl (or was added later) does not alert its old articles."""
    import os

    import yaml

    cfg = yaml.safe_load(monitor.config_path.read_text(encoding="utf-8"))
    cfg["sites"][0]["list_urls"].append(monitor.hanweb.list_url)  # zaozhuang-sfj reads two lists
    monitor.config_path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    os.utime(monitor.config_path, (0, monitor.config_path.stat().st_mtime + 5))
    runtime.get()._checked = 0.0  # pick the edit up now
    monitor.hanweb.server.set(monitor.hanweb.list_path, "<html><body>维护中</body></html>", status=503)
    enqueue_crawl(monitor.conn, "zaozhuang-sfj")
    monitor.drain()
    assert monitor.store.site_state("zaozhuang-sfj")["last_result"] == "partial"
    monitor.hanweb._render_list()  # the second list is back, with its two old articles
    enqueue_crawl(monitor.conn, "zaozhuang-sfj")
    monitor.drain()
    assert monitor.receiver.requests == []
    rel = monitor.hanweb.publish_next()
    enqueue_crawl(monitor.conn, "zaozhuang-sfj")
    monitor.drain()
    [hook] = monitor.receiver.wait_for(1, timeout=5)
    assert json.loads(hook.body)["data"]["article"]["title"] == rel.title
