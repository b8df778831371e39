"""Which subscribers hear about an event, on which channels, now or in their digest.

A subscriber's filters must all pass: event type, regions (a city covers its districts and
counties: 枣庄市 covers 峄城区, through the gazetteer in ``rules.region``), keywords (in the
title, facts or body), indicator names (canonical: 出庭率 matches 行政机关负责人出庭应诉率) and
thresholds (出庭应诉率 below 100). Paused subscribers get nothing; a digest subscriber's
deliveries are held until its digest time.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from govwatch.storage import NewDelivery
from govwatch.subscribers import Subscriber
from rules.canonical import canonical_indicator
from rules.region import covers
from workers.diff import Event


def _region_ok(sub: Subscriber, region: str | None) -> bool:
    if not sub.regions:
        return True
    return bool(region) and any(r == region or covers(r, region) for r in sub.regions)


def _metrics(event: Event) -> list[dict[str, Any]]:
    if event.metric is not None:
        return [event.metric]
    if event.type == "release.new":
        return list(event.data.get("metrics", []))
    return []


def _indicators_ok(sub: Subscriber, event: Event) -> bool:
    if not sub.indicators:
        return True
    wanted = {canonical_indicator(i) for i in sub.indicators}
    return any(canonical_indicator(m["indicator"]) in wanted for m in _metrics(event))


def _thresholds_ok(sub: Subscriber, event: Event) -> bool:
    if not sub.thresholds or event.type not in ("release.new", "metric.new", "metric.changed"):
        return True
    for m in _metrics(event):
        name = canonical_indicator(m["indicator"])
        for t in sub.thresholds:
            if canonical_indicator(t.indicator) == name and t.passes(float(m["value"])):
                return True
    return False


def _keywords_ok(sub: Subscriber, event: Event, text: str) -> bool:
    if not sub.keywords:
        return True
    facts = " ".join(m.get("indicator", "") + m.get("text", "") for m in _metrics(event))
    if event.initiative:
        facts += event.initiative["name"]
    haystack = f"{event.data.get('article', {}).get('title', '')} {facts} {text}"
    return any(k in haystack for k in sub.keywords)


def wants(sub: Subscriber, event: Event, region: str | None, text: str = "") -> bool:
    """True when every filter of ``sub`` lets ``event`` through."""
    return (
        not sub.paused
        and event.type in sub.events
        and _region_ok(sub, region)
        and _indicators_ok(sub, event)
        and _thresholds_ok(sub, event)
        and _keywords_ok(sub, event, text)
    )


def route(
    subscribers: Iterable[Subscriber], event: Event, region: str | None, text: str = ""
) -> tuple[NewDelivery, ...]:
    """One delivery per matching subscriber and channel; held for digest subscribers."""
    out = []
    for sub in subscribers:
        if wants(sub, event, region, text):
            status = "held" if sub.digest else "pending"
            out += [NewDelivery(sub.id, channel, target, status) for channel, target in sub.channels()]
    return tuple(out)
