"""Prometheus metrics for the whole system, gathered at scrape time.

Counters come from Redis (:mod:`workers.metrics`: crawls by site and result, articles found,
facts extracted, events, deliveries by channel and result, job durations); gauges are read then:
queue lengths, failed jobs, deliveries by status. Served by ``govwatch api`` at ``/metrics`` and
by ``govwatch run --metrics-port N``.

Example::

    registry = CollectorRegistry()
    registry.register(GovwatchCollector(conn, store))
    generate_latest(registry)   # text exposition format
"""

from __future__ import annotations

from collections.abc import Iterator

import redis
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, SummaryMetricFamily
from prometheus_client.registry import Collector

from govwatch.storage import Store
from workers import metrics as recorded
from workers.queues import queue_lengths

COUNTERS = {
    "crawls_total": ("Site crawls by result (ok, unchanged, partial, error, blocked)", ["site", "result"]),
    "articles_discovered_total": ("New article links found on list pages", ["site"]),
    "facts_extracted_total": ("Facts extracted from stored articles", ["kind"]),
    "events_total": ("Events detected (release.new, metric.changed…)", ["type"]),
    "deliveries_total": ("Delivery attempts by channel and result (sent, retry, failed)", ["channel", "result"]),
}


class GovwatchCollector(Collector):
    def __init__(self, conn: redis.Redis, store: Store | None = None) -> None:
        self.conn, self.store = conn, store

    def collect(self) -> Iterator[CounterMetricFamily | GaugeMetricFamily | SummaryMetricFamily]:
        for name, (doc, labels) in COUNTERS.items():
            family = CounterMetricFamily(f"govwatch_{name.removesuffix('_total')}", doc, labels=labels)
            for values, value in recorded.read(self.conn, name):
                family.add_metric([values.get(label, "") for label in labels], value)
            yield family
        yield self._durations()
        yield from self._queues()
        if self.store is not None:
            deliveries = GaugeMetricFamily("govwatch_deliveries", "Deliveries in the outbox by status",
                                           labels=["status"])
            for status, n in self.store.outbox.counts().items():
                deliveries.add_metric([status], n)
            yield deliveries

    def _durations(self) -> SummaryMetricFamily:
        family = SummaryMetricFamily("govwatch_job_duration_seconds", "Time spent in jobs", labels=["job"])
        sums = {v["job"]: s for v, s in recorded.read(self.conn, "job_duration_seconds_sum")}
        for labels, n in recorded.read(self.conn, "job_duration_seconds_count"):
            family.add_metric([labels["job"]], count_value=n, sum_value=sums.get(labels["job"], 0.0))
        return family

    def _queues(self) -> Iterator[GaugeMetricFamily]:
        queued = GaugeMetricFamily("govwatch_queue_jobs", "Jobs per queue and state", labels=["queue", "state"])
        for name, states in queue_lengths(self.conn).items():
            for state, n in states.items():
                queued.add_metric([name, state], n)
        yield queued
