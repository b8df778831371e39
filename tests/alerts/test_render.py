from __future__ import annotations

from collections.abc import Callable

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
def test_subject_collapses_line_breaks_and_control_characters(
    make_alert: MakeAlert, title: str, expected: str
) -> None:
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
