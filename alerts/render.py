"""Turn an :class:`~alerts.records.Alert` into a subject, a text body, an HTML body and a chat message.

Everything shown comes from scraped pages, so it is treated as hostile: fields are flattened to one
line (control characters and line breaks become one space, see :mod:`alerts.views`), the HTML
template autoescapes, Markdown special characters are backslash-escaped, and a link is only made
for ``http(s)`` URLs. Each body kind has one template in ``alerts/templates/`` (``email.txt.j2``,
``email.html.j2``) that lays out the sections :func:`alerts.views.view` builds for every event type.

    >>> alert = Alert(id="a1", type="release.new", timestamp=0, region="北京",
    ...               title="关于印发\\r\\n《工作要点》的通知", url="https://www.beijing.gov.cn/a.html")
    >>> subject(alert)
    '[govwatch] 北京 · 关于印发 《工作要点》的通知'
    >>> "关于印发" in text_body(alert) and "<a href=" in html_body(alert)
    True
    >>> markdown_body(alert).splitlines()[:3]
    ['**关于印发 《工作要点》的通知**', '', '[查看原文](https://www.beijing.gov.cn/a.html)']

Subjects by type: ``[govwatch] 枣庄市 · 出庭应诉率 97% → 100% (2021年)`` (metric.changed),
``… · 新指标: 出庭应诉率 100% (2021年)``, ``… · 新举措: 《…》``, ``… · 已更新: <title>``,
``[govwatch] 摘要: 12 条更新 (2026-11-21 08:00 以来)``, ``[govwatch] 测试消息: …``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jinja2

from alerts.records import Alert
from alerts.views import View, one_line, view

__all__ = ["context", "html_body", "markdown_body", "one_line", "subject", "text_body"]

SUBJECT_LIMIT = 200
"""Longest subject, in characters; longer ones are cut and end with an ellipsis."""

DIGEST_LIMIT = 50
"""Most events a digest email shows in full; the rest are counted in one line."""

MARKDOWN_FACTS = 10
"""Most facts (metrics, changes, initiatives, digest events) a chat message lists."""

MARKDOWN_BYTES = 1500
"""Longest chat body in UTF-8 bytes: with a subject it stays under WeCom's 2,048-byte text limit."""

FACT_LIMIT = 120
"""Longest single fact in a chat message, in characters."""

ONE_FACT_TYPES = frozenset({"metric.new", "metric.changed", "initiative.new"})
"""Events about one fact: their chat message also quotes the sentence it came from."""

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def subject(alert: Alert) -> str:
    """``[govwatch] {region} · {what happened}``, on one line, at most :data:`SUBJECT_LIMIT` characters."""
    return _subject(view(alert))


def text_body(alert: Alert) -> str:
    """The plain-text email body (``templates/email.txt.j2``)."""
    return _env.get_template("email.txt.j2").render(context(alert))


def html_body(alert: Alert) -> str:
    """The HTML email body (``templates/email.html.j2``), autoescaped."""
    return _env.get_template("email.html.j2").render(context(alert))


def context(alert: Alert) -> dict[str, Any]:
    """The view (see :mod:`alerts.views`) plus ``subject``; a digest keeps its first :data:`DIGEST_LIMIT` events."""
    v = view(alert)
    events = v.get("events", [])
    return {**v, "subject": _subject(v), "events": events[:DIGEST_LIMIT], "more": len(events[DIGEST_LIMIT:])}


def _subject(v: View) -> str:
    text = "[govwatch] " + v["headline"]
    return text if len(text) <= SUBJECT_LIMIT else _cut(text, SUBJECT_LIMIT)


# --- Markdown for chat bots ------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"[\\`*_<>~|]|\](?=[(\[:])")
"""Characters that would format, or make a link (``](``) or HTML, if left alone."""
_MD_LABEL = re.compile(r"[\\`*_<>~|\[\]]")
"""Inside a link label every bracket is escaped too, so the label cannot end early."""
_URL_UNSAFE = {" ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E", "\\": "%5C"}

Fact = tuple[str, str]
"""(group heading, Markdown line); the heading is printed once before its first fact."""


def markdown_body(alert: Alert) -> str:
    """A short Markdown message for group-chat bots: a bold title, the link, up to :data:`MARKDOWN_FACTS` facts.

    The subject is not repeated (chat channels send it as the message title). WeCom shows it as
    plain text (Feishu and Lark render it in a card), so the Markdown stays light: bold, links,
    ``-`` lists, ``>`` quotes.
    """
    v = view(alert)
    if v["type"] == "digest":
        head = [_bold(v["headline"]), _md(_span(v["since"], v["until"]))]
        facts = [("", "- " + _link(_cut(e["headline"], FACT_LIMIT), e["article"])) for e in v["events"]]
    else:
        article = v["article"]
        head = [_bold(article["title"] or v["headline"])]
        head += [_link("查看原文", article)] if article["linkable"] else []
        facts = _facts(v)
    return _assemble([line for line in head if line], facts)


def _facts(v: View) -> list[Fact]:
    facts: list[Fact] = []
    lone = v["type"] in ONE_FACT_TYPES
    for s in v["sections"]:
        for item in s["items"]:
            line = _md(_cut(item["line"], FACT_LIMIT))
            if item.get("linkable"):
                line += " " + _link("原文", item)
            facts.append((s["title"], "- " + line))
            if lone and item["text"]:
                facts.append((s["title"], "> " + _md(_cut(item["text"], FACT_LIMIT))))
    return facts


def _assemble(head: list[str], facts: list[Fact]) -> str:
    # blank lines between blocks: DingTalk's Markdown joins lines that are not separated by one
    lines, heading, shown = _blank_separated(head), None, 0
    budget = MARKDOWN_BYTES - 40  # room for the "…另有 N 条" line
    for group, line in facts:
        if _is_fact(line) and shown >= MARKDOWN_FACTS:
            break
        extra = [] if group == heading else ["", _bold(group)] if group else [""]
        if len("\n".join([*lines, *extra, line]).encode("utf-8")) > budget:
            break
        lines += [*extra, line]
        heading = group
        shown += _is_fact(line)
    more = sum(map(_is_fact, (line for _, line in facts))) - shown
    return "\n".join(lines + (["", f"…另有 {more} 条"] if more > 0 else []))


def _is_fact(line: str) -> bool:
    return line.startswith("- ")  # the other lines are quotes that go with the fact above


def _blank_separated(blocks: list[str]) -> list[str]:
    return [line for block in blocks for line in ("", block)][1:]


def _md(text: str) -> str:
    return _MD_SPECIAL.sub(lambda m: "\\" + m.group(), text)


def _bold(text: str) -> str:
    return f"**{_md(text)}**" if text else ""


def _link(label: str, target: dict[str, Any]) -> str:
    """``[label](url)`` for an http(s) URL, else just the escaped label."""
    if not target.get("linkable"):
        return _md(label)
    url = "".join(_URL_UNSAFE.get(ch, ch) for ch in target["url"])
    return "[" + _MD_LABEL.sub(lambda m: "\\" + m.group(), label) + f"]({url})"


def _span(since: str, until: str) -> str:
    return f"{since} 至 {until}" if since and until else since or until


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
