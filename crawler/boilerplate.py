"""What is not content: blocks (navigation, header, footer, pagination, 相关阅读) and lines (【打印本页】…).

Rules are data: tag names, class/id words, headings that open a related-articles block, and
regular expressions for boilerplate lines. ``crawler.discover`` uses the block rules to skip links;
``crawler.body`` uses both to clean an article body.

Example::

    >>> clean_lines(["\u3000\u3000第一段正文。", "【打印本页】【关闭窗口】", "分享到：微信 微博",
    ...              "第二段正文。", "相关阅读", "另一篇文章的标题"])
    ['第一段正文。', '第二段正文。']
"""

from __future__ import annotations

import re

from crawler.html import Node, ancestors, class_tokens, collapse_ws, node_text

EXCLUDED_TAGS = frozenset({"nav", "header", "footer", "aside"})
EXCLUDED_CLASS_PARTS = (
    "nav", "menu", "header", "footer", "foot", "breadcrumb", "crumb", "pagination", "pager", "pagebar",
    "page_div", "related", "relate", "recommend", "sidebar", "copyright", "xgyd", "tjyd", "xgwz",
    "friend", "yqlj", "share",
)
"""Class names or ids containing one of these mark a non-content block."""

EXCLUDED_CLASSES = frozenset("top bottom page pages links link".split())
"""…or being exactly one of these."""

EXCLUDED_CLASS_WORDS = frozenset("head side fenye paging position location dqwz".split())
"""…or having one of these as a ``_``/``-`` separated word (``side_news``, ``list-head``)."""

RELATED_MARKERS = tuple(
    "相关阅读 推荐阅读 相关文章 相关链接 相关新闻 延伸阅读 今日热搜 "
    "热点推荐 热点新闻 热门文章 点击排行 猜你喜欢".split()
)
"""Headings that open a block of links to other articles."""

RELATED_SCAN_DEPTH = 6
"""How many ancestors of a link to check for a related-articles heading."""

_CUT_TOKENS = (
    r"[【\[]\s*(?:打印本页|打印此页|打印|关闭窗口|关闭本页|关闭|返回顶部|收藏本页|加入收藏)\s*[】\]]",
    r"[【\[]?\s*字[体号]\s*[:：]?\s*[【\[]?\s*大\s*中\s*小\s*[】\]]?",
    r"(?:打印本页|关闭窗口)",
    r"分享到\s*[:：]?.*$",
    r"扫一扫在手机(?:上)?打开当前页",
    r"[【\[]\s*(?:我要纠错|纠错)\s*[】\]]",
)
CUT_TOKEN_RE = re.compile("|".join(_CUT_TOKENS))
"""Boilerplate pieces removed from inside a line; a line left with no text is dropped."""

DROP_LINE_RE = re.compile(
    r"^(?:(?:责任编辑|编辑|审核人?|审稿|校对|供稿|来源|信息来源|作者|浏览次数|点击数|阅读次数|访问量)\s*[:：].{0,40}"
    r"|(?:发布时间|发布日期|时间|日期)\s*[:：].{0,80}"
    r"|(?:您现在的位置|您当前的位置|当前的位置|当前位置|您的位置|所在位置).*"
    r"|欢迎访问.{0,40}|网站首页.{0,40}|简体\s*繁体.*|无障碍.{0,10}"
    r"|(?:上一篇|下一篇)\s*[:：].*"
    r"|[0-9]+\s*条评论|评论\s*[(（]?[0-9]+[)）]?|(?:阅读|浏览)(?:量|数|次数)?\s*[:：]?\s*[0-9]+(?:次)?)$"
)
"""Whole lines that are metadata or chrome, not content."""

TAIL_MARKER_RE = re.compile(r"^(?:" + "|".join(RELATED_MARKERS) + r")\s*[:：]?\s*$")
"""A line that starts a related-articles tail: it and everything after it go."""

CUT_TOKEN_KEYS = ("【", "[", "字体", "字号", "打印本页", "关闭窗口", "分享到", "扫一扫在手机")
"""Every match of CUT_TOKEN_RE holds one of these: a line with none is left as it is."""

DROP_LINE_FIRSTS = frozenset("责编审校供来信作浏点阅访发时日您当所欢网简无上下评0123456789")
"""The first characters of DROP_LINE_RE's alternatives: a line starting otherwise is kept."""

INFO_LINE_RE = re.compile(r"(?:发布|来源|供稿|时间|日期|作者|浏览|点击|字[体号]|打印)\s*[:：]?")


def is_excluded(node: Node) -> bool:
    """True for a navigation/header/footer/pagination/share/related block."""
    if node.tag in EXCLUDED_TAGS:
        return True
    for token in class_tokens(node):
        if token in EXCLUDED_CLASSES or EXCLUDED_CLASS_WORDS.intersection(re.split(r"[_-]", token)):
            return True
        if any(part in token for part in EXCLUDED_CLASS_PARTS):
            return True
    return False


RELATED_HEADING_MAX_CHARS = 20
"""The first child of a related block is its heading (相关阅读, 相关阅读 更多>>), so it is short."""


def opens_with_related_heading(node: Node) -> bool:
    """True when the block starts with a related-articles heading of its own.

    A page container whose first child is a whole sidebar (``<main><aside><h4>热点新闻…``) does
    not count: its first child is long; the sidebar itself does.
    """
    if not any(marker in node_text(node)[:12] for marker in RELATED_MARKERS):
        return False
    for child in node.iter(include_text=True):
        text = node_text(child) if child.tag != "-text" else (child.text_content or "").strip()
        if text:
            return child.tag == "-text" or len(text) <= RELATED_HEADING_MAX_CHARS
    return False


def in_excluded_block(node: Node) -> bool:
    """True when ``node`` sits inside an excluded block or a related-articles block."""
    for depth, parent in enumerate(ancestors(node)):
        if is_excluded(parent):
            return True
        if depth < RELATED_SCAN_DEPTH and opens_with_related_heading(parent):
            return True
    return False


_TONED = r"[a-zü]{0,5}[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]{0,5}"
PINYIN_GLOSS = re.compile(rf"(?<=[\u4e00-\u9fff)）])[(（]{_TONED}[)）]")
"""(jīng) after a character: pinyin a mirror site glued into the text — a syllable with a tone mark (not a
bracketed figure, label or English word: 应用程序(app) stays)."""
_NEUTRAL = "de|men|le|zi|me|ge|zhe|li|ba|ma|ne|shang|xia|tou|mian"
PINYIN_ANY = re.compile(rf"(?<=[\u4e00-\u9fff)）])[(（](?:{_TONED}|{_NEUTRAL})[)）]")
"""…and, on a line that has such glosses, the common neutral-tone ones too (們(men), 的(de))."""


def clean_lines(lines: list[str]) -> list[str]:
    """Drop boilerplate lines and pieces; stop at a related-articles heading."""
    out: list[str] = []
    for line in lines:
        if TAIL_MARKER_RE.match(line):
            break
        if any(key in line for key in CUT_TOKEN_KEYS):
            line = CUT_TOKEN_RE.sub(" ", line)
        if ("(" in line or "（" in line) and PINYIN_GLOSS.search(line):
            line = PINYIN_ANY.sub("", line)  # 經(jīng)費(fèi): a mirror's pinyin after each character
        line = line.strip(" \u3000\xa0|｜")
        # collapsing whitespace keeps the first character, so most lines need no collapse to be kept
        if line and (line.lstrip()[:1] not in DROP_LINE_FIRSTS or not DROP_LINE_RE.match(collapse_ws(line))):
            out.append(line)
    return out


def is_info_line(line: str) -> bool:
    """A short line of article metadata (发布时间:… 来源:… 【字体:大 中 小】)."""
    return len(line) <= 160 and bool(INFO_LINE_RE.search(line))
