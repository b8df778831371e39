"""Find article links on a list page, with no per-site configuration.

The generic dispatcher: every registered CMS adapter (``crawler.adapters``) contributes hidden
list items (Hanweb ``<datastore>`` records, JPaaS JSON) and further list pages (TRS
``createPageHTML``, Hanweb ``<nextgroup>``); then every ``<a>`` (or ``onclick`` link) is scored.
A link is kept when its URL looks like an article (``t20221216_123.html``, ``/art/2022/12/16/…``,
``content/post_1.html``, dated paths…), it sits in a repeated list of sibling items, its title has
at least six Chinese characters, and a date is printed next to it — enough of these, and never
when it is in navigation, header, footer, pagination, a 相关阅读/推荐阅读 block, off-site, an
index/column page, an attachment, ``javascript:`` or ``mailto:``. ``item_selector`` (CSS for the
``<a>`` elements) replaces the scoring when a site needs it.

Example::

    >>> page = discover('<ul><li><a href="./202212/t20221216_1234567.html" title="关于开展法治宣传教育'
    ...                 '月活动的通知">关于开展法治宣传…</a><span>2022-12-16</span></li></ul>',
    ...                 "https://sfj.example.gov.cn/zwgk/tzgg/index.html")
    >>> page.refs[0].url
    'https://sfj.example.gov.cn/zwgk/tzgg/202212/t20221216_1234567.html'
    >>> page.refs[0].title, page.refs[0].published
    ('关于开展法治宣传教育月活动的通知', '2022-12-16')
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from crawler.adapters import LIST_ADAPTERS
from crawler.boilerplate import in_excluded_block
from crawler.dates import DATE_RE, MONTH_DAY_RE, date_from_url, parse_date, year_of
from crawler.html import Node, cjk_count, collapse_ws, node_text, parse_html
from crawler.records import ArticleRef, ListPage
from crawler.urls import canonicalize, same_site

logger = logging.getLogger(__name__)

STRONG_URL_SHAPES = (
    re.compile(r"/t\d{8}_\d+\.s?html?$"),
    re.compile(r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html$"),
    re.compile(r"/art/\d{4}/art_[0-9a-f]{32}\.html$"),
    re.compile(r"/content/post_\d+\.html$"),
    re.compile(r"/show\.php\?(?:.*&)?id=\d+"),
)
"""URL shapes of CMS article pages (TRS, Hanweb, JPaaS, gkmlpt, PHP CMSs)."""

WEAK_URL_SHAPES = (
    re.compile(r"/20\d{2}[-_/]?\d{2}(?:[-_/]?\d{2})?/[^/]+$"),
    re.compile(r"/\d{5,}\.s?html?$"),
    re.compile(r"/(?:content|detail|article|info|news|show)[\w-]*?\d{3,}", re.I),
    re.compile(r"[?&](?:id|articleid|docid|contentid|newsid|infoid)=\w+", re.I),
)
"""URL shapes that often, not always, mean an article."""

INDEX_PAGE_RE = re.compile(
    r"(?:/|/col/col\d+/(?:index(?:_\d+)?\.\w+)?|/(?:index|default|list|main)(?:_\d+)?\.(?:s?html?|jsp|php|aspx?))$",
    re.I,
)
NON_ARTICLE_PATHS = ("/module/web/jpage/dataproxy.jsp", "/module/download/")
ATTACHMENT_EXTS = frozenset(
    "pdf doc docx xls xlsx et wps ppt pptx zip rar 7z gz ofd txt "
    "jpg jpeg png gif bmp mp3 mp4 avi flv apk".split()
)
ATTACHMENT_QUERY_RE = re.compile(r"\.(?:" + "|".join(sorted(ATTACHMENT_EXTS)) + r")(?:&|$)", re.I)
SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "#", "data:", "about:")

NEXT_TEXTS = frozenset({"下一页", "下页", "后一页", "下一页>", "下一页>>", "下一页»", ">", "›", "»"})
PAGER_TEXTS = NEXT_TEXTS | {"上一页", "上页", "首页", "尾页", "末页", "前一页", "<", "‹", "«"}
ITEM_TAGS = frozenset({"li", "tr", "dd", "dt"})
LIST_CONTAINERS = frozenset({"ul", "ol", "table", "tbody", "dl", "body", "form"})
CUT_SUFFIXES = ("…", "...", "..", "⋯")
ONCLICK_URL_RE = re.compile(
    r"""['"]((?:https?:)?[^'"\s()]*?\.(?:s?html?|jsp|php|aspx?)(?:\?[^'"\s]*)?)['"]"""
)
STUB_REDIRECT_RE = re.compile(r"""location(?:\.href)?\s*(?:=|\.replace\()\s*["']([^"']+)["']""")
MIN_SCORE = 4
"""Scores: URL shape 0/2/4, repeated list item 2, title of MIN_TITLE_CJK+ Chinese characters 2, date 1."""
MIN_TITLE_CJK = 6
MIN_ANY_TITLE_CJK = 4
"""A link text shorter than this is navigation, whatever its URL."""


def discover(html: str, page_url: str, *, item_selector: str | None = None) -> ListPage:
    """Article links (ordered, de-duplicated by canonical URL) and the next list pages."""
    tree = parse_html(html)
    base = _base_url(tree, page_url)
    trees = [tree] + [parse_html(f) for adapter in LIST_ADAPTERS for f in adapter.fragments(html)]
    refs: list[ArticleRef] = []
    for doc in trees:
        anchors = doc.css(item_selector) if item_selector else doc.css("a")
        refs += [ref for a in anchors if (ref := _ref(a, base, page_url, scored=not item_selector))]
    refs = _dedupe(refs)
    next_pages = _next_pages(tree, html, base, page_url, found_refs=bool(refs))
    logger.info("discovered %s: %d articles, %d next pages", page_url, len(refs), len(next_pages))
    return ListPage(refs=tuple(refs), next_pages=tuple(next_pages))


def url_shape(url: str) -> int:
    """2 for a known CMS article URL, 1 for an article-ish one, 0 otherwise."""
    path_query = url.split("://", 1)[-1].partition("/")[2]
    path_query = "/" + path_query
    if any(p.search(path_query) for p in STRONG_URL_SHAPES):
        return 2
    return 1 if any(p.search(path_query) for p in WEAK_URL_SHAPES) else 0


def link_target(a: Node) -> str | None:
    """The link's href, or a page URL quoted in its onclick when the href leads nowhere."""
    href = (a.attributes.get("href") or "").strip()
    if href and not href.lower().startswith(SKIP_SCHEMES):
        return href
    match = ONCLICK_URL_RE.search(a.attributes.get("onclick") or "")
    return match.group(1) if match else None


def is_article_url(url: str) -> bool:
    """False for index/column pages, list proxies and attachments."""
    path = urlsplit(url).path
    ext = path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""
    if INDEX_PAGE_RE.search(path) or ext in ATTACHMENT_EXTS or path.startswith(NON_ARTICLE_PATHS):
        return False
    return not ATTACHMENT_QUERY_RE.search(urlsplit(url).query)


def _ref(a: Node, base: str, list_url: str, *, scored: bool) -> ArticleRef | None:
    url = _absolute(a, base)
    if url is None or not is_article_url(url):
        return None
    item = _item_of(a)
    title, published = _title_and_date(a, item, url)
    ref = ArticleRef(url=url, title=title or None, published=published, list_url=list_url)
    if scored and not _accepted(a, item, ref, list_url):
        return None
    return ref


def _absolute(a: Node, base: str) -> str | None:
    target = link_target(a)
    if not target:
        return None
    try:
        url = canonicalize(target, base)
    except ValueError:
        return None
    return url if url.startswith(("http://", "https://")) else None


def _accepted(a: Node, item: Node, ref: ArticleRef, list_url: str) -> bool:
    if not same_site(ref.url, list_url) or (ref.title or "") in PAGER_TEXTS or in_excluded_block(a):
        return False
    title_cjk = cjk_count(ref.title or "")
    score = 2 * url_shape(ref.url) + (ref.published is not None)
    score += 2 * _is_repeated(item) + 2 * (title_cjk >= MIN_TITLE_CJK)
    return score >= MIN_SCORE and title_cjk >= MIN_ANY_TITLE_CJK


def _item_of(a: Node) -> Node:
    """The list item holding this link: climb until an item tag, a list container or other links."""
    node = a
    while node.tag not in ITEM_TAGS and node.parent is not None:
        parent = node.parent
        if parent.tag in LIST_CONTAINERS or len(parent.css("a")) > 2:
            break
        node = parent
    return node


def _is_repeated(item: Node) -> bool:
    """True when the item has at least two siblings of its tag that also hold links."""
    parent = item.parent
    if parent is None:
        return False
    siblings = [n for n in parent.iter() if n.tag == item.tag and n.css_first("a") is not None]
    return len(siblings) >= 3 or (item.tag == "a" and len(parent.css("a")) >= 3)


def _title_and_date(a: Node, item: Node, url: str) -> tuple[str, str | None]:
    year = year_of(date_from_url(url))
    text, inner_date = _text_without_date(a, year)
    title = _full_title(text, collapse_ws(a.attributes.get("title") or ""))
    rest = node_text(item).replace(node_text(a), " ", 1) if item is not a else ""
    published = inner_date or parse_date(rest, year=year)
    return title, published[:10] if published else None


def _text_without_date(a: Node, year: int | None) -> tuple[str, str | None]:
    """Link text, minus a child element that holds only a date (card-style items), and that date."""
    text = node_text(a)
    for child in a.css("span, em, i, b, time, font, div, p"):
        child_text = node_text(child)
        if child_text and _only_date(child_text):
            return collapse_ws(text.replace(child_text, " ", 1)), parse_date(child_text, year=year)
    return text, None


def _only_date(text: str) -> bool:
    match = DATE_RE.search(text) or MONTH_DAY_RE.search(text)
    return bool(match) and not text.replace(match.group(0), "").strip(" []()【】（）")


def _full_title(text: str, title_attr: str) -> str:
    """The link text, or its ``title=`` when the text is cut (``…``) or a prefix of it."""
    if not title_attr or cjk_count(title_attr) == 0:
        return text
    stem = text.rstrip("".join(CUT_SUFFIXES)).strip()
    cut = text.endswith(CUT_SUFFIXES) or (len(title_attr) > len(text) and title_attr.startswith(stem))
    return title_attr if cut or not text else text


def _dedupe(refs: list[ArticleRef]) -> list[ArticleRef]:
    """First occurrence wins its place; a later one may fill in a missing title or date."""
    seen: dict[str, ArticleRef] = {}
    for ref in refs:
        old = seen.setdefault(ref.url, ref)
        better_title = cjk_count(ref.title or "") > cjk_count(old.title or "")
        title = ref.title if better_title else old.title
        seen[ref.url] = replace(old, title=title, published=old.published or ref.published)
    return list(seen.values())


def _base_url(tree: LexborHTMLParser, page_url: str) -> str:
    base = tree.css_first("base[href]")
    if base is None:
        return page_url
    try:
        return canonicalize(base.attributes.get("href") or "", page_url)
    except ValueError:
        return page_url


def _next_pages(
    tree: LexborHTMLParser, html: str, base: str, page_url: str, *, found_refs: bool
) -> list[str]:
    urls = [u for adapter in LIST_ADAPTERS for u in adapter.next_pages(html, base)]
    for a in tree.css("a"):
        if node_text(a) in NEXT_TEXTS and (target := link_target(a)):
            urls.append(target)
    if not found_refs and (stub := STUB_REDIRECT_RE.search(html)):
        # a redirect stub page: the real list lives where the script sends the browser
        urls.append(stub.group(1))
    out: list[str] = []
    for url in urls:
        try:
            canonical = canonicalize(url, base)
        except ValueError:
            continue
        if canonical not in out and canonical != canonicalize(page_url):
            out.append(canonical)
    return out
