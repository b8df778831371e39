"""The crawl planner: due sites go out in batch jobs; a site still being crawled skips a poll."""

from __future__ import annotations

from rq import Queue, SimpleWorker
from rq.job import Job

from govwatch.loopback import SiteServer
from workers.queues import CRAWL
from workers.schedule import CrawlPlanner, enqueue_due


def test_due_sites_are_enqueued_in_batches_and_busy_ones_skip(redis_conn) -> None:
    planner = CrawlPlanner([(f"site-{n:03d}", 600.0) for n in range(120)], now=0.0, spread=0.0)
    jobs = enqueue_due(redis_conn, planner, now=1.0, batch=50)
    sizes = [len(Job.fetch(j, connection=redis_conn).args[0]) for j in jobs]
    assert sizes == [50, 50, 20]
    assert Queue(CRAWL, connection=redis_conn).count == 3
    assert enqueue_due(redis_conn, planner, now=2.0) == []  # nothing due yet
    assert enqueue_due(redis_conn, planner, now=700.0) == []  # due, but the last batches are still queued
    Job.fetch(jobs[0], connection=redis_conn).delete(remove_from_queue=True)  # that batch finished
    again = enqueue_due(redis_conn, planner, now=1400.0, batch=50)
    assert [len(Job.fetch(j, connection=redis_conn).args[0]) for j in again] == [50]


def test_batch_job_crawls_each_site(crawl_env, redis_conn) -> None:
    with SiteServer() as site:
        items = "".join(f'<li><a href="./202611/t2026112{n}_{n}.html">第{n}号法治政府建设工作情况通报</a>'
                        f'<span>2026-11-2{n}</span></li>' for n in range(1, 4))
        site.set("/a/index.html", f"<ul>{items}</ul>")
        site.set("/b/index.html", f"<ul>{items}</ul>")
        rt = crawl_env.start({"id": "a", "region": "x", "list_urls": [site.url("/a/index.html")]},
                             {"id": "b", "region": "x", "list_urls": [site.url("/b/index.html")]})
        planner = CrawlPlanner([("a", 60.0), ("b", 60.0)], now=0.0, spread=0.0)
        assert len(enqueue_due(redis_conn, planner, now=1.0)) == 1
        SimpleWorker([Queue(CRAWL, connection=redis_conn)], connection=redis_conn).work(burst=True)
    assert {r["id"]: r["last_result"] for r in rt.store.site_summaries()} == {"a": "ok", "b": "ok"}


def test_a_scheduler_taking_over_does_not_queue_sites_still_queued(redis_conn) -> None:
    sites = [("a", 60.0), ("b", 60.0)]
    first = CrawlPlanner(sites, now=0.0, spread=0.0)
    assert len(enqueue_due(redis_conn, first, now=1.0)) == 1
    successor = CrawlPlanner(sites, now=0.0, spread=0.0)  # a new leader, with nothing in memory
    assert enqueue_due(redis_conn, successor, now=1.0) == []
    assert Queue(CRAWL, connection=redis_conn).count == 1
