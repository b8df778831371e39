"""Change detection from a sequence of releases on a loopback site, through the real pipeline.

baseline → repeated fact → changed value → late older period → new initiative → edited release:
each step produces exactly the events it should, and nothing more.
"""

from __future__ import annotations

import json

import sqlalchemy as sa

from govwatch.demo_sites import Release
from govwatch.schema import events
from workers.queues import enqueue_article, enqueue_crawl


def rel(n: int, date: str, *paragraphs: str) -> Release:
    return Release(id=8000000 + n, date=f"{date} 10:00:00", title=f"枣庄市法治政府建设工作动态(第{n}期)",
                   source="枣庄市司法局", paragraphs=tuple(paragraphs))


BASELINE = rel(1, "2021-01-15", "2020年,全市行政机关负责人出庭应诉率为95%。", "持续擦亮“榴乡诉递”服务品牌。")
CHANGED = rel(2, "2022-01-10", "2021年,全市行政机关负责人出庭应诉率为97%。",
              "市政府印发《枣庄市行政复议工作规程》,持续擦亮“榴乡诉递”服务品牌。")
REPEATED = rel(3, "2022-02-10", "据统计,2021年全市行政机关负责人出庭应诉率为97%。")
LATE_OLDER = rel(4, "2022-03-10", "回顾2019年,全市行政机关负责人出庭应诉率为90%。")
NEW_METRIC = rel(5, "2022-04-10", "今年1-3月,全市新登记市场主体6.43万户。")

EVERYTHING = [{"id": "all-events", "webhook": "receiver", "events": "all"}]


def types_since(m, start: int) -> list[str]:
    return sorted(json.loads(r.body)["type"] for r in m.receiver.requests[start:])


def step(m) -> None:
    enqueue_crawl(m.conn, "zaozhuang-sfj")
    m.drain()


def stored_events(m) -> list[str]:
    with m.store.engine.connect() as c:
        return sorted(c.execute(sa.select(events.c.type)).scalars())


def test_sequence_of_releases(monitor_with) -> None:
    m = monitor_with([BASELINE, CHANGED, REPEATED, LATE_OLDER, NEW_METRIC], subscribers=EVERYTHING,
                     initially=(1, 1))
    step(m)
    assert stored_events(m) == [] and m.receiver.requests == []  # baseline: silent

    m.trs.publish_next()  # 2021年 97% after 2020年 95%; a new document; a programme seen before
    step(m)
    assert types_since(m, 0) == ["initiative.new", "metric.changed", "release.new"]
    bodies = [json.loads(r.body) for r in m.receiver.requests]
    changed = next(b["data"] for b in bodies if b["type"] == "metric.changed")
    assert (changed["metric"]["value"], changed["metric"]["period"]) == (97, "2021年")
    assert (changed["previous"]["value"], changed["previous"]["period"]) == (95, "2020年")
    new_initiative = next(b["data"] for b in bodies if b["type"] == "initiative.new")
    assert new_initiative["initiative"]["name"] == "枣庄市行政复议工作规程"

    for release in (REPEATED, LATE_OLDER):  # the same fact again; an older period arriving late
        seen = len(m.receiver.requests)
        m.trs.publish_next()
        step(m)
        assert types_since(m, seen) == ["release.new"], release.title

    seen = len(m.receiver.requests)
    m.trs.publish_next()
    step(m)
    assert types_since(m, seen) == ["metric.new", "release.new"]

    # the 2021 release is edited: its value corrected to 98%
    edited = rel(2, "2022-01-10", "2021年,全市行政机关负责人出庭应诉率为98%。",
                 "市政府印发《枣庄市行政复议工作规程》,持续擦亮“榴乡诉递”服务品牌。")
    m.trs.server.set(m.trs.article_path(edited), m.trs.article_html(edited))
    seen = len(m.receiver.requests)
    enqueue_article(m.conn, m.store.article_by_url(m.trs.article_url(edited))["id"])
    m.drain()
    assert types_since(m, seen) == ["metric.changed", "release.updated"]
    updated = next(json.loads(r.body)["data"] for r in m.receiver.requests[seen:]
                   if json.loads(r.body)["type"] == "release.updated")
    [change] = updated["changes"]["metrics_changed"]
    assert (change["from"]["value"], change["to"]["value"]) == (97, 98)
    assert updated["changes"]["initiatives_added"] == [] and updated["changes"]["metrics_added"] == []

    # nothing changed since: re-running every job sends nothing
    seen = len(m.receiver.requests)
    enqueue_article(m.conn, m.store.article_by_url(m.trs.article_url(edited))["id"])
    step(m)
    assert m.receiver.requests[seen:] == []
    ids = [r.headers["webhook-id"] for r in m.receiver.requests]
    assert len(ids) == len(set(ids))
