from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from alerts import views
from alerts.records import Alert

EventAlert = Callable[..., Alert]


def _alert(type: str, data: dict[str, Any], region: str | None = "枣庄市", title: str = "") -> Alert:
    return Alert(id="a", type=type, timestamp=0, region=region, title=title, url="", data=data)


@pytest.mark.parametrize(
    ("type", "headline"),
    [
        ("release.new", "枣庄市 · 枣庄市2021年法治政府建设情况报告"),
        ("release.updated", "枣庄市 · 已更新: 枣庄市2021年法治政府建设情况报告"),
        ("metric.new", "枣庄市 · 新指标: 行政复议案件 ≈1234件 (2021年)"),
        ("metric.changed", "枣庄市 · 出庭应诉率 97% → 100% (2021年)"),
        ("initiative.new", "枣庄市 · 新举措: 《法治政府建设实施方案》"),
        ("test", "测试消息: 这是一条测试消息，收到即表示配置正确。"),
        ("digest", "摘要: 5 条更新 (2026-11-21 08:00 以来)"),
    ],
)
def test_headline_per_type(event_alert: EventAlert, type: str, headline: str) -> None:
    assert views.view(event_alert(type))["headline"] == headline


@pytest.mark.parametrize(
    ("type", "titles"),
    [
        ("release.new", ["指标", "举措"]),
        ("release.updated", ["新增指标", "变化指标", "删除指标", "新增举措", "删除举措"]),
        ("metric.new", ["新指标"]),
        ("metric.changed", ["指标变化", "上次数值"]),
        ("initiative.new", ["新举措"]),
        ("test", ["测试消息"]),
        ("digest", []),
    ],
)
def test_sections_per_type(event_alert: EventAlert, type: str, titles: list[str]) -> None:
    assert [s["title"] for s in views.view(event_alert(type))["sections"]] == titles


def test_empty_sections_are_left_out(event_alert: EventAlert) -> None:
    alert = event_alert("release.updated")
    alert.data["changes"] = {"metrics_added": [], "initiatives_removed": [{"name": "领导干部学法"}]}
    assert [s["title"] for s in views.view(alert)["sections"]] == ["删除举措"]


def test_a_change_repeats_the_old_period_only_when_it_differs() -> None:
    same = views.change(
        {"value": 97, "unit": "%", "period": "2021年"},
        {"indicator": "出庭应诉率", "value": 100.0, "unit": "%", "period": "2021年"},
    )
    assert same["line"] == "出庭应诉率: 97% → 100% (2021年)"
    other = views.change(
        {"value": 97, "unit": "%", "period": "2020年"},
        {"indicator": "出庭应诉率", "value": 100.0, "unit": "%", "period": "2021年"},
    )
    assert other["line"] == "出庭应诉率: 97% (2020年) → 100% (2021年)"
    assert (other["before"], other["after"]) == ("97% (2020年)", "100%")


def test_metric_with_a_previous_value() -> None:
    m = views.metric(
        {
            "indicator": "出庭应诉率",
            "value": 100.0,
            "unit": "%",
            "period": "2021年",
            "previous": {"value": 97.5, "unit": "%", "period": "2020年"},
        }
    )
    assert m["line"] == "出庭应诉率: 100% (2021年), 上期 97.5% (2020年)"


@pytest.mark.parametrize(("name", "quoted"), [("实施方案", "《实施方案》"), ("《实施方案》", "《实施方案》")])
def test_initiative_names_are_quoted_once(name: str, quoted: str) -> None:
    assert views.initiative({"name": name})["quoted"] == quoted


def test_control_characters_in_indicator_names_are_collapsed() -> None:
    alert = _alert(
        "metric.new", {"metric": {"indicator": "出庭\r\n应诉率\x00\u2028", "value": 1, "period": "2021\t年"}}
    )
    v = views.view(alert)
    assert v["headline"] == "枣庄市 · 新指标: 出庭 应诉率 1 (2021 年)"
    assert v["sections"][0]["items"][0]["indicator"] == "出庭 应诉率"


@pytest.mark.parametrize(
    "data",
    [{}, {"metric": "not a dict"}, {"metric": {}, "previous": None}, {"changes": [1, 2]}, {"events": "x"}],
)
@pytest.mark.parametrize("type", ["metric.new", "metric.changed", "initiative.new", "release.updated", "digest"])
def test_missing_or_malformed_data_still_gives_a_headline(type: str, data: dict[str, Any]) -> None:
    v = views.view(_alert(type, data, title="某某通知"))
    assert v["headline"]
    assert all(s["items"] for s in v["sections"])


def test_missing_metric_falls_back_to_the_title() -> None:
    assert views.view(_alert("metric.changed", {}, title="某某通知"))["headline"] == "枣庄市 · 某某通知"


def test_unknown_type_is_shown_like_a_release() -> None:
    v = views.view(_alert("policy.new", {"article": {"title": "新政策"}, "metrics": [{"indicator": "A", "value": 1}]}))
    assert v["headline"] == "枣庄市 · 新政策"
    assert [s["title"] for s in v["sections"]] == ["指标"]


def test_digest_events_are_views_in_order(event_alert: EventAlert) -> None:
    v = views.view(event_alert("digest"))
    assert (v["count"], v["since"], v["until"]) == (5, "2026-11-21 08:00", "2026-11-22 08:00")
    assert [e["type"] for e in v["events"]] == [
        "release.new",
        "release.updated",
        "metric.new",
        "metric.changed",
        "initiative.new",
    ]
    assert v["events"][3]["headline"] == "枣庄市 · 出庭应诉率 97% → 100% (2021年)"
    assert v["events"][0]["when"] == "2026-11-21 09:30"


def test_a_digest_inside_a_digest_does_not_recurse() -> None:
    inner = {"events": [{"type": "digest", "data": {"events": [{"type": "metric.new"}]}}]}
    [event] = views.view(_alert("digest", inner, region=None))["events"]
    assert "events" not in event


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("2026-11-21T08:00:00+08:00", "2026-11-21 08:00"),
        ("2026-11-21T00:00:00Z", "2026-11-21 00:00"),
        ("昨天\n早上", "昨天 早上"),
        (None, ""),
    ],
)
def test_times_are_shown_to_the_minute(value: object, shown: str) -> None:
    assert views._when(value) == shown


def test_only_http_urls_are_linkable() -> None:
    data = {"metric": {"indicator": "A", "value": 1}, "previous": {"value": 0, "article_url": "javascript:alert(1)"}}
    note = views.view(_alert("metric.changed", data))["sections"][1]["items"][0]
    assert note["url"] == "javascript:alert(1)" and note["linkable"] is False
