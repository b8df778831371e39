"""JSON list APIs: gkmlpt, TRS IGS search, Hanweb JPaaS units; configuration errors."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from crawler.errors import EmptyPage
from crawler.listapi import ListApi, read_api

Reader = Callable[[str], str]
GKMLPT = ListApi.from_dict({"url": "http://www.huizhou.gov.cn/gkmlpt/api/all/2?page={page}&sid=755",
                            "preset": "gkmlpt"})


def test_gkmlpt_items_fields_and_next_page(page_text: Reader) -> None:
    page = read_api(page_text("gkmlpt_api.json"), GKMLPT, GKMLPT.page_url(1), page=1)
    assert [(r.url, r.title, r.published) for r in page.refs] == [
        ("http://www.huizhou.gov.cn/gkmlpt/content/4/4012/post_4012345.html",
         "惠州市司法局关于印发《2022年法治政府建设工作要点》的通知", "2022-12-16"),
        ("http://www.huizhou.gov.cn/gkmlpt/content/4/4012/post_4012001.html", "惠州市2022年度行政执法数据公开",
         "2022-12-14"),  # epoch seconds, relative link resolved against the API URL
    ]  # an item without a title or without a link is skipped
    assert page.next_pages == ("http://www.huizhou.gov.cn/gkmlpt/api/all/2?page=2&sid=755",)


def test_igs_items_found_wherever_they_sit_and_highlighting_dropped(page_text: Reader) -> None:
    api = ListApi.from_dict({"url": "https://www.example.gov.cn/igs/front/search/list.html?pageNumber={page}",
                             "preset": "trs-igs"})
    page = read_api(page_text("igs_search.json"), api, api.page_url(3), page=3)
    assert [r.title for r in page.refs] == ["关于法治政府建设年度报告的公告",
                                            "市政府常务会议审议通过《行政规范性文件管理办法》"]
    assert [r.published for r in page.refs] == ["2020-12-21", "2020-12-18"]  # FBRQ in China time, not UTC PUBDATE
    assert page.next_pages == ("https://www.example.gov.cn/igs/front/search/list.html?pageNumber=4",)


def test_jpaas_html_is_read_as_a_list_page(page_text: Reader) -> None:
    api = ListApi.from_dict({"preset": "jpaas", "url": "https://www.example.gov.cn/api-gateway/jpaas-publish-server"
                             "/front/page/build/unit?webId=1&pageId=2&paramJson={\"pageNo\":{page},\"pageSize\":15}"})
    assert dict(api.headers) == {"X-Requested-With": "XMLHttpRequest"}
    page = read_api(page_text("jpaas_unit.json"), api, api.page_url(1), page=1)
    assert [r.title for r in page.refs] == ["市政府召开法治政府建设工作推进会议", "全市行政复议工作情况通报",
                                            "一季度行政执法监督检查结果公示"]
    assert page.refs[0].url == "https://www.example.gov.cn/col/col1229123/art/2026/art_0123456789abcdef0123456789abcdef.html"
    assert page.refs[0].published == "2026-05-20"
    assert '"pageNo":2' in page.next_pages[0]


def test_custom_field_names_and_items_path() -> None:
    api = ListApi.from_dict({"url": "https://x.gov.cn/api/list?p={page}", "items": "data.rows",
                             "title": "name", "link": "href", "date": "pubTime", "first_page": 0})
    text = ('{"data": {"rows": [{"name": "关于征求行政规范性文件意见的公告", "href": "/a/1.html", '
            '"pubTime": "2024/3/5"}]}}')
    page = read_api(text, api, api.page_url(0), page=0)
    assert [(r.url, r.published) for r in page.refs] == [("https://x.gov.cn/a/1.html", "2024-03-05")]
    assert api.first_page == 0


def test_an_empty_page_ends_the_walk() -> None:
    page = read_api('{"total": 0, "articles": []}', GKMLPT, GKMLPT.page_url(9), page=9)
    assert page.refs == () and page.next_pages == ()


@pytest.mark.parametrize("text", ["<html>维护中</html>", ""])
def test_not_json_is_an_empty_page(text: str) -> None:
    with pytest.raises(EmptyPage):
        read_api(text, GKMLPT, GKMLPT.page_url(1), page=1)


@pytest.mark.parametrize(
    ("raw", "message"),
    [({"url": "https://x.gov.cn/api?page=1"}, "{page}"), ({"url": "ftp://x/{page}"}, "http"),
     ({"url": "https://x.gov.cn/{page}", "preset": "nope"}, "preset"),
     ({"url": "https://x.gov.cn/{page}", "titel": "BT"}, "titel")],
)
def test_configuration_errors_say_what_is_wrong(raw: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("{", r"\{").replace("}", r"\}")):
        ListApi.from_dict(raw)
