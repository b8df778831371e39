"""Tests for crawler.discover and the list adapters, on saved list pages in CMS styles."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from crawler.adapters import hanweb, trs
from crawler.discover import discover, url_shape
from crawler.records import ListPage

TRS_LIST = "https://sfj.linchuan.gov.cn/zwgk/tzgg/index.html"
HANWEB_LIST = "https://www.linquan.gov.cn/col/col1812/index.html"
DATAPROXY = (
    "https://www.linquan.gov.cn/module/web/jpage/dataproxy.jsp"
    "?page=2&appid=1&webid=12&columnid=1812&unitid=4932900"
)

Reader = Callable[[str], str]


def titles(page: ListPage) -> list[str]:
    return [ref.title or "" for ref in page.refs]


def all_text(page: ListPage) -> str:
    return "\n".join(f"{r.url} {r.title} {r.published}" for r in page.refs)


# --- TRS -------------------------------------------------------------------------------------


@pytest.fixture
def trs_page(page_text: Reader) -> ListPage:
    return discover(page_text("trs_list.html"), TRS_LIST)


def test_trs_items_in_order_with_full_titles_and_dates(trs_page: ListPage) -> None:
    got = [(r.url.rsplit("/", 1)[-1], r.title, r.published) for r in trs_page.refs]
    assert got == [
        ("t20221216_1234567.html", "临川市司法局关于开展第五届法治宣传教育月系列活动的通知", "2022-12-16"),
        ("t20221214_1234501.html", "关于公开征求《临川市养犬管理规定（草案）》意见的公告", "2022-12-14"),
        ("t20221209_1234488.html", "临川市行政复议案件审理情况季度通报", "2022-12-09"),
        ("t20221202_1234400.html", "关于调整公共法律服务热线接听时间的通告", "2022-12-02"),
        ("t20221125_1234300.html", "临川市律师行业党建工作推进会召开", "2022-11-25"),
    ]
    assert all(r.list_url == TRS_LIST for r in trs_page.refs)


def test_trs_urls_are_canonical_and_relative_to_the_list_folder(trs_page: ListPage) -> None:
    assert trs_page.refs[0].url == "https://sfj.linchuan.gov.cn/zwgk/tzgg/202212/t20221216_1234567.html"
    assert trs_page.refs[3].url == "https://sfj.linchuan.gov.cn/zwgk/tzgg/202212/t20221202_1234400.html"


def test_trs_excludes_chrome_related_offsite_and_attachments(trs_page: ListPage) -> None:
    text = all_text(trs_page)
    for phrase in ("机构职能简介", "侧栏里的机构领导", "推荐区里的", "外地城市", "人民调解员培训计划",
                   "网站地图",
                   "政策法规与规范性文件", "下一页", "othercity", ".pdf", "2023-01-01", "…", "..."):
        assert phrase not in text


def test_trs_next_pages_from_create_page_html(trs_page: ListPage) -> None:
    expected = tuple(f"https://sfj.linchuan.gov.cn/zwgk/tzgg/index_{n}.html" for n in range(1, 7))
    assert trs_page.next_pages == expected


@pytest.mark.parametrize(
    ("script", "url", "expected"),
    [
        ('createPageHTML(3, 0, "index", "html");', "http://a.gov.cn/x/index.html",
         ["index_1.html", "index_2.html"]),
        ('createPageHTML("page_div", 4, 2, "index", "shtml");', "http://a.gov.cn/x/index_2.shtml",
         ["index_3.shtml"]),
        ("var countPage = 3;var currentPage = 1;\ncreatePageHTML(countPage, currentPage, 'index', 'htm');",
         "http://a.gov.cn/x/index_1.htm", ["index_2.htm"]),
        ("function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt) {}",
         "http://a.gov.cn/x/", []),
        ('createPageHTML(1, 0, "index", "html");', "http://a.gov.cn/x/index.html", []),
    ],
)
def test_trs_adapter_paging(script: str, url: str, expected: list[str]) -> None:
    got = trs.ADAPTER.next_pages(f"<script>{script}</script>", url)
    assert got == ["http://a.gov.cn/x/" + name for name in expected]


# --- Hanweb ----------------------------------------------------------------------------------


@pytest.fixture
def hanweb_page(page_text: Reader) -> ListPage:
    return discover(page_text("hanweb_list.html"), HANWEB_LIST)


def test_hanweb_datastore_records(hanweb_page: ListPage) -> None:
    got = [(r.url.rsplit("/art/", 1)[-1], r.title, r.published) for r in hanweb_page.refs]
    assert got == [
        ("2022/12/16/art_1812_4932979.html", "临泉市司法局召开全面依法治市委员会办公室工作会议",
         "2022-12-16"),
        ("2022/12/9/art_1812_4932901.html", "临泉市出台优化法治化营商环境十条措施", "2022-12-09"),
        ("2022/12/1/art_1812_4932855.html", "临泉市首批公共法律服务示范点挂牌运行", "2022-12-01"),
        ("2022/11/30/art_1812_4932800.html", "临泉市开展行政执法人员集中轮训", "2022-11-30"),
        ("2022/1/25/art_1812_4931000.html", "临泉市召开人民调解工作年度总结会", "2022-01-25"),
    ]


def test_hanweb_excludes_nav_sidebar_footer_and_downloads(hanweb_page: ListPage) -> None:
    text = all_text(hanweb_page)
    for phrase in ("市长信箱", "侧栏热点", "2022-11-03", "关于本网站", "年度报告全文附件", "downfile"):
        assert phrase not in text


def test_hanweb_next_page_is_the_nextgroup_proxy_link(hanweb_page: ListPage) -> None:
    assert len(hanweb_page.next_pages) == 1
    proxy = hanweb_page.next_pages[0]
    assert proxy.startswith("https://www.linquan.gov.cn/module/web/jpage/dataproxy.jsp?")
    assert "columnid=1812" in proxy and "page=1" in proxy and "unitid=4932900" in proxy


def test_hanweb_dataproxy_answer(page_text: Reader) -> None:
    page = discover(page_text("hanweb_dataproxy.xml"), DATAPROXY)
    assert titles(page) == ["临泉市推进乡镇街道合法性审查全覆盖", "临泉市开展国家宪法日主题宣传进社区活动",
                            "临泉市公证处推出延时预约服务"]
    assert [r.published for r in page.refs] == ["2022-10-08", "2022-09-30", "2022-09-21"]
    assert [p.split("page=")[1].split("&")[0] for p in page.next_pages] == ["3", "4"]


def test_hanweb_dataproxy_record_window_paging() -> None:
    xml = "<datastore><totalrecord>100</totalrecord><recordset></recordset></datastore>"
    url = "https://a.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=1&endrecord=60&perpage=20&columnid=9"
    assert hanweb.ADAPTER.next_pages(xml, url) == [
        "https://a.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=61&endrecord=120&perpage=20&columnid=9"
    ]
    assert hanweb.ADAPTER.next_pages(xml.replace("100", "60"), url) == []


def test_jpaas_json_unit_answer() -> None:
    body = ('{"success":true,"data":{"html":"<ul><li>'
            '<a href=\\"/col/col9/art/2026/art_0123456789abcdef0123456789abcdef.html\\"'
            ' title=\\"临泉市发布第一批行政执法典型案例\\">临泉市发布第一批行政执法典型案例</a>'
            '<span>2026-05-20</span></li></ul>"}}')
    page = discover(body, "https://www.linquan.gov.cn/api-gateway/jpaas-publish-server/front/page/build/unit?webId=1")
    assert [(r.url, r.title, r.published) for r in page.refs] == [(
        "https://www.linquan.gov.cn/col/col9/art/2026/art_0123456789abcdef0123456789abcdef.html",
        "临泉市发布第一批行政执法典型案例", "2026-05-20")]


# --- generic shapes --------------------------------------------------------------------------


def test_plain_list_of_other_cms_shapes_and_next_link() -> None:
    html = """<div class="news_list"><ul>
      <li><a href="/content/post_1001.html">某区推行证明事项告知承诺制工作方案</a><em>2023-03-01</em></li>
      <li><a href="/show.php?id=88&amp;utm_source=wx">某区法律援助中心开展农民工讨薪专项行动</a>
        <em>2023-02-20</em></li>
      <li><a href="/news/2023-02/10/content_77.htm">某区召开法治政府建设推进会议</a><em>2023-02-10</em></li>
    </ul></div>
    <div class="fy"><a href="list_2.html">下一页</a><a href="list_9.html">尾页</a></div>"""
    page = discover(html, "http://www.mouqu.gov.cn/zwdt/list_1.html")
    assert [r.url for r in page.refs] == [
        "http://www.mouqu.gov.cn/content/post_1001.html",
        "http://www.mouqu.gov.cn/show.php?id=88",
        "http://www.mouqu.gov.cn/news/2023-02/10/content_77.htm",
    ]
    assert page.next_pages == ("http://www.mouqu.gov.cn/zwdt/list_2.html",)


def test_card_links_with_dates_inside_and_month_day_only() -> None:
    html = """<ul>
      <li><a href="./202301/t20230125_9.html"><span class="t">关于春节期间公共法律服务安排的公告</span>
        <span>(01-25)</span></a></li>
      <li><a href="./202301/t20230120_8.html"><span class="t">关于公布第二批法律顾问名单的通知</span>
        <i>2023-01-20</i></a></li>
      <li><a href="/zwgk/other/detail.html">关于做好年度普法责任制考评工作的通知</a><span>(01-18)</span></li>
    </ul>"""
    page = discover(html, "http://sfj.mouqu.gov.cn/tzgg/index.html")
    assert [(r.title, r.published) for r in page.refs] == [
        ("关于春节期间公共法律服务安排的公告", "2023-01-25"),
        ("关于公布第二批法律顾问名单的通知", "2023-01-20"),
        ("关于做好年度普法责任制考评工作的通知", None),
    ]


def test_item_selector_replaces_the_heuristic() -> None:
    html = """<div class="zfxxgk"><a class="doc" href="/doc?code=ABC">短标题</a>
      <a class="doc" href="/doc?code=DEF">另一个</a>
      <a href="./202301/t20230101_1.html">被选择器排除的法治新闻标题</a></div>"""
    page = discover(html, "http://www.mouqu.gov.cn/zfxxgk/", item_selector="a.doc")
    assert [r.url for r in page.refs] == ["http://www.mouqu.gov.cn/doc?code=ABC", "http://www.mouqu.gov.cn/doc?code=DEF"]
    assert discover(html, "http://www.mouqu.gov.cn/zfxxgk/").refs[0].title == "被选择器排除的法治新闻标题"


def test_redirect_stub_points_to_the_real_list() -> None:
    page = discover('<script>location.href="/col/col91477/index.html"</script>', "http://www.mouqu.gov.cn/")
    assert page.refs == () and page.next_pages == ("http://www.mouqu.gov.cn/col/col91477/index.html",)


def test_onclick_next_page_link() -> None:
    html = """<a href="javascript:;"
      onclick="queryArticleByCondition(this,'/zcwj/be842d3c-2.shtml')">下一页</a>"""
    page = discover(html, "http://www.mouqu.gov.cn/zcwj/be842d3c-1.shtml")
    assert page.next_pages == ("http://www.mouqu.gov.cn/zcwj/be842d3c-2.shtml",)


@pytest.mark.parametrize(
    ("url", "shape"),
    [
        ("http://a.gov.cn/zwgk/202212/t20221216_1234567.html", 2),
        ("http://a.gov.cn/art/2022/12/16/art_1812_4932979.html", 2),
        ("http://a.gov.cn/col/col1/art/2026/art_0123456789abcdef0123456789abcdef.html", 2),
        ("http://a.gov.cn/gkmlpt/content/post_123.html", 2),
        ("http://a.gov.cn/show.php?id=12", 2),
        ("http://a.gov.cn/news/2022/12/abc.html", 1),
        ("http://a.gov.cn/zwgk/index.html", 0),
    ],
)
def test_url_shape(url: str, shape: int) -> None:
    assert url_shape(url) == shape
