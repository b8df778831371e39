from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from alerts import render
from alerts.records import Alert

MakeAlert = Callable[..., Alert]


def test_subject_shows_region_and_chinese_title(make_alert: MakeAlert) -> None:
    alert = make_alert()
    assert render.subject(alert) == "[govwatch] 北京 · 关于印发《2024年政府工作报告重点任务分工》的通知"


def test_subject_without_region(make_alert: MakeAlert) -> None:
    alert = make_alert(region=None, data={})
    assert render.subject(alert) == "[govwatch] 关于印发《2024年政府工作报告重点任务分工》的通知"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("关于\r\nBcc: evil@example.org", "关于 Bcc: evil@example.org"),
        ("a\t\tb\x00c\x1b[31md", "a b c [31md"),
        ("  通知\u2028第二行\u3000 ", "通知 第二行"),
        ("零宽\u200b空格\ufeff", "零宽 空格"),
        ("\x85next line", "next line"),
    ],
)
def test_subject_collapses_line_breaks_and_control_characters(make_alert: MakeAlert, title: str, expected: str) -> None:
    assert render.subject(make_alert(title=title)) == f"[govwatch] 北京 · {expected}"


def test_subject_is_capped(make_alert: MakeAlert) -> None:
    subject = render.subject(make_alert(title="很长的标题" * 100))
    assert len(subject) <= render.SUBJECT_LIMIT
    assert subject.endswith("…")
    assert subject.startswith("[govwatch] 北京 · 很长的标题")


def test_text_body_lists_article_metrics_and_initiatives(make_alert: MakeAlert) -> None:
    body = render.text_body(make_alert())
    for phrase in [
        "关于印发《2024年政府工作报告重点任务分工》的通知",
        "https://www.beijing.gov.cn/zhengce/zfwj/202403/t20240301_1.html",
        "北京市人民政府办公厅",
        "2024-03-01",
        "地区生产总值: ≈5% (2024年)",
        "地区生产总值增长5%左右",
        "优化营商环境 [reform]",
    ]:
        assert phrase in body
    assert "5.0" not in body


def test_text_body_keeps_scraped_fields_on_one_line(make_alert: MakeAlert) -> None:
    body = render.text_body(make_alert(title="第一行\n\n第二行"))
    assert body.splitlines()[0] == "第一行 第二行"


def test_html_body_links_the_title_and_tabulates_metrics(make_alert: MakeAlert) -> None:
    html = render.html_body(make_alert(url="https://www.gov.cn/a.html?id=1&page=2"))
    assert '<a href="https://www.gov.cn/a.html?id=1&amp;page=2">关于印发《2024年' in html
    assert "<td>地区生产总值</td><td>≈5%</td><td>2024年</td><td>地区生产总值增长5%左右</td>" in html
    assert "<li><strong>优化营商环境</strong> (reform): 持续优化营商环境</li>" in html
    assert '<meta charset="utf-8">' in html


def test_html_body_escapes_scraped_text(make_alert: MakeAlert) -> None:
    alert = make_alert(title='<script>alert("x")</script> & 通知')
    alert.data["metrics"][0]["text"] = "<img src=x onerror=alert(1)>"
    html = render.html_body(alert)
    assert "<script>" not in html
    assert "<img" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; 通知" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<b>x</b>", "//evil.example"])
def test_html_body_links_only_http_urls(make_alert: MakeAlert, url: str) -> None:
    html = render.html_body(make_alert(url=url))
    assert "<a " not in html
    assert "<b>" not in html


def test_text_body_is_not_html_escaped(make_alert: MakeAlert) -> None:
    assert "A & B <2024>" in render.text_body(make_alert(title="A & B <2024>"))


def test_alert_without_data_renders(make_alert: MakeAlert) -> None:
    alert = make_alert(data={}, region=None)
    assert alert.title in render.text_body(alert)
    html = render.html_body(alert)
    assert alert.title in html
    assert "<table" not in html and "<ul>" not in html


# --- every event type ------------------------------------------------------------------------------

EventAlert = Callable[..., Alert]

SUBJECTS = {
    "release.new": "[govwatch] 枣庄市 · 枣庄市2021年法治政府建设情况报告",
    "release.updated": "[govwatch] 枣庄市 · 已更新: 枣庄市2021年法治政府建设情况报告",
    "metric.new": "[govwatch] 枣庄市 · 新指标: 行政复议案件 ≈1234件 (2021年)",
    "metric.changed": "[govwatch] 枣庄市 · 出庭应诉率 97% → 100% (2021年)",
    "initiative.new": "[govwatch] 枣庄市 · 新举措: 《法治政府建设实施方案》",
    "digest": "[govwatch] 摘要: 5 条更新 (2026-11-21 08:00 以来)",
    "test": "[govwatch] 测试消息: 这是一条测试消息，收到即表示配置正确。",
}

TEXT_PHRASES = {
    "release.new": [
        "地区:     枣庄市",
        "出庭应诉率: 100% (2021年), 上期 97% (2020年)",
        "行政复议案件: ≈1234件 (2021年)",
        "“全年办理行政复议案件约1234件”",
        "举措\n- 法治政府建设实施方案 [plan]",
    ],
    "release.updated": [
        "新增指标\n- 行政复议案件: ≈1234件 (2021年)",
        "变化指标\n- 出庭应诉率: 97% → 100% (2021年)",
        "删除指标\n- 行政诉讼案件: ≈56件 (2021年)",
        "新增举措\n- 法治政府建设实施方案 [plan]",
        "删除举措\n- 领导干部学法 [training]",
    ],
    "metric.new": ["新指标\n- 行政复议案件: ≈1234件 (2021年)\n  “全年办理行政复议案件约1234件”"],
    "metric.changed": [
        "指标变化\n- 出庭应诉率: 97% → 100% (2021年)\n  “行政机关负责人出庭应诉率达到100%”",
        "上次数值\n- 97%, 2021-12-01 发布\n  https://www.zaozhuang.gov.cn/zwgk/fzzf/202112/t20211201_9.html",
    ],
    "initiative.new": ["新举措\n- 法治政府建设实施方案 [plan]\n  “印发《法治政府建设实施方案(2021-2025年)》”"],
    "digest": [
        "摘要: 5 条更新 (2026-11-21 08:00 以来)\n2026-11-21 08:00 至 2026-11-22 08:00\n",
        "4. 枣庄市 · 出庭应诉率 97% → 100% (2021年)\n   https://www.zaozhuang.gov.cn/",
        "   指标变化\n   - 出庭应诉率: 97% → 100% (2021年)",
    ],
    "test": ["测试消息\n- 这是一条测试消息，收到即表示配置正确。"],
}

HTML_PHRASES = {
    "release.new": [
        "<td>出庭应诉率</td><td>100%<br><small>上期 97% (2020年)</small></td><td>2021年</td>",
        "<li><strong>法治政府建设实施方案</strong> (plan): 印发《法治政府建设实施方案(2021-2025年)》</li>",
    ],
    "release.updated": [
        '<h3 style="font-size: 1em;">变化指标</h3>',
        "<tr><td>出庭应诉率</td><td>97%</td><td>100%</td><td>2021年</td>",
        "<td>行政诉讼案件</td><td>≈56件</td>",
        "<strong>领导干部学法</strong> (training)",
    ],
    "metric.new": ["<td>行政复议案件</td><td>≈1234件</td><td>2021年</td><td>全年办理行政复议案件约1234件</td>"],
    "metric.changed": [
        "<tr><td>出庭应诉率</td><td>97%</td><td>100%</td><td>2021年</td>",
        '<li>97%, 2021-12-01 发布 · <a href="https://www.zaozhuang.gov.cn/zwgk/fzzf/202112/',
    ],
    "initiative.new": ['<h3 style="font-size: 1em;">新举措</h3>', "<strong>法治政府建设实施方案</strong> (plan)"],
    "digest": [
        '<h1 style="font-size: 1.25em;">摘要: 5 条更新 (2026-11-21 08:00 以来)</h1>',
        '<h2 style="font-size: 1.1em;">4. <a href="https://www.zaozhuang.gov.cn/zwgk/fzzf/202203/t20220301_1.html">'
        "枣庄市 · 出庭应诉率 97% → 100% (2021年)</a></h2>",
    ],
    "test": ["<li>这是一条测试消息，收到即表示配置正确。</li>"],
}

NEVER = ["None", "100.0", "1234.0", "{{", "{%", "Undefined"]


@pytest.mark.parametrize("type", SUBJECTS)
def test_subject_per_type(event_alert: EventAlert, type: str) -> None:
    assert render.subject(event_alert(type)) == SUBJECTS[type]


@pytest.mark.parametrize("type", TEXT_PHRASES)
def test_text_body_per_type(event_alert: EventAlert, type: str) -> None:
    body = render.text_body(event_alert(type))
    for phrase in TEXT_PHRASES[type]:
        assert phrase in body
    for phrase in NEVER:
        assert phrase not in body
    assert body.endswith("\n-- \ngovwatch\n") and "\n\n\n" not in body


@pytest.mark.parametrize("type", HTML_PHRASES)
def test_html_body_per_type(event_alert: EventAlert, type: str) -> None:
    html = render.html_body(event_alert(type))
    for phrase in HTML_PHRASES[type]:
        assert phrase in html
    for phrase in NEVER:
        assert phrase not in html
    assert f"<title>{SUBJECTS[type]}</title>" in html


HOSTILE = '<script>alert("x")</script>\r\nBcc: evil@example.org\x1b[31m'


@pytest.mark.parametrize("type", ["release.new", "release.updated", "metric.new", "metric.changed"])
def test_hostile_indicator_names_are_escaped_and_flattened(event_alert: EventAlert, type: str) -> None:
    alert = event_alert(type)
    for metric in _metrics(alert.data):
        metric["indicator"] = HOSTILE
    html = render.html_body(alert)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Bcc: evil@example.org [31m" in html
    text = render.text_body(alert)
    assert '<script>alert("x")</script> Bcc: evil@example.org [31m' in text
    assert "\r" not in text and "\x1b" not in text
    assert "\n" not in render.subject(alert) and "\x1b" not in render.subject(alert)


def _metrics(data: dict[str, Any]) -> list[dict[str, Any]]:
    changes = data.get("changes", {})
    found = [*data.get("metrics", []), *changes.get("metrics_added", []), *changes.get("metrics_removed", [])]
    found += [c["to"] for c in changes.get("metrics_changed", [])]
    return found + ([data["metric"]] if "metric" in data else [])


def test_metric_changed_subject_flattens_a_hostile_indicator(event_alert: EventAlert) -> None:
    alert = event_alert("metric.changed")
    alert.data["metric"]["indicator"] = "出庭\r\n应诉率\u2028"
    assert render.subject(alert) == "[govwatch] 枣庄市 · 出庭 应诉率 97% → 100% (2021年)"


def test_hostile_initiative_and_title_in_html(event_alert: EventAlert) -> None:
    alert = event_alert("initiative.new")
    alert.data["initiative"]["name"] = "<b onmouseover=x>方案</b>"
    alert.data["article"]["title"] = "<i>报告</i>"
    html = render.html_body(alert)
    assert "<b " not in html and "<i>" not in html
    assert "&lt;b onmouseover=x&gt;方案&lt;/b&gt;" in html and "&lt;i&gt;报告&lt;/i&gt;" in html
    assert render.subject(alert) == "[govwatch] 枣庄市 · 新举措: 《<b onmouseover=x>方案</b>》"


def test_the_previous_article_is_linked_only_over_http(event_alert: EventAlert) -> None:
    alert = event_alert("metric.changed")
    alert.data["previous"]["article_url"] = "javascript:alert(1)"
    html = render.html_body(alert)
    assert 'href="javascript' not in html
    assert "<li>97%, 2021-12-01 发布 · javascript:alert(1)</li>" in html


def test_digest_shows_every_event_with_its_link(event_alert: EventAlert) -> None:
    alert = event_alert("digest")
    text, html = render.text_body(alert), render.html_body(alert)
    for n, headline in enumerate(
        [
            "枣庄市 · 枣庄市2021年法治政府建设情况报告",
            "枣庄市 · 已更新: 枣庄市2021年法治政府建设情况报告",
            "枣庄市 · 新指标: 行政复议案件 ≈1234件 (2021年)",
            "枣庄市 · 出庭应诉率 97% → 100% (2021年)",
            "枣庄市 · 新举措: 《法治政府建设实施方案》",
        ],
        1,
    ):
        assert f"\n{n}. {headline}\n   https://www.zaozhuang.gov.cn/zwgk/fzzf/202203/t20220301_1.html\n" in text
        assert f'{n}. <a href="https://www.zaozhuang.gov.cn/zwgk/fzzf/202203/t20220301_1.html">{headline}</a>' in html
    assert text.count("“行政机关负责人出庭应诉率达到100%”") == 3  # release.new, release.updated, metric.changed
    assert "另有" not in text


def test_digest_with_mixed_regions_and_a_hostile_event(event_alert: EventAlert) -> None:
    alert = event_alert("digest")
    events = alert.data["events"]
    events[1]["region"] = "济南市"
    # events share one article dict: replace it, do not edit it
    article = {**events[2]["data"]["article"], "url": "javascript:alert(1)", "title": "<script>x</script>"}
    events[2]["data"] = {**events[2]["data"], "article": article}
    html = render.html_body(alert)
    assert "2. <a href" in html and "济南市 · 已更新" in html
    assert "3. 枣庄市 · 新指标" in html and 'href="javascript' not in html
    assert "<script>" not in html


def test_a_long_digest_is_cut_with_a_count(event_alert: EventAlert) -> None:
    alert = event_alert("digest")
    event = alert.data["events"][3]
    alert.data["events"] = [{**event, "id": f"evt_{n}"} for n in range(render.DIGEST_LIMIT + 7)]
    assert render.subject(alert) == f"[govwatch] 摘要: {render.DIGEST_LIMIT + 7} 条更新 (2026-11-21 08:00 以来)"
    text = render.text_body(alert)
    assert f"\n{render.DIGEST_LIMIT}. 枣庄市" in text and f"\n{render.DIGEST_LIMIT + 1}. " not in text
    assert "… 另有 7 条更新未列出" in text
    assert "… 另有 7 条更新未列出" in render.html_body(alert)


def test_an_empty_digest_renders(event_alert: EventAlert) -> None:
    alert = event_alert("digest", data={"since": "2026-11-21T08:00:00+08:00", "events": []})
    assert render.subject(alert) == "[govwatch] 摘要: 0 条更新 (2026-11-21 08:00 以来)"
    assert "摘要: 0 条更新" in render.text_body(alert) and "<h2" not in render.html_body(alert)


# --- Markdown for chat bots ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("type", "lines"),
    [
        (
            "metric.changed",
            [
                "**枣庄市2021年法治政府建设情况报告**",
                "",
                "[查看原文](https://www.zaozhuang.gov.cn/zwgk/fzzf/202203/t20220301_1.html)",
                "",
                "**指标变化**",
                "- 出庭应诉率: 97% → 100% (2021年)",
                "> 行政机关负责人出庭应诉率达到100%",
                "",
                "**上次数值**",
                "- 97%, 2021-12-01 发布 [原文](https://www.zaozhuang.gov.cn/zwgk/fzzf/202112/t20211201_9.html)",
            ],
        ),
        (
            "initiative.new",
            [
                "**枣庄市2021年法治政府建设情况报告**",
                "",
                "[查看原文](https://www.zaozhuang.gov.cn/zwgk/fzzf/202203/t20220301_1.html)",
                "",
                "**新举措**",
                "- 法治政府建设实施方案 [plan]",
                "> 印发《法治政府建设实施方案(2021-2025年)》",
            ],
        ),
        (
            "test",
            ["**测试**", "", "**测试消息**", "- 这是一条测试消息，收到即表示配置正确。"],
        ),
        (
            "digest",
            [
                "**摘要: 5 条更新 (2026-11-21 08:00 以来)**",
                "",
                "2026-11-21 08:00 至 2026-11-22 08:00",
                "",
                "- [枣庄市 · 枣庄市2021年法治政府建设情况报告](https://www.zaozhuang.gov.cn/zwgk/fzzf/202203/t20220301_1.html)",
            ],
        ),
    ],
)
def test_markdown_body(event_alert: EventAlert, type: str, lines: list[str]) -> None:
    assert render.markdown_body(event_alert(type)).splitlines()[: len(lines)] == lines


@pytest.mark.parametrize("type", SUBJECTS)
def test_markdown_body_for_every_type_is_short_and_clean(event_alert: EventAlert, type: str) -> None:
    body = render.markdown_body(event_alert(type))
    assert len(body.encode("utf-8")) <= render.MARKDOWN_BYTES
    assert body == body.strip() and "\n\n\n" not in body
    for phrase in NEVER:
        assert phrase not in body


def test_markdown_release_updated_groups_facts(event_alert: EventAlert) -> None:
    body = render.markdown_body(event_alert("release.updated"))
    assert "**变化指标**\n- 出庭应诉率: 97% → 100% (2021年)\n\n**删除指标**\n- 行政诉讼案件: ≈56件 (2021年)" in body
    assert ">" not in body  # several facts: no quoted sentences


def test_markdown_lists_at_most_ten_facts(event_alert: EventAlert) -> None:
    alert = event_alert("release.new")
    alert.data["metrics"] = [{"indicator": f"指标{n}", "value": n, "unit": "件"} for n in range(1, 15)]
    lines = render.markdown_body(alert).splitlines()
    facts = [line for line in lines if line.startswith("- ")]
    assert len(facts) == render.MARKDOWN_FACTS
    assert facts[-1] == "- 指标10: 10件"
    assert lines[-1] == "…另有 5 条"  # 4 more metrics and the initiative


def test_markdown_stays_within_its_byte_budget(event_alert: EventAlert) -> None:
    alert = event_alert("digest")
    event = alert.data["events"][3]
    alert.data["events"] = [event] * 9
    for e in alert.data["events"]:
        e["data"] = {
            **e["data"],
            "article": {**e["data"]["article"], "url": "https://www.zaozhuang.gov.cn/" + "x" * 150},
        }
    body = render.markdown_body(alert)
    assert len(body.encode("utf-8")) <= render.MARKDOWN_BYTES
    shown = sum(line.startswith("- ") for line in body.splitlines())
    assert 0 < shown < 9 and body.endswith(f"\n\n…另有 {9 - shown} 条")


def test_markdown_facts_are_cut_to_length(event_alert: EventAlert) -> None:
    alert = event_alert("metric.new")
    alert.data["metric"]["text"] = "很长" * 200
    quote = [line for line in render.markdown_body(alert).splitlines() if line.startswith("> ")][0]
    assert len(quote) == 2 + render.FACT_LIMIT and quote.endswith("…")


def test_markdown_escapes_scraped_text(event_alert: EventAlert) -> None:
    alert = event_alert("metric.new")
    alert.data["article"]["title"] = "**假** [点我](https://evil.example) <b>x</b> a_b `c`"
    alert.data["metric"]["indicator"] = "[x]: https://evil.example\n*出庭*"
    body = render.markdown_body(alert)
    assert body.startswith(r"**\*\*假\*\* [点我\](https://evil.example) \<b\>x\</b\> a\_b \`c\`**")
    assert r"- [x\]: https://evil.example \*出庭\*:" in body
    assert not re.search(r"(?<!\\)\]\(https://evil", body)


def test_markdown_links_only_http_and_encodes_brackets(event_alert: EventAlert) -> None:
    alert = event_alert("metric.new", url="")
    alert.data["article"]["url"] = "javascript:alert(1)"
    assert "javascript" not in render.markdown_body(alert)
    alert.data["article"]["url"] = "https://www.gov.cn/a (1).html"
    assert "[查看原文](https://www.gov.cn/a%20%281%29.html)" in render.markdown_body(alert)
    alert.data["article"]["title"] = "题]目"
    digest = event_alert("digest")
    digest.data["events"][0]["data"]["article"]["title"] = "[题]目"
    assert r"- [枣庄市 · \[题\]目](https://" in render.markdown_body(digest)
