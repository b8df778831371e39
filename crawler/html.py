"""Small HTML and text helpers shared by discovery and article parsing.

Wraps selectolax's lexbor parser and the text rules used across the crawler: counting Chinese
characters, collapsing whitespace in titles, and turning an element into paragraph lines.

Example::

    >>> tree = parse_html("<div><p>\u3000\u3000第一段</p><p>第二<b>段</b></p></div>")
    >>> block_lines(tree.css_first("div"))
    ['第一段', '第二段']
    >>> collapse_ws("关于印发\\n   法治政府  建设方案的通知")
    '关于印发法治政府建设方案的通知'
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

Node = LexborNode

CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
"""A Chinese character (CJK unified ideographs, extension A, compatibility ideographs)."""
_NON_CJK_RE = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")

BLOCK_TAGS = (
    "p, div, br, li, ul, ol, tr, table, h1, h2, h3, h4, h5, h6, section, article, "
    "blockquote, pre, dd, dt, dl, hr, header, footer, nav, aside, center"
)
"""Elements that end a line of text."""

_WS_RE = re.compile(r"[\s\u3000\xa0]+")
_LINE_WS_RE = re.compile(r"[^\S\n]+")
_WIDE = r"[\u2014-\u2027\u3000-\u303f\u3400-\u9fff\uff00-\uffef]"
_BREAK_GAP_RE = re.compile(rf"(?<={_WIDE})[ \t\u3000\xa0]*[\r\n][\s\u3000\xa0]*(?={_WIDE})")
_CTRL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029]")
_CJK_GAP_RE = re.compile(rf"(?<={_WIDE}) (?={_WIDE})")
_STRIP_CHARS = " \t\r\n\u3000\xa0\u200b\ufeff"


def parse_html(html: str) -> LexborHTMLParser:
    return LexborHTMLParser(html)


def cjk_count(text: str) -> int:
    # drop the (few, long) runs of everything else: what is left is the Chinese characters; a
    # findall of single characters builds one string per character and is three times slower
    return len(_NON_CJK_RE.sub("", text))


def cjk_at_least(text: str, n: int) -> bool:
    """``cjk_count(text) >= n``, reading only as far as the n-th Chinese character."""
    if n <= 0:
        return True
    for i, _ in enumerate(CJK_RE.finditer(text), 1):
        if i >= n:
            return True
    return False


def collapse_ws(text: str) -> str:
    """One space for any run of whitespace, none between two Chinese characters."""
    return _CJK_GAP_RE.sub("", _WS_RE.sub(" ", text)).strip()


def collapse_title(text: str) -> str:
    """Like :func:`collapse_ws`, but an authored space between Chinese words stays.

    ``提速增效 企业开办`` keeps its separator; a line break inside a title (markup wrapping) goes,
    and any control character becomes whitespace first, so a title is always one clean line.
    """
    text = _CTRL_RE.sub(" ", text)
    text = _BREAK_GAP_RE.sub("", text)
    return _WS_RE.sub(" ", text).strip()


def strip_line(text: str) -> str:
    """Strip a paragraph, full-width and no-break spaces included."""
    return text.strip(_STRIP_CHARS)


def node_text(node: Node) -> str:
    return collapse_ws(node.text(deep=True, separator=" "))


def block_lines(node: Node) -> list[str]:
    """The element's text as paragraph lines: one per block element, stripped, no empty lines.

    Mutates the tree (inserts line breaks), so call it on a tree you own.
    """
    for cell in node.css("td, th"):
        cell.insert_after(" ")
    for block in node.css(BLOCK_TAGS):
        block.insert_after("\n")
        if block.tag != "br":
            block.insert_before("\n")
    raw = node.text(deep=True, separator="")
    # one substitution over the whole text, not one per line: a run of whitespace inside a line is
    # a run of whitespace other than the line break
    lines = (strip_line(line) for line in _LINE_WS_RE.sub(" ", raw).split("\n"))
    return [line for line in lines if line]


def class_tokens(node: Node) -> list[str]:
    """Lowercased class names and id of an element."""
    attrs = node.attributes
    tokens = (attrs.get("class") or "").lower().split()
    if attrs.get("id"):
        tokens.append((attrs.get("id") or "").lower())
    return tokens


def ancestors(node: Node, limit: int = 50) -> list[Node]:
    out: list[Node] = []
    parent = node.parent
    while parent is not None and parent.tag not in ("html", "-undef", None) and len(out) < limit:
        out.append(parent)
        parent = parent.parent
    return out


def meta_content(tree: LexborHTMLParser, *names: str) -> str | None:
    """The content of the first ``<meta name=…>`` (or ``property=``) among ``names``, case-insensitive."""
    wanted = [n.lower() for n in names]
    found: dict[str, str] = {}
    for meta in tree.css("meta"):
        key = (meta.attributes.get("name") or meta.attributes.get("property") or "").lower()
        content = strip_line(meta.attributes.get("content") or "")
        if key in wanted and content and key not in found:
            found[key] = content
    return next((found[n] for n in wanted if n in found), None)
