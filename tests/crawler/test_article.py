"""Tests for crawler.article (and crawler.body): saved pages, must-appear and must-not-appear phrases."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from crawler.article import parse_article, parse_text, split_title
from crawler.errors import EmptyPage, NotHTML
from crawler.records import Article, FetchedPage

TRS_URL = "https://sfj.linchuan.gov.cn/zwgk/tzgg/202212/t20221216_1234567.html"
HANWEB_URL = "https://www.linquan.gov.cn/art/2021/3/9/art_1812_4000001.html"

Reader = Callable[[str], str]


def page(html: str, url: str = "https://www.mouqu.gov.cn/a.html", content_type: str = "text/html") -> FetchedPage:
    return FetchedPage(
        url=url, status=200, content=html.encode(), text=html, encoding="utf-8", content_type=content_type
    )


def article(html: str, url: str = "https://www.mouqu.gov.cn/a.html") -> Article:
    return parse_article(page(html, url))


BODY = '<div id="zoom"><p>　　某区司法局组织开展法治讲座，机关干部一百余人参加学习。</p></div>'


# --- TRS article -----------------------------------------------------------------------------


@pytest.fixture
def trs(page_text: Reader) -> Article:
    return article(page_text("trs_article.html"), TRS_URL)


def test_trs_article_metadata(trs: Article) -> None:
    assert trs.title == "临川市司法局关于开展第五届法治宣传教育月系列活动的通知"
    assert trs.published == "2022-12-16T10:25:00+08:00"
    assert trs.source == "临川市司法局普法与依法治理科"
    assert trs.url == TRS_URL


def test_trs_article_body(trs: Article) -> None:
    lines = trs.text.split("\n")
    assert lines[0] == "各区县司法局，局机关各科室："
    assert "为深入学习宣传习近平法治思想，推动全民守法普法" in lines[1]
    assert "弘扬宪法精神，建设法治临川。" in lines
    assert "12月4日 宪法宣传进社区" in lines
    assert lines[-1] == "2022年12月15日"
    assert all(line == line.strip(" \u3000") and line for line in lines)


@pytest.mark.parametrize(
    "phrase",
    [
        "脚本里的标题",
        "欢迎访问",
        "网站首页",
        "当前位置",
        "您现在的位置",
        "侧栏最新发布",
        "2023-01-05",
        "打印",
        "关闭窗口",
        "字体",
        "分享到",
        "微信",
        "扫一扫",
        "相关阅读",
        "律师行业党建",
        "责任编辑",
        "周小燕",
        "版权所有",
        "网站地图",
        "2023-01-06",
        "发布时间",
        "text-indent",
    ],
)
def test_trs_article_body_has_no_chrome(trs: Article, phrase: str) -> None:
    assert phrase not in trs.text


# --- Hanweb article --------------------------------------------------------------------------


@pytest.fixture
def hanweb(page_text: Reader) -> Article:
    return article(page_text("hanweb_article.html"), HANWEB_URL)


def test_hanweb_article_metadata(hanweb: Article) -> None:
    assert hanweb.title == "临泉市推行行政执法“三项制度”工作综述"
    # the glued 来源/时间 line wins over the (different) date in this URL and the 索引号 table's dates
    assert hanweb.published == "2021-03-08"
    assert hanweb.source == "临泉市司法局"


def test_hanweb_article_body(hanweb: Article) -> None:
    assert hanweb.text.split("\n") == [
        "今年以来，临泉市司法局以推行行政执法公示制度、执法全过程记录制度、重大执法决定法制审核制度为抓手，"
        "全面规范行政执法行为。",
        "全市四十二个执法部门全部建立执法信息公示平台，累计公示执法信息一万余条。",
        "下一步，临泉市将持续深化“三项制度”落实，推动严格规范公正文明执法。",
    ]


@pytest.mark.parametrize(
    "phrase",
    [
        "索引号",
        "11370000MB",
        "发布机构",
        "成文日期",
        "2021-03-01",
        "临泉市司法局门户网站",
        "侧栏最新发布",
        "打印本页",
        "相关链接",
        "行政复议体制改革",
        "版权所有",
        "浏览次数",
        "ZJEG",
    ],
)
def test_hanweb_article_body_has_no_chrome(hanweb: Article, phrase: str) -> None:
    assert phrase not in hanweb.text


# --- metadata rules as data ------------------------------------------------------------------

HEADER_CASES = [
    # (html before the body, url, expected published, expected source)
    (
        "<h1>某区召开法治讲座</h1><p>发布时间:2017-03-14【字体:大中小】来源:市环保局【打印本页】【关闭窗口】</p>",
        "https://www.mouqu.gov.cn/a.html",
        "2017-03-14",
        "市环保局",
    ),
    (
        "<h1>某区召开法治讲座</h1><p>来源: 峄城区司法局时间: 2021-03-08</p>",
        "https://www.mouqu.gov.cn/a.html",
        "2021-03-08",
        "峄城区司法局",
    ),
    (
        "<h1>某区召开法治讲座</h1><div>2024-11-20 19:26:35 - 某市政府研究室网站</div>",
        "https://www.mouqu.gov.cn/a.html",
        "2024-11-20T19:26:35+08:00",
        None,
    ),
    (
        "<h1>某区召开法治讲座</h1><div>发布日期：2020 年 03 月 16 日 供稿：某区司法局 浏览次数：12</div>",
        "https://www.mouqu.gov.cn/a.html",
        "2020-03-16",
        "某区司法局",
    ),
    ("<h1>某区召开法治讲座</h1>", "https://www.mouqu.gov.cn/art/2022/12/6/art_1_2.html", "2022-12-06", None),
    ("<h1>某区召开法治讲座</h1>", "https://www.mouqu.gov.cn/zwgk/202212/t20221216_1.html", "2022-12-16", None),
    ("<h1>某区召开法治讲座</h1><p>更新时间：2023-05-05</p>", "https://www.mouqu.gov.cn/a.html", None, None),
    ("<h1>某区召开法治讲座</h1>", "https://www.mouqu.gov.cn/a.html", None, None),
    (
        "<meta name='Maketime' content='2021-06-01 08:05:09'><h1>某区召开法治讲座</h1><p>发布日期：2021-06-02</p>",
        "https://www.mouqu.gov.cn/a.html",
        "2021-06-01T08:05:09+08:00",
        None,
    ),
    (
        '<meta name="firstpublishedtime" content="2022-06-28-11:59:00"><h1>某区召开法治讲座</h1>',
        "https://www.mouqu.gov.cn/a.html",
        "2022-06-28T11:59:00+08:00",
        None,
    ),
    (
        '<meta name="ContentSource" content="某区融媒体中心"><h1>某区召开法治讲座</h1><p>来源：别的来源</p>',
        "https://www.mouqu.gov.cn/a.html",
        None,
        "某区融媒体中心",
    ),
]


@pytest.mark.parametrize(("head", "url", "published", "source"), HEADER_CASES)
def test_published_and_source(head: str, url: str, published: str | None, source: str | None) -> None:
    got = article(f"<html><body>{head}{BODY}</body></html>", url)
    assert (got.published, got.source) == (published, source)


def test_dates_in_body_related_list_or_footer_are_never_used() -> None:
    html = """<html><body><h1>某区召开法治讲座</h1>
      <div id="zoom"><p>　　2022年6月28日，某区司法局组织开展法治讲座，机关干部一百余人参加学习。</p>
        <p>日期：2022-06-29 活动报名截止。</p></div>
      <div class="related"><h3>相关阅读</h3>
        <ul><li><a href="/b.html">某区另一条新闻的标题</a>2022-05-05</li></ul></div>
      <div class="footer">发布时间：2023-01-01 版权所有</div></body></html>"""
    assert article(html).published is None


def test_blocks_inside_the_body_are_dropped() -> None:
    html = """<html><body><h1>某区召开法治讲座</h1><div class="TRS_Editor">
      <p>　　某区司法局组织开展法治讲座，机关干部一百余人参加学习。</p>
      <table><tr><td>索引号</td><td>000-2023-01</td><td>发布机构</td><td>某区司法局</td></tr>
        <tr><td>成文日期</td><td>2023-01-01</td></tr></table>
      <p>　　讲座围绕新修订的行政复议法展开。</p>
      <div class="bdsharebuttonbox"><a>QQ空间</a><a>新浪微博</a></div>
      <ul class="xgwz"><li><a href="/b.html">别的文章标题在这里</a></li></ul>
    </div></body></html>"""
    assert article(html).text.split("\n") == [
        "某区司法局组织开展法治讲座，机关干部一百余人参加学习。",
        "讲座围绕新修订的行政复议法展开。",
    ]


def test_glued_info_line_inside_the_body_container() -> None:
    html = """<html><head><title>某区召开法治讲座-某区人民政府</title></head><body><div id="content">
      <h2>某区召开法治讲座</h2><p>发布时间：2023-04-01 来源：某区司法局</p>
      <p>　　某区司法局组织开展法治讲座，机关干部一百余人参加学习。</p></div></body></html>"""
    got = article(html)
    assert (got.title, got.published, got.source) == ("某区召开法治讲座", "2023-04-01", "某区司法局")
    assert got.text == "某区司法局组织开展法治讲座，机关干部一百余人参加学习。"


TITLE_CASES = [
    # a line break inside a title is markup wrapping; a space between two clauses is the headline's own
    ('<meta name="ArticleTitle" content=" 某区召开\n法治讲座 ">', "", "某区召开法治讲座"),
    (
        '<meta name="ArticleTitle" content="某区提速增效 企业开办压缩至0.5个工作日">',
        "",
        "某区提速增效 企业开办压缩至0.5个工作日",
    ),
    (
        '<meta name="ArticleTitle" content="某区\r\nBcc: x@example.org召开法治讲座">',
        "",
        "某区 Bcc: x@example.org召开法治讲座",
    ),
    (
        "",
        '<div class="header"><h1 class="logo">某区人民政府</h1></div><h1>某区召开\n   法治讲座</h1>',
        "某区召开法治讲座",
    ),
    ("<title>某区召开法治讲座 - 工作动态 - 某区人民政府</title>", "", "某区召开法治讲座"),
    ("<title>某区人民政府|某区召开2022-2025年法治讲座_工作动态</title>", "", "某区召开2022-2025年法治讲座"),
    ("<title>某区召开法治讲座—某区人民政府</title>", "<h1>某区人民政府</h1>", "某区召开法治讲座"),
]


@pytest.mark.parametrize(("head", "body_top", "title"), TITLE_CASES)
def test_title(head: str, body_top: str, title: str) -> None:
    assert article(f"<html><head>{head}</head><body>{body_top}{BODY}</body></html>").title == title


def test_split_title_keeps_year_ranges() -> None:
    parts = split_title("某区2022-2025年普法规划_通知公告_某区政府")
    assert parts == ["某区2022-2025年普法规划", "通知公告", "某区政府"]


# --- body fallback and failures --------------------------------------------------------------


def test_fallback_picks_the_densest_text_block() -> None:
    html = """<html><body><div class="topbar"><a href="/">首页</a><a href="/a/">机构概况</a></div>
      <div class="wrap"><div class="l"><p><a href="/x.html">链接里很长的一段导航文字不是正文内容</a></p></div>
      <div class="r"><p>　　某区召开全面依法治区委员会会议，研究部署下一阶段重点工作。</p>
      <p>　　会议强调，要坚持依法行政，加快建设法治政府。</p></div></div>
      <div class="ft"><p>主办单位：某区人民政府办公室　联系电话：0000-0000000</p></div></body></html>"""
    assert article(html).text.split("\n") == [
        "某区召开全面依法治区委员会会议，研究部署下一阶段重点工作。",
        "会议强调，要坚持依法行政，加快建设法治政府。",
    ]


@pytest.mark.parametrize(
    "html",
    [
        '<html><head><meta name="ArticleTitle" content="某区召开法治讲座"></head><body>'
        '<div class="nav">首页</div>'
        '<h1>某区召开法治讲座</h1><div class="TRS_Editor"> <p>　　</p></div></body></html>',
        "<html><body><h1>某区召开法治讲座</h1><div id='zoom'><img src='a.jpg'></div></body></html>",
        "<html><body><h1>某区召开法治讲座</h1></body></html>",
    ],
)
def test_header_without_body_is_empty(html: str) -> None:
    with pytest.raises(EmptyPage):
        article(html)


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"%PDF-1.7 binary", "application/pdf"),
        (b"%PDF-1.7 binary", ""),
        (b'{"a": 1}', "application/json"),
        (b"plain words only", ""),
    ],
)
def test_not_html(content: bytes, content_type: str) -> None:
    fetched = FetchedPage("https://www.mouqu.gov.cn/f", 200, content, content.decode(), "utf-8", content_type)
    with pytest.raises(NotHTML):
        parse_article(fetched)


def test_gbk_page_labelled_gb2312_parses_intact() -> None:
    from crawler.encoding import decode

    html = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        "<title>朱镕基同志题词展览开幕-某区</title></head><body><h1>朱镕基同志题词展览开幕</h1>"
        '<div id="zoom"><p>　　王堃等同志参观了朱镕基同志题词展览，并就法治宣传进行交流。</p></div>'
        "</body></html>"
    )
    content = html.encode("gbk")
    text, encoding = decode(content, "text/html; charset=gb2312")
    fetched = FetchedPage("https://www.mouqu.gov.cn/a.html", 200, content, text, encoding, "text/html")
    got = parse_article(fetched)
    assert got.title == "朱镕基同志题词展览开幕"
    assert got.text == "王堃等同志参观了朱镕基同志题词展览，并就法治宣传进行交流。"


# -- plain-text releases (govwatch extract FILE) ------------------------------------------------------

def test_text_headline_may_say_fabu_and_keeps_its_lead() -> None:
    got = parse_text("某市司法局发布2023年度行政复议统计分析报告\n近日,某市司法局印发分析报告,全年新收案件一千余件。\n"
                     "报告指出:全市行政复议工作呈现以下亮点:\n一是案件数量持续增长。")
    assert got.title == "某市司法局发布2023年度行政复议统计分析报告"
    assert got.text.startswith("近日,某市司法局印发分析报告")


def test_text_without_a_title_loses_no_paragraph() -> None:
    got = parse_text("\n凡事预则立。10月25日,市政府召开新闻发布会,介绍涉企免罚轻罚清单“升级版”。\n"
                     "触角延伸,“九大领域”纳新\n全市累计办理案件1.98万件。")
    assert got.title == ""
    assert got.text.startswith("凡事预则立。") and "1.98万件" in got.text


def test_text_unlabelled_date_line_under_the_title() -> None:
    got = parse_text("某县召开“优化营商环境”新闻发布会\n某某新闻·客户端 2025-12-24 09:26:02原创\n"
                     "记者 张三 报道\n12月23日,某县人民政府新闻办公室召开新闻发布会。")
    assert got.title == "某县召开“优化营商环境”新闻发布会"
    assert got.published.startswith("2025-12-24")
    assert "2025-12-24" not in got.text


def test_text_updated_time_is_the_date_when_nothing_else_is() -> None:
    got = parse_text("2020年某区法治政府建设情况报告\n文章来源:司法局 更新时间:2021/03/29 11:30:01\n"
                     "2020年,某区坚持依法行政,全面推进法治政府建设。")
    assert got.published.startswith("2021-03-29")
    labelled = parse_text("某区召开法治讲座\n发布时间:2021-03-08 更新时间:2021-04-01\n某区司法局组织开展法治讲座。")
    assert labelled.published.startswith("2021-03-08")


def test_text_salutation_is_neither_title_nor_subject() -> None:
    got = parse_text("\n\n福州市人民政府:\n2023年,罗源县坚持依法行政,全年办理行政复议案件36件。")
    assert got.title == ""
    assert got.text.startswith("2023年,罗源县")
    assert "福州市人民政府" not in got.text


def test_text_date_line_without_a_title_is_the_date() -> None:
    got = parse_text("\n某某日报客户端 2025-08-28 17:00:11\n8月28日,某市召开新闻发布会,介绍法治政府建设情况。")
    assert got.published.startswith("2025-08-28")
    assert got.text.startswith("8月28日")
    labelled = parse_text("关于2024年度某市行政复议工作的报告\n发布时期:2025-08-20 信息来源:市人大\n"
                          "全年新收案件二千余件。")
    assert labelled.published.startswith("2025-08-20")


def test_text_bracketed_or_dated_headline_is_the_title() -> None:
    got = parse_text("【法治政府建设】某市召开依法行政工作会议\n来源:某市司法局 发布时间:2023-03-21\n"
                     "会议指出,全市行政复议案件办结率达98%。")
    assert got.title == "【法治政府建设】某市召开依法行政工作会议"
    assert got.published.startswith("2023-03-21") and got.source == "某市司法局"
    dated = parse_text("某区2023年12月5日召开法治政府建设推进会\n会议通报了全年工作情况。")
    assert dated.title == "某区2023年12月5日召开法治政府建设推进会"


def test_text_sentence_ending_in_a_colon_is_body_not_salutation() -> None:
    got = parse_text("\n3月20日,市委召开全面依法治市工作会议。会议强调:\n一是强化组织领导。")
    assert got.text.startswith("3月20日,市委召开")


def test_text_hard_wrapped_first_line_with_a_date_stays_in_the_body() -> None:
    got = parse_text("某区召开法治讲座\n2023年3月5日,区司法局组织开展\n法治讲座,机关干部一百余人参加。")
    assert got.text.startswith("2023年3月5日,区司法局组织开展")
    assert got.published is None


def test_text_date_label_without_colon_and_report_dateline() -> None:
    got = parse_text("某县2023年度法治政府建设工作报告\n来源:某县司法局 作者: 发布时间 2025年09月05日 点击数:\n"
                     "2023年,某县坚持依法行政。")
    assert got.published.startswith("2025-09-05")
    report = parse_text("某旗人民政府2024年度法治政府建设情况报告\n"
                        "2025年3月17日在某旗第十六届人民代表大会常务委员会第二十四次会议上\n主任、各位副主任、委员:\n"
                        "2024年,某旗坚持依法行政。")
    assert report.published.startswith("2025-03-17")
    assert report.text.startswith("2024年,某旗")  # the dateline and the salutation are not body


def test_text_subtitle_under_the_headline_keeps_the_date_line_in_the_header() -> None:
    got = parse_text("法治护航北疆 共筑安全屏障\n—— 某旗法治政府建设五年综述\n"
                     "更新时间:2025年12月03日 10:17:19  来源:某某法治网\n五年来,某旗坚持依法行政。")
    assert got.title == "法治护航北疆 共筑安全屏障"
    assert got.published.startswith("2025-12-03") and got.source == "某某法治网"
    assert got.text.startswith("—— 某旗法治政府建设五年综述\n五年来")  # the subtitle stays body text
    assert "更新时间" not in got.text



def test_text_salutation_after_a_document_number_is_not_body() -> None:
    got = parse_text("某市\n某政呈〔2025〕5号\n某某省人民政府:\n2024年以来,我市坚持依法行政,全年办理行政复议案件36件。")
    assert "某某省人民政府" not in got.text
    assert got.text.endswith("2024年以来,我市坚持依法行政,全年办理行政复议案件36件。")
    body = parse_text("某区召开法治讲座\n区司法局组织开展法治讲座。会议强调:\n各街道办事处:\n要抓好落实。")
    assert "各街道办事处:" in body.text  # a salutation after a paragraph is the body's own


def test_text_newspaper_edition_line_dates_the_feature() -> None:
    got = parse_text("\n《某某日报》2025年11月29日03版\n以高水平法治护航高质量发展\n"
                     "——某市全面依法治市工作新闻发布会举行\n主持人:\n“十四五”期间,某市坚持依法行政。")
    assert got.title == "以高水平法治护航高质量发展"
    assert got.published == "2025-11-29"


def test_text_short_page_pieces_do_not_push_the_title_out_of_reach() -> None:
    got = parse_text("当前位置:\n首页 > 工作动态 > 各市动态\n—\n2023\n—\n01/19\n09:30\n—  分享  —\n"
                     "某市“四个坚持”助推法治化营商环境建设\n文章来源:法治某省 撰写时间:2024年05月31日 作者:信息员\n"
                     "2024年是关键一年,某市司法局坚持依法行政。")
    assert got.title == "某市“四个坚持”助推法治化营商环境建设"
    assert got.published == "2024-05-31" and got.source == "法治某省"


def test_text_headline_holding_a_disclosure_word_is_still_the_title() -> None:
    for title in ("某县关于开展行政规范性文件有效性评估工作的通知", "关于调整政府信息主动公开范围的公告"):
        got = parse_text(f"{title}\n发布时间:2024-03-01 来源:某县司法局\n现将有关事项通知如下。")
        assert (got.title, got.published, got.source) == (title, "2024-03-01", "某县司法局")


def test_text_subtitle_does_not_date_the_text() -> None:
    got = parse_text("某县宪法宣传周活动综述\n——写在2025年12月4日国家宪法日之际\n今年以来,某县开展宪法宣传。")
    assert got.title == "某县宪法宣传周活动综述" and got.published is None



def test_text_issuer_byline_or_caption_between_title_and_date() -> None:
    for middle in ("某某县人民政府", "通讯员 张三 李四", "图为启动仪式现场"):
        got = parse_text(f"关于某县2024年法治政府建设情况的报告\n{middle}\n2025年3月1日\n2024年,某县坚持依法行政。")
        assert got.title == "关于某县2024年法治政府建设情况的报告" and got.published == "2025-03-01", middle
        assert ("某某县人民政府" in got.text) == (middle == "某某县人民政府")  # the issuer names the place


def test_text_headlines_with_masthead_words_or_spaces_stay_titles() -> None:
    for title in ("某市数字报刊平台上线运行", "某县推出民法典电子版学习手册",
                  "法治护航 共筑平安 携手同行 共建和谐 再创佳绩"):
        got = parse_text(f"{title}\n发布时间:2025-03-01\n近日,某县召开大会。")
        assert (got.title, got.published) == (title, "2025-03-01")


FURNITURE_CASES = [
    # breadcrumb pieces (> 动态 > 公告), labels with spaces around the colon
    ("当前位置 : 首页\n> 某县动态 > 政务公告\n2025年某县法治政府建设情况\n"
     " 日期 : 2026-01-15  文章来源 : 司法局  字号 : [  ]\n2025年,某县坚持依法行政。",
     "2025年某县法治政府建设情况", "2026-01-15", "司法局"),
    # the rows of a 信息公开 disclosure table; a source line repeating its label
    ("首页\n>政府信息公开>工作信息\n索引号 002969771/2025-125341\n组配分类 政府建设 发布机构 区司法局\n"
     "生成日期 2025-03-25 公开方式 主动公开\n2024年度某区法治政府建设工作报告\n"
     "发布时间: 2025-03-25 09:21 信息来源: 区司法局 信息来源: 区司法局\n2024年,某区坚持依法行政。",
     "2024年度某区法治政府建设工作报告", "2025-03-25T09:21", "区司法局"),
    # the site's name, a follow-us line and the badges every government site carries
    ("某市司法局\n关注某市法宣在线微信\n国务院 互联网+督查\n某县司法局五举措强化矛盾纠纷排查化解\n"
     "2025-06-10\n今年以来,某县司法局坚持和发展新时代“枫桥经验”。",
     "某县司法局五举措强化矛盾纠纷排查化解", "2025-06-10", None),
    # a menu row of short words, told by its spaces
    ("首页 热点 时尚 直播 热图 科技 快消 小镇 专题 联盟\n某区综治中心:陈皮调百味 调解和万家\n"
     "时间:2025-06-04来源 : 某某网作者 : 佚名\n某区综治中心积极践行新时代“枫桥经验”。",
     "某区综治中心:陈皮调百味 调解和万家", "2025-06-04", "某某网"),
    ("市司法局\n\n网站首页 政务公开 政府信息公开指南 互动交流\n市司法局>专题专栏>法治政府建设工作情况报告\n"
     "某市人民政府2024年法治政府建设情况报告\n来源:市司法局 时间:2025-03-04 15:27:00 浏览次数: 30\n"
     "2024年,某市坚持依法行政。",
     "某市人民政府2024年法治政府建设情况报告", "2025-03-04", "市司法局"),
    # a breadcrumb with slashes
    ("首页 / 政务公开 / 年度报告 / 法治政府建设年报\n某地区司法局2023年度法治政府建设工作报告\n"
     "发布时间:2024-02-23 08:00\n年初以来,地区司法局坚持依法行政。",
     "某地区司法局2023年度法治政府建设工作报告", "2024-02-23", None),
    # a newspaper's masthead and page line
    ("某某日报 数字报纸\n00015版:今日某市\n某县实现乡镇综合行政执法队全覆盖\n"
     "近日,某县举行乡镇综合行政执法队集中揭牌仪式。",
     "某县实现乡镇综合行政执法队全覆盖", None, None),
    # 您当前的位置 breadcrumbs; a date line with an empty counter
    ("您当前的位置:首页\n> 政务公开 > 部门文件\n某县司法局2021年度法治政府建设工作报告\n"
     "发布日期: 2022-03-24 14:35 浏览次数:\n2021年,某县司法局深入推进依法行政。",
     "某县司法局2021年度法治政府建设工作报告", "2022-03-24", None),
    # a disclosure table with labels spaced to align (索 引 号, 标题 …), then the title and its own date
    ("索 引 号 sm0910-0120-2021-00002 文号某政文〔2021〕4号\n发布机构 某县人民政府 生成日期 2021-01-12\n"
     "标题 某县人民政府关于2020年法治政府建设情况报告\n有效性 有效\n某县人民政府关于2020年法治政府建设情况报告\n"
     "发布时间:2021-01-25 14:55\n2020年,我县坚持依法行政。",
     "某县人民政府关于2020年法治政府建设情况报告", "2021-01-25", None),
    # page controls above the title
    ("返回首页 回到顶部\n法治赋能烟火气 收官之年谱新篇\n——某县2025年普法宣传亮点工作全景纪实\n"
     "2025-11-25 09:33:06 来源:某某在线\n本报讯 2025年,某县司法局扎实推进普法。",
     "法治赋能烟火气 收官之年谱新篇", "2025-11-25", "某某在线"),
    # a time stamp on the source line
    ("两会看政法 | 某市司法:法治宣传迎两会\nwww.example.gov.cn 】 【 2025-03-03 16:11:12 】 【 来源:某某长安网\n"
     "全国两会召开在即,某市司法局开展法治宣传。",
     "两会看政法 | 某市司法:法治宣传迎两会", "2025-03-03", "某某长安网"),
    # an app's name, the title printed twice, the date under the second
    ("新浪新闻客户端\n在法治建设路上走在前列 某区奋力创建示范区\n在法治建设路上走在前列 某区奋力创建示范区\n"
     "2022年08月30日 09:56\n这里地处某省核心区,某区坚持依法行政。",
     "在法治建设路上走在前列 某区奋力创建示范区", "2022-08-30", None),
    # a table's values under the title: its index number, the issuer, the date, the title again
    ("无障碍阅读 关怀版 返回首页\n政府信息公开\n某区2023年度法治政府建设情况报告\n11370112004203454A/2024-6548321\n"
     "区司法局\n2024-03-08\n某区2023年度法治政府建设情况报告\n2023年,某区坚持依法行政。",
     "某区2023年度法治政府建设情况报告", "2024-03-08", None),
]


@pytest.mark.parametrize(("page", "title", "published", "source"), FURNITURE_CASES)
def test_text_page_furniture_above_the_title_is_not_it(page: str, title: str, published: str | None,
                                                        source: str | None) -> None:
    got = parse_text(page)
    assert got.title == title
    assert got.published is None if published is None else got.published.startswith(published)
    if source:
        assert got.source == source
    assert title not in got.text and "首页" not in got.text and "索引号" not in got.text


def test_text_disclosure_table_leaves_only_the_body() -> None:
    got = parse_text(FURNITURE_CASES[1][0])
    assert got.text == "2024年,某区坚持依法行政。"


@pytest.mark.parametrize("counter", ["0条评论", "评论(3)", "阅读量：356", "浏览次数: 12次"])
def test_comment_and_view_counters_under_the_body_are_not_text(counter: str) -> None:
    page = f"某区召开法治讲座\n2025-06-10\n全区受理行政复议案件120件。\n{counter}\n共受理评论2件。"
    got = parse_text(page)
    assert counter not in got.text
    assert "全区受理行政复议案件120件。" in got.text and "共受理评论2件。" in got.text


def test_text_newspaper_page_dateline_under_the_text_dates_it_and_is_not_body() -> None:
    got = parse_text("某某法制报 数字报纸\n00004版:平安巷\n多举措推进 区域治理现代化\n  通讯员 陈某\n"
                     "  本报讯 2020年以来,某区司法局深入推进诉源治理,化解纠纷2837起。\n"
                     "某某法制报 平安巷 00004 多举措推进 区域治理现代化 2021-03-26 2 2021年03月26日 星期五\n")
    assert got.published == "2021-03-26"
    assert "星期五" not in got.text and "化解纠纷2837起" in got.text


def test_text_meeting_date_with_weekday_in_a_sentence_is_not_the_dateline() -> None:
    got = parse_text("某区召开法治讲座\n2023年3月15日(星期三),某区司法局召开会议,部署全年工作。")
    assert "2023年3月15日(星期三)" in got.text


def test_text_schedule_line_with_a_weekday_stays_in_the_body() -> None:
    got = parse_text("某区召开法治讲座\n2024-05-18\n区司法局部署全年工作。\n"
                     "2024年5月20日星期一上午9:00在区政府三楼会议室召开推进会\n")
    assert "2024年5月20日星期一上午9:00在区政府三楼会议室召开推进会" in got.text
    assert got.published == "2024-05-18"


def test_text_table_date_above_the_title_and_a_byline_that_is_no_title() -> None:
    got = parse_text("政府信息公开\n• 信息索引号:\n330782000000/2024-549121\n• 发布机构:\n某市人民政府\n• 成文日期:\n"
                     "2024-02-19\n2023年某市法治政府建设工作情况报告\n2023年,某市坚持依法行政。")
    assert got.title == "2023年某市法治政府建设工作情况报告" and got.published == "2024-02-19"
    got = parse_text("某某日报·某某客户端 2025-06-20 08:04:26\n某某日报·某某客户端记者 张三 通讯员 李四\n"
                     "法治,是培育制造名城牢固基石。\n近年来,某市坚持依法行政。")
    assert got.title == "" and (got.published or "").startswith("2025-06-20")
    assert "记者" not in got.text and got.text.startswith("法治,是培育制造名城牢固基石。")


def test_text_pinyin_glued_by_a_mirror_site_is_removed() -> None:
    got = parse_text("某县司法局工作动态\n2024-01-05\n"
                     "某县投入經(jīng)費(fèi)超過(guò)1000萬(wàn)元,我(wǒ)們(men)開（kāi）展活動(huó)(dòng),上线应用程序(app)。")
    assert "投入經費超過1000萬元" in got.text and "我們開展活動" in got.text and "(app)" in got.text


@pytest.mark.parametrize("headline", ["全县司法行政系统通讯员培训会", "某区开展记者节活动"])
def test_text_headline_about_reporters_is_still_the_title(headline: str) -> None:
    got = parse_text(f"{headline}\n发布时间:2024-05-06\n会议部署了全年工作。")
    assert got.title == headline and (got.published or "").startswith("2024-05-06")
