"""Saved pages of templates the CMS adapters do not know: what must and must not be extracted.

Also: the content hash input (title + cleaned text) ignores sidebars, related lists and footers,
so a recrawl notices an edit to the article and nothing else.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.article import parse_article
from crawler.encoding import decode
from crawler.records import Article, FetchedPage

PAGES = Path(__file__).parent / "pages"
URL = "http://www.example.gov.cn/zwgk/xzdt/202311/t20231108_1.html"

CASES = {
    "gbk_gb2312_article.html": dict(
        content_type="text/html; charset=gb2312",
        title="朱镕基同志法治思想学习会召开", published="2019-03-14T10:05:00+08:00", source="临川市司法局",
        must=["3月13日，市司法局组织干部职工学习法治思想，王堃同志主持会议并讲话。", "转化为推进依法行政的实际行动"],
        must_not=["今日热搜", "市领导调研春耕", "字体", "打印本页", "赣ICP备", "欢迎访问", "\ufffd"],
    ),
    "generic_article.html": dict(
        content_type="text/html",
        title="南城县召开2023年度法治政府建设推进会", published="2023-11-08T15:20:00+08:00", source=None,
        must=["11月8日，南城县召开2023年度法治政府建设推进会，总结前三季度工作", "出庭应诉率达100%",
              "确保全年目标任务圆满完成"],
        must_not=["热点新闻", "安全生产", "森林防火", "分享到", "相关文章", "2022年法治政府建设年度报告",
                  "浏览次数", "版权所有", "当前位置"],
    ),
}


def _parse(name: str, html: bytes | None = None) -> Article:
    raw = html if html is not None else (PAGES / name).read_bytes()
    content_type = CASES[name]["content_type"]
    text, encoding = decode(raw, content_type)
    return parse_article(FetchedPage(URL, 200, raw, text, encoding, content_type))


@pytest.mark.parametrize("name", sorted(CASES))
def test_title_date_source(name: str) -> None:
    article, case = _parse(name), CASES[name]
    assert (article.title, article.published, article.source) == (case["title"], case["published"], case["source"])


@pytest.mark.parametrize("name", sorted(CASES))
def test_body_keeps_the_article_and_drops_the_chrome(name: str) -> None:
    article, case = _parse(name), CASES[name]
    for phrase in case["must"]:
        assert phrase in article.text
    for phrase in case["must_not"]:
        assert phrase not in article.text and phrase not in article.title


def _hash_input(article: Article) -> str:
    return f"{article.title}\n{article.text}"  # what workers.process.content_hash digests


@pytest.mark.parametrize(
    ("old", "new", "changed"),
    [("市领导调研春耕生产工作情况", "全市开展防汛应急演练活动", False),  # sidebar hot list
     ("赣ICP备00000000号", "赣ICP备11111111号", False),  # footer
     ("王堃同志主持会议并讲话", "王堃同志主持会议并作重要讲话", True),  # the body itself
     ("朱镕基同志法治思想学习会召开", "朱镕基同志法治思想学习会隆重召开", True)],  # the title
)
def test_only_article_edits_change_the_hash_input(old: str, new: str, changed: bool) -> None:
    name = "gbk_gb2312_article.html"
    raw = (PAGES / name).read_bytes()
    edited = raw.decode("gbk").replace(old, new)
    assert edited != raw.decode("gbk")
    before, after = _parse(name), _parse(name, edited.encode("gbk"))
    assert (_hash_input(before) != _hash_input(after)) is changed


def test_generic_page_related_list_edit_is_not_an_article_edit() -> None:
    name = "generic_article.html"
    raw = (PAGES / name).read_bytes().decode()
    edited = raw.replace("南城县2022年法治政府建设年度报告", "南城县召开优化营商环境工作会议")
    assert _hash_input(_parse(name)) == _hash_input(_parse(name, edited.encode()))
