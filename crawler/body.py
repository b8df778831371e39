"""Find and clean the body of an article page.

Extraction is a fallback chain, as in trafilatura: an ordered list of CMS body selectors (first
match with enough Chinese text wins), then the element that gathers the most paragraph text and
the fewest links. Cleaning drops scripts and styles, 索引号 metadata tables, share/print/related
blocks inside the body, and boilerplate lines (see ``crawler.boilerplate``).

Example::

    >>> from crawler.html import block_lines, parse_html
    >>> tree = parse_html('<div class="nav">首页</div><div class="TRS_Editor"><p>\u3000\u3000临川市法治宣传'
    ...                   '活动今日启动，全市各单位积极参与。</p><p>【打印本页】</p></div>')
    >>> node = find_body(tree)
    >>> clean_body(node)
    >>> block_lines(node)
    ['临川市法治宣传活动今日启动，全市各单位积极参与。', '【打印本页】']
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from crawler.boilerplate import in_excluded_block, is_excluded, opens_with_related_heading
from crawler.html import Node, cjk_at_least, cjk_count, node_text

BODY_SELECTORS = (
    "div.TRS_Editor", "div.TRS_UEDITOR", ".trs_editor_view", "#zoom", "div.neirong", "div.main_section",
    "#UCAP-CONTENT", ".pages_content", "#content", ".article-content", ".article_content", ".content_text",
    ".detail-content", ".con_text", "article",
)
"""Where CMSs put the body, most specific first (TRS, Hanweb, JPaaS, Ucap, gov.cn, generic)."""

CMS_BODY_SELECTORS = frozenset(BODY_SELECTORS[:6])
"""When one of these exists but is empty, the page has no body: do not guess another element."""

MIN_BODY_CJK = 10
"""Fewer Chinese characters than this is not a body."""

JUNK_TAGS = "script, style, noscript, iframe, input, button, select, textarea, object, embed, svg, template"
"""Never content. Not ``form``: ASP.NET sites wrap the whole page in one."""
METADATA_MARKERS = ("索引号",)
METADATA_FIELDS = ("发布机构", "发文机关", "发文机构", "成文日期", "发布日期", "主题分类", "文号", "公开方式", "有效性",
                   "组配分类", "体裁分类", "公开范围", "生成日期", "文件编号", "信息分类", "信息名称", "文件名称",
                   "名称", "标题")
"""The fields of a 政府信息公开 table (索引号 …): a block holding two is one (and, in plain text, a line
using one as a label is a row of one: see ``crawler.article``)."""
METADATA_MAX_CHARS = 600
PARAGRAPHS = "p, td, div, section, font, span"


def strip_junk(tree: LexborHTMLParser) -> None:
    """Remove scripts, styles, forms and the like from the whole page."""
    for node in tree.css(JUNK_TAGS):
        node.decompose()


def find_body(tree: LexborHTMLParser) -> Node | None:
    """The body element: first CMS selector with enough text, else the densest paragraph parent."""
    cms_container_seen = False
    for selector in BODY_SELECTORS:
        for node in tree.css(selector):
            # node_text() only collapses whitespace: the raw text has as many Chinese characters
            if cjk_at_least(node.text(deep=True, separator=" "), MIN_BODY_CJK):
                return node
            cms_container_seen = cms_container_seen or selector in CMS_BODY_SELECTORS
    return None if cms_container_seen else densest(tree)


def densest(tree: LexborHTMLParser) -> Node | None:
    """The element whose paragraphs hold the most Chinese text outside links (readability-style)."""
    scores: dict[int, tuple[float, Node]] = {}
    for node in tree.css(PARAGRAPHS):
        text = node_text(node) if node.tag == "p" else (node.text(deep=False) or "")
        own = cjk_count(text) - sum(cjk_count(node_text(a)) for a in node.css("a"))
        if own < MIN_BODY_CJK or in_excluded_block(node):
            continue
        for weight, holder in ((1.0, node.parent), (0.5, node.parent.parent if node.parent else None)):
            if holder is not None and holder.tag not in ("body", "html"):
                old = scores.get(holder.mem_id, (0.0, holder))[0]
                scores[holder.mem_id] = (old + weight * own, holder)
    if not scores:
        return None
    return max(scores.values(), key=lambda item: item[0])[1]


def clean_body(node: Node) -> None:
    """Remove metadata tables and non-content blocks inside the body (outermost first)."""
    doomed: list[Node] = []
    doomed_ids: set[int] = set()
    for child in node.css("*"):
        if child.mem_id == node.mem_id or _inside(child, doomed_ids, node):
            continue
        if is_excluded(child) or _is_metadata_block(child) or _is_related_block(child):
            doomed.append(child)
            doomed_ids.add(child.mem_id)
    for child in doomed:
        child.decompose()


def _inside(child: Node, doomed_ids: set[int], stop: Node) -> bool:
    parent = child.parent
    while parent is not None and parent.mem_id != stop.mem_id:
        if parent.mem_id in doomed_ids:
            return True
        parent = parent.parent
    return False


def _is_metadata_block(node: Node) -> bool:
    """A 索引号 table: index number, issuing body, dates, document number…"""
    if node.tag not in ("table", "div", "ul", "dl"):
        return False
    text = node_text(node)
    if len(text) > METADATA_MAX_CHARS or not any(m in text for m in METADATA_MARKERS):
        return False
    return sum(field in text for field in METADATA_FIELDS) >= 2


def _is_related_block(node: Node) -> bool:
    return node.tag in ("div", "ul", "dl", "section", "table") and opens_with_related_heading(node)

