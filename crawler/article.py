"""Read one article page: title, publication date, source and cleaned body text.

Title: ``<meta name="ArticleTitle">``, then the page heading (h1, .title…), then ``<title>``
minus its site and column parts. Published: meta (``PubDate``, ``Maketime``,
``firstpublishedtime``, ``publishdate``), then labelled lines next to the title (发布时间:…,
来源: …时间: …, ``2024-11-20 19:26:35 - 某某网站``), then the URL (``/art/2022/12/16/``,
``t20221216_``) — never the body, a related list or the footer; None rather than a wrong date.
Source: ``<meta name="ContentSource">`` or a 来源:/供稿: label. Body: see ``crawler.body``.

Example::

    >>> from crawler.records import FetchedPage
    >>> html = ('<html><head><title>关于开展普法宣传的通知_通知公告_临川市司法局</title></head><body>'
    ...         '<h1>关于开展普法宣传的通知</h1><div>发布时间：2022-12-16 09:30 来源：市司法局【打印】</div>'
    ...         '<div id="zoom"><p>\u3000\u3000为深入推进全市普法宣传工作，现将有关事项通知如下。</p></div>'
    ...         '</body></html>')
    >>> page = FetchedPage("https://sfj.example.gov.cn/a.html", 200, b"", html, "utf-8", "text/html")
    >>> article = parse_article(page)
    >>> article.title, article.published, article.source
    ('关于开展普法宣传的通知', '2022-12-16T09:30:00+08:00', '市司法局')
    >>> article.text
    '为深入推进全市普法宣传工作，现将有关事项通知如下。'
"""

from __future__ import annotations

import functools
import logging
import re

from selectolax.lexbor import LexborHTMLParser

from crawler.body import METADATA_FIELDS, METADATA_MARKERS, clean_body, find_body, strip_junk
from crawler.boilerplate import clean_lines, in_excluded_block, is_info_line
from crawler.dates import DATE_RE, date_from_url, parse_date
from crawler.errors import EmptyPage, NotHTML
from crawler.html import (
    CJK_RE,
    Node,
    block_lines,
    cjk_count,
    collapse_title,
    collapse_ws,
    meta_content,
    node_text,
    parse_html,
    strip_line,
)
from crawler.records import Article, FetchedPage

logger = logging.getLogger(__name__)

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TITLE_META = ("ArticleTitle",)
PUBLISHED_META = ("PubDate", "Maketime", "firstpublishedtime", "publishdate", "article:published_time")
SOURCE_META = ("ContentSource",)
HEADING_SELECTORS = (
    "h1", ".article-title", ".article_title", ".detail-title", ".title", "#title", ".tit", ".bt", "h2",
)
"""Where the article heading lives, most specific first; logos and nav headings are skipped."""

TITLE_SPLIT_RE = re.compile(r"\s*(?:[|_—–－｜]+|(?<!\d)-|-(?!\d)|\s-\s)\s*")
HEADER_WINDOW = 8
"""How many lines after the title may hold the date/source line."""

PRIMARY_DATE_LABEL_RE = re.compile(r"(?:发布时间|发布日期|发布时期|发表时间|发文日期)\s*[:：]?\s*")
"""发布时间: 2023-03-21, and 发布时间 2025年09月05日 with no colon (the date must follow at once)."""
DATELINE_RE = re.compile(
    r"[—\-\s(（]*(?:19|20)[0-9]{2}年[0-9]{1,2}月[0-9]{1,2}日在[^。]{2,80}(?:会议|大会)上[)）]?\s*$")
SALUTATION_LINE_RE = re.compile(r"[\u4e00-\u9fff、 ]{2,40}[:：]")
SALUTATION_RE = re.compile(r"(?:政府|党委|[市区县州]委|人大|常委会|委员会|办公室|领导|主任|委员|代表)")
GENERIC_DATE_LABEL_RE = re.compile(r"(?<!更新)(?<!修改)(?<!成文)(?<!截止)(?<!办结)(?:时间|日期)\s*[:：]\s*")
"""时间/日期, but not 更新时间 (updated), 成文日期 (signed), 截止时间 (deadline)…"""
UPDATED_LABEL_RE = re.compile(r"(?:更新时间|更新日期)\s*[:：]\s*")
INFO_LABEL_RE = re.compile(r"(?:发布时间|发布日期|来源|供稿|时间|日期|作者|浏览|点击|字[体号]|打印)\s*[:：]")
NUMERIC_DATE_RE = re.compile(r"(?<![0-9])(?:19|20)[0-9]{2}[-/.][0-9]{1,2}[-/.][0-9]{1,2}(?![0-9])"
                             r"|^\s*(?:19|20)[0-9]{2}年[0-9]{1,2}月[0-9]{1,2}日(?![,,。:：])")
"""How a date line prints its date: 2025-12-24 anywhere, or 2024年01月16日 opening the line (not
2023年3月5日, opening a sentence; a headline writes 2023年12月5日 inside, if any)."""
"""A labelled metadata field: a headline may say 发布 (…新闻发布会, …司法局发布…报告) but not 发布时间: …"""
LEADING_DATE_RE = re.compile(r"^\s*[\[【(（]?\s*" + DATE_RE.pattern)
SOURCE_RE = re.compile(r"(?:信息来源|文章来源|来源|供稿单位|供稿)\s*[:：]\s*(.+)")
SOURCE_END_RE = re.compile(
    r"(?:信息来源|文章来源|来源|发布|撰写|撰稿|时间|日期|作者|浏览|点击|访问|阅读|字[体号]|分享|打印|责任编辑|编辑|【|\[|\||｜|\s{2,}|"
    + DATE_RE.pattern + r")"
)
SENTENCE_PUNCT_RE = re.compile(r"[，。；！？]")
BODY_START, BODY_END = "\x00govwatch-body-start\x00", "\x00govwatch-body-end\x00"


def parse_article(page: FetchedPage) -> Article:
    """Parse ``page``; NotHTML for other content, EmptyPage when there is no body text."""
    require_html(page)
    tree = parse_html(page.text)
    strip_junk(tree)
    title = find_title(tree)
    body = find_body(tree)
    if body is None:
        raise EmptyPage(page.url, "no body element with text")
    clean_body(body)
    before, body_lines = _split_lines(tree, body)
    header, body_lines = _header_lines(before, body_lines, title)
    text = "\n".join(clean_lines(body_lines))
    if not CJK_RE.search(text):
        raise EmptyPage(page.url, "body has no text")
    published = find_published(tree, header, page.url)
    source = meta_content(tree, *SOURCE_META) or find_source(header)
    logger.info("parsed %s: %r published=%s chars=%d", page.url, title, published, len(text))
    return Article(url=page.url, title=title, text=text, published=published, source=source)


def require_html(page: FetchedPage) -> None:
    """Raise NotHTML unless ``page`` is an HTML (or untyped, markup-looking) document."""
    ctype = page.content_type.split(";")[0].strip().lower()
    if ctype and ctype not in HTML_TYPES:
        raise NotHTML(page.url, page.content_type)
    head = page.text[:2048].lower()
    if not ctype and (page.content[:5] == b"%PDF-" or "<" not in head):
        raise NotHTML(page.url, page.content_type)


def find_title(tree: LexborHTMLParser) -> str:
    """ArticleTitle meta, else the page heading, else the best part of ``<title>``; "" if none."""
    meta = meta_content(tree, *TITLE_META)
    if meta and cjk_count(meta) + len(meta) >= 4:
        return collapse_title(meta)
    title_node = tree.css_first("title")
    parts = split_title(title_node.text(deep=True)) if title_node else []
    best = max(parts, key=cjk_count, default="")
    headings = _headings(tree)
    flat = best.replace(" ", "")
    for heading in headings:
        if heading.replace(" ", "") == flat or (len(heading) >= 4 and heading in flat):
            return best
    return next((h for h in headings if h not in parts), best)


def split_title(title: str) -> list[str]:
    """``文章标题-栏目-站点`` → its parts (hyphens between digits, as in 2022-2025, are kept)."""
    return [p for p in (collapse_title(part) for part in TITLE_SPLIT_RE.split(title)) if p]


def _headings(tree: LexborHTMLParser) -> list[str]:
    out: list[str] = []
    for selector in HEADING_SELECTORS:
        for node in tree.css(selector):
            text = node_text(node)
            if 4 <= cjk_count(text) and len(text) <= 150 and not in_excluded_block(node) and text not in out:
                out.append(text)
    return out


def _split_lines(tree: LexborHTMLParser, body: Node) -> tuple[list[str], list[str]]:
    """The page's lines before the body, and the body's lines."""
    body.insert_before(f"\n{BODY_START}\n")
    body.insert_after(f"\n{BODY_END}\n")
    lines = block_lines(tree.body or tree.root)  # type: ignore[arg-type]
    start = lines.index(BODY_START)
    end = lines.index(BODY_END, start)
    return lines[:start], lines[start + 1 : end]


def _header_lines(before: list[str], body: list[str], title: str) -> tuple[list[str], list[str]]:
    """Lines that may carry the date and source: next to the title, outside or at the top of the body."""
    at = _title_index(before, title)
    header = before[max(0, at - 2) : at + 1 + HEADER_WINDOW] if at >= 0 else before[-HEADER_WINDOW:]
    lead = _title_index(body[:3], title) + 1
    while lead < min(len(body), 5) and is_info_line(body[lead]) and cjk_count(body[lead]) < 60:
        lead += 1
    return header + body[:lead], body[lead:]


def _title_index(lines: list[str], title: str) -> int:
    if not title:
        return -1
    for i, line in enumerate(lines):
        flat = collapse_ws(line)
        if flat == title or (cjk_count(flat) >= 4 and (flat in title or _glued_title(flat, title))):
            return i
    return -1


def _glued_title(line: str, title: str) -> bool:
    """The title with metadata glued on, not a sentence of the body that repeats the title."""
    return title in line and len(line) < 200 and not SENTENCE_PUNCT_RE.search(line.replace(title, ""))


def find_published(tree: LexborHTMLParser, header: list[str], url: str) -> str | None:
    """Meta, then labelled header lines, then a header line starting with a date, then the URL."""
    meta = meta_content(tree, *PUBLISHED_META)
    published = parse_date(meta) if meta else None
    for pattern in (PRIMARY_DATE_LABEL_RE, GENERIC_DATE_LABEL_RE):
        published = published or _labelled_date(header, pattern)
    for line in header:
        if published is None and LEADING_DATE_RE.match(line):
            published = parse_date(line)
    return published or date_from_url(url)


def _labelled_date(lines: list[str], label: re.Pattern[str]) -> str | None:
    for line in lines:
        for match in label.finditer(line):
            value = parse_date(line[match.end() : match.end() + 40])
            if value and DATE_RE.match(line[match.end() :]):
                return value
    return None


def find_source(header: list[str]) -> str | None:
    """The 来源:/供稿: value, cut before the next label on a glued line."""
    for line in header:
        match = SOURCE_RE.search(line)
        if match:
            value = SOURCE_END_RE.split(match.group(1), maxsplit=1)[0].strip(" :：,，;；")
            if value and len(value) <= 40:
                return value
    return None


def parse_text(text: str, *, url: str = "") -> Article:
    """Read a release saved as plain text: page furniture, a title line, a date/source line, the body.

    The title is the first line near the top that reads like a headline (Chinese, not a sentence,
    not navigation); the date and source come only from the lines right around it.

    Example::

        >>> article = parse_text("网站首页 > 工作动态\\n某区召开法治讲座\\n来源: 某区司法局时间: 2021-03-08\\n"
        ...                      "某区司法局组织开展法治讲座,机关干部一百余人参加学习。")
        >>> article.title, article.published, article.source
        ('某区召开法治讲座', '2021-03-08', '某区司法局')
        >>> article.text
        '某区司法局组织开展法治讲座,机关干部一百余人参加学习。'
    """
    lines = [line for line in (strip_line(raw) for raw in text.splitlines()) if line]
    at = _title_at(lines)
    title = collapse_title(lines[at]) if at >= 0 else ""
    lead = at + 1
    subtitles: list[str] = []  # —— 某旗法治政府建设五年综述: body text, but the date line may follow it
    skipped = 0
    while lead < min(len(lines), at + 1 + 3 + len(subtitles) + skipped):
        if at >= 0 and (lines[lead] == lines[at] or not CJK_RE.search(lines[lead])):
            skipped += 1  # the title printed again, a table's index number: the date may follow them
        elif at >= 0 and (_subtitle(lines[lead]) or _issuer(lines[lead])):
            subtitles.append(lines[lead])  # 某某县人民政府 under a report's title: body (it names the place)
        elif not (_header_line(lines[lead]) or _salutation(lines[lead]) or BYLINE_RE.match(lines[lead])):
            break
        lead += 1
    header = [line for line in lines[max(0, at) : lead] if line not in subtitles] if at >= 0 else [""] + lines[:lead]
    # [0]: the title, or "" for a missing one; a subtitle (——写在12月4日国家宪法日之际) dates nothing
    rest = [line for i, line in enumerate(lines[lead:]) if not _addressee(lines, lead + i)
            and not (i < HEADER_WINDOW and _byline(line))]
    datelines = [line for line in rest if PAGE_DATELINE_RE.search(line) and not SENTENCE_MARK_RE.search(line)]
    body = "\n".join(clean_lines(subtitles + [line for line in rest if line not in datelines]))
    if cjk_count(body) == 0:
        raise EmptyPage(url or "<text>", "no body text")
    published = (find_published(parse_html(""), header, url) or _loose_date(header[1:]) or _updated(header)
                 or _edition_date(lines[:max(0, at)]) or _table_date(lines[:max(0, at)])
                 or next(filter(None, map(parse_date, datelines)), None))
    return Article(url=url, title=title, text=body, published=published, source=find_source(header))


def _title_at(lines: list[str]) -> int:
    """The title line: the first headline near the top, unless the body starts before any (-1: no title,
    and no line is dropped as a header)."""
    seen = 0
    for i, line in enumerate(lines):
        if _headline(line) and not _issuer(line):  # 某市司法局 above the title is the site's name
            return i
        if _paragraph(line) or _salutation(line):
            return -1
        if _disclosure(line) or in_nav(line):
            continue  # the rows of a 信息公开 table and navigation: however many, the title is below them
        seen += bool(CJK_RE.search(line))  # a page's "—", "2023", "01/19" pieces do not count
        if seen >= HEADER_WINDOW:
            break
    return -1


def _issuer(line: str) -> bool:
    """某市司法局, 某某县人民政府: a line that is only the name of a government body."""
    return bool(ISSUER_RE.fullmatch(collapse_ws(line)))


ISSUER_RE = re.compile(r"(?:中共)?[\u4e00-\u9fff]{2,14}?(?:人民政府|政府|司法局|委员会|办公室|司法厅|人民法院|局)"
                       r"(?:办公室)?")

BYLINE_IN_RE = re.compile(r"(?:记者|通讯员)\s+[\u4e00-\u9fff]{2,4}(?:\s|$)")
"""…记者 李永亮 通讯员 …: a byline spaces its names (通讯员培训会, 记者节活动 are headlines)."""
BYLINE_RE = re.compile(r"\s*(?:通讯员|记者|本报记者|作者|摄影|图/|文/|文图|图文|图为)")
"""通讯员 张三 李四, 图为启动仪式现场: who wrote it, or a caption, between the title and the date."""


def _byline(line: str) -> bool:
    """湖南日报·新湖南客户端记者 李永亮 通讯员 历镜仁: who wrote it, a short line of names with no sentence."""
    return bool(BYLINE_IN_RE.search(line)) and cjk_count(line) <= 40 and not SENTENCE_MARK_RE.search(line)


def _subtitle(line: str) -> bool:
    """——某旗法治政府建设五年综述: a subtitle under the headline."""
    flat = collapse_ws(line)
    return flat.startswith(SUBTITLE_MARKS) and 4 <= cjk_count(flat) <= 60 and not _paragraph(flat)


SUBTITLE_MARKS = ("——", "--", "—", "──")


def _addressee(lines: list[str], i: int) -> bool:
    """保定市 / 保政呈〔2025〕5号 / 河北省人民政府: — a salutation among the first lines, before any paragraph,
    names whom a report is sent to, not what it is about."""
    return (i < HEADER_WINDOW and _salutation(lines[i])
            and not any(_paragraph(line) for line in lines[:i]))


def _salutation(line: str) -> bool:
    """福州市人民政府:, 中共红河州委、红河州人民政府: — the bodies a report is addressed to (names only,
    no sentence: 3月20日,市委召开会议。会议强调: is body text), not its title nor its subject."""
    return bool(SALUTATION_LINE_RE.fullmatch(line.strip())) and bool(SALUTATION_RE.search(line))


def _headline(line: str) -> bool:
    flat = collapse_ws(line)
    return (6 <= cjk_count(flat) and len(flat) <= 80 and not flat.endswith(("。", "!", "!", ":", ":"))
            and not SECTION_HEAD_RE.match(flat)  # 一、坚持高位引领: a section of the body
            and not BYLINE_IN_RE.search(line)  # 湖南日报·新湖南客户端记者 李永亮 通讯员 …: who wrote it
            and not EDITION_RE.match(flat) and not INFO_LABEL_RE.search(flat) and not NUMERIC_DATE_RE.search(flat)
            and not in_nav(flat) and not _disclosure(line) and not MENU_RE.fullmatch(line.strip()))


def _disclosure(line: str) -> bool:
    """索引号 002969771/2025-125341, 组配分类 政府建设 发布机构 区司法局: a row of a disclosure table — a field
    used as a label (a space or colon after it), or two fields; 关于调整政府信息主动公开范围的公告 is a headline.
    Labels spaced out to align a table (索 引 号, 文       号:) are read closed up."""
    line = SPACED_LABEL_RE.sub(lambda m: m.group(0).replace(" ", "").replace("\u3000", ""), line)
    if any(m in line for m in METADATA_MARKERS) or _disclosure_re().search(line):
        return True
    return sum(field in line for field in METADATA_FIELDS) >= 2


@functools.cache
def _disclosure_re() -> re.Pattern[str]:
    return re.compile(rf"(?:{'|'.join(METADATA_FIELDS)})\s*[:：\s]")


SECTION_HEAD_RE = re.compile(r"[一二三四五六七八九十]{1,3}、|[(（][一二三四五六七八九十]{1,3}[)）]")
REPORT_OPENING_RE = re.compile(r"(?:报告|汇报|总结|介绍)如下\s*[:：]$")


SPACED_LABEL_RE = re.compile(r"^\s*[\u4e00-\u9fff](?:[ \u3000]+[\u4e00-\u9fff]){1,3}(?=\s*[:：]|\s)")
"""索 引 号, 文       号: a label spaced out to the width of the others."""


def _paragraph(line: str) -> bool:
    """Body text: a sentence, a line too long for a headline, or a report's opening (…情况报告如下:)."""
    flat = collapse_ws(line)
    return not in_nav(flat) and (cjk_count(flat) > 80 or flat.endswith(("。", "!", "!", "?", "?"))
                                 or bool(REPORT_OPENING_RE.search(flat)))


def _header_line(line: str) -> bool:
    """A date/source line under the title: labelled (来源: 发布时间:), short and holding a full date
    (大众新闻 2025-12-24 09:26), or a report's dateline (2025年3月17日在…人民代表大会常务委员会…会议上)."""
    if DATELINE_RE.match(line):
        return True
    if cjk_count(line) >= 60 or _paragraph(line):
        return False
    return is_info_line(line) or (bool(NUMERIC_DATE_RE.search(line)) and cjk_count(line) < 30)


EDITION_RE = re.compile(r"^《[^《》]{2,16}》\s*(?:19|20)[0-9]{2}年[0-9]{1,2}月[0-9]{1,2}日")
"""《遂宁日报》2025年11月29日03版: the newspaper and edition a feature was printed in."""


PAGE_DATELINE_RE = re.compile(r"(?:19|20)[0-9]{2}年[0-9]{1,2}月[0-9]{1,2}日\s*(?:星期|周)[一二三四五六日天]\s*$")
"""浙江法制报 平安巷 00004 … 2021年03月26日 星期五: a newspaper page's dateline (under the text or above it),
the weekday ending the line (not 2024年5月20日星期一上午9:00在…召开推进会)."""
SENTENCE_MARK_RE = re.compile(r"[,，。;；!！?？]")


def _edition_date(lines: list[str]) -> str | None:
    """The date of a newspaper edition line above the headline, when nothing else dates the text."""
    return next((parse_date(line) for line in lines if EDITION_RE.match(collapse_ws(line))), None)


TABLE_DATE_LABEL_RES = (PRIMARY_DATE_LABEL_RE, re.compile(r"(?:公开日期|生成日期|成文日期|印发日期)\s*[:：]?\s*"))
"""The dates of a 信息公开 table: of publication first, else of the document."""


def _table_date(lines: list[str]) -> str | None:
    """The date a 信息公开 table above the title gives (生成日期 2024-03-05, or its value on the next line)."""
    for label in TABLE_DATE_LABEL_RES:
        for i, line in enumerate(lines):
            for m in label.finditer(line):
                rest = line[m.end():].strip() or (lines[i + 1] if i + 1 < len(lines) else "")
                value = parse_date(rest[:40]) if DATE_RE.match(rest.strip()) else None
                if value:
                    return value
    return None


def _loose_date(lines: list[str]) -> str | None:
    """A full date anywhere in a short unlabelled header line, or a time stamp on a source line
    (【 2025-03-03 16:11:12 】 【 来源:达州长安网)."""
    return next((d for line in lines if (not is_info_line(line) or STAMP_RE.search(line)) and (d := parse_date(line))),
                None)


STAMP_RE = re.compile(r"(?<![0-9])(?:19|20)[0-9]{2}-[0-9]{1,2}-[0-9]{1,2}\s+[0-9]{1,2}:[0-9]{2}")


def _updated(lines: list[str]) -> str | None:
    """更新时间: the only date some pages print; used when nothing names the publication."""
    return _labelled_date(lines, UPDATED_LABEL_RE)


def in_nav(line: str) -> bool:
    """Navigation and welcome lines at the top of a scraped page."""
    return bool(NAV_LINE_RE.search(line))


NAV_LINE_RE = re.compile(r"欢迎|当前位置|现在的位置|当前的位置|网站地图|首页\s*[>>»/／]|简体|无障碍|登录|注册"
                         r"|返回首页|回到顶部|返回顶部|^\s*政府信息公开\s*$|客户端\s*$"
                         r"|^\s*[>>»]|[>>»][^>>»]{1,12}[>>»]|数字报纸?$|电子版$|关注.{1,12}(?:微信|公众号)$"
                         r"|互联网\+督查|我为政府网站找错")
"""…and breadcrumb pieces: a line opening with ``>`` (> 陇西动态 > 政务公告) or holding two of them; a
newspaper's masthead (浙江日报 数字报纸); a follow-us line (关注某市法宣在线微信); the badges every government
site carries (国务院 互联网+督查, 我为政府网站找错)."""
MENU_RE = re.compile(r"(?:\S{1,2}\s+){5,}\S{1,2}|(?:网站)?首页(?:\s+\S{1,10}){2,}")
"""首页 热点 时尚 直播 热图 科技…, 网站首页 政务公开 政府信息公开指南…: a menu row, told by its spaces (read
before they are collapsed)."""
