"""Subscriber filters: regions (with the gazetteer), event types, keywords, indicators, thresholds."""

from __future__ import annotations

import pytest

from govwatch.subscribers import parse_subscriber
from workers.diff import Event
from workers.subscriptions import route, wants

ARTICLE = {"url": "http://sfj.example.gov.cn/a.html", "title": "峄城区2021年法治政府建设情况", "region": "峄城区"}
RATE = {"indicator": "全区行政机关负责人出庭应诉率", "value": 97, "unit": "%", "kind": "rate", "period": "2021年",
        "text": "全区行政机关负责人出庭应诉率为97%"}
NEW = Event("release.new", "e1", {"article": ARTICLE, "metrics": [RATE], "initiatives": []})
CHANGED = Event("metric.changed", "e2", {"article": ARTICLE, "metric": RATE}, metric=RATE)
INITIATIVE = Event("initiative.new", "e3", {"article": ARTICLE, "initiative": {"name": "榴乡诉递"}},
                   initiative={"name": "榴乡诉递", "kind": "program", "text": "“榴乡诉递”"})


def sub(**spec: object):
    return parse_subscriber({"id": "s", "email": "s@example.org", **spec})


@pytest.mark.parametrize("spec,event,region,expected", [
    ({}, NEW, "峄城区", True),
    ({}, CHANGED, "峄城区", False),  # default: release.new only
    ({"events": "all"}, CHANGED, "峄城区", True),
    ({"regions": ["枣庄市"]}, NEW, "峄城区", True),  # a city covers its districts
    ({"regions": ["枣庄市"]}, NEW, "黄石市", False),
    ({"regions": ["峄城区"]}, NEW, "枣庄市", False),  # a district does not cover its city
    ({"regions": ["枣庄市"]}, NEW, None, False),
    ({"keywords": ["法治政府"]}, NEW, "峄城区", True),
    ({"keywords": ["营商环境"]}, NEW, "峄城区", False),
    ({"events": ["initiative.new"], "keywords": ["榴乡"]}, INITIATIVE, "峄城区", True),
    ({"indicators": ["出庭率"]}, NEW, "峄城区", True),  # synonyms: 出庭率 is 行政机关负责人出庭应诉率
    ({"indicators": ["新登记市场主体"]}, NEW, "峄城区", False),
    ({"thresholds": [{"indicator": "出庭应诉率", "below": 100}]}, NEW, "峄城区", True),
    ({"thresholds": [{"indicator": "出庭应诉率", "below": 95}]}, NEW, "峄城区", False),
    ({"events": "all", "thresholds": [{"indicator": "出庭应诉率", "above": 96}]}, CHANGED, "峄城区", True),
    ({"events": "all", "thresholds": [{"indicator": "出庭应诉率", "below": 90}]}, INITIATIVE, "峄城区", True),
    ({"paused": True}, NEW, "峄城区", False),
])
def test_filters(spec: dict, event: Event, region: str | None, expected: bool) -> None:
    assert wants(sub(**spec), event, region) is expected


def test_keyword_in_body_text() -> None:
    assert wants(sub(keywords=["复议"]), NEW, "峄城区", text="全区办理行政复议案件120件")


def test_route_per_channel_and_digest_holds() -> None:
    both = parse_subscriber({"id": "b", "email": "b@example.org", "webhook": {"url": "http://h/hook"},
                             "chat": ["dingtalk://token/"]})
    daily = parse_subscriber({"id": "d", "email": "d@example.org", "digest": "08:00"})
    gone = parse_subscriber({"id": "g", "webhook": "http://h/gone"}, disabled={"webhook": "410 Gone"})
    out = route([both, daily, gone], NEW, "峄城区")
    assert [(d.subscriber_id, d.channel, d.status) for d in out] == [
        ("b", "email", "pending"), ("b", "webhook", "pending"), ("b", "chat", "pending"), ("d", "email", "held")]
