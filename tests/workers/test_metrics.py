"""Prometheus metrics gathered from what the jobs recorded in Redis and from the queues and outbox."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, generate_latest

from govwatch.metrics import GovwatchCollector
from workers.queues import enqueue_crawl


def scrape(m) -> str:
    registry = CollectorRegistry()
    registry.register(GovwatchCollector(m.conn, m.store))
    return generate_latest(registry).decode()


def test_metrics_after_a_new_release(monitor_with) -> None:
    m = monitor_with(subscribers=[{"id": "hook", "webhook": "receiver"}], initially=(3, 1))
    enqueue_crawl(m.conn, "zaozhuang-sfj")
    m.drain()
    m.trs.publish_next()
    enqueue_crawl(m.conn, "zaozhuang-sfj")
    m.drain()
    text = scrape(m)
    assert 'govwatch_deliveries_total{channel="webhook",result="sent"} 1.0' in text
    assert 'govwatch_events_total{type="release.new"} 1.0' in text
    assert 'govwatch_facts_extracted_total{kind="metric"}' in text
    assert 'govwatch_job_duration_seconds_count{job="process_article"} 4.0' in text  # 3 baseline + 1 new
    assert 'govwatch_queue_jobs{queue="deliver",state="queued"} 0.0' in text
    assert 'govwatch_deliveries{status="sent"} 1.0' in text
    assert 'govwatch_crawls_total{result="ok",site="zaozhuang-sfj"} 2.0' in text
    assert 'govwatch_articles_discovered_total{site="zaozhuang-sfj"} 4.0' in text  # 3 baseline + 1 new
    assert 'govwatch_job_duration_seconds_count{job="crawl_site"} 2.0' in text
