"""Where clauses, sentences and quoted names are in a release.

>>> norm = "全市受理案件30件,审结28件。出台《办法》"
>>> [norm[a:b] for a, b in clauses(norm)]
['全市受理案件30件', '审结28件', '出台《办法》']
>>> [norm[a:b] for a, b in quoted_spans(norm)]
['《办法》']

Functions take the normalized text (see :func:`rules.numbers.normalize`), whose positions are
the original's.
"""

from __future__ import annotations

import bisect
import functools
import re

from rules.tables import load

CLAUSE_END = re.compile(r"[;:。!?\n]|(?<!\d),|,(?!\d{3}(?!\d))")
SENTENCE_END = re.compile(r"[;。!?\n]")
QUOTES = {"“": "”", "「": "」", "『": "』", "《": "》", "〔": "〕", "【": "】", "〈": "〉", '"': '"'}
MAX_QUOTE = {"《": 80, "〔": 12, "【": 30}
"""Longest span a pair may enclose; an unbalanced mark in scraped text must not swallow a page."""
OPENING = re.compile("[" + re.escape("".join(QUOTES)) + "]")


def _split(norm: str, pattern: re.Pattern[str], start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    end = len(norm) if end is None else end
    spans, left = [], start
    for m in pattern.finditer(norm, start, end):
        if m.start() > left:
            spans.append((left, m.start()))
        left = m.end()
    if left < end:
        spans.append((left, end))
    return [(a, b) for a, b in spans if norm[a:b].strip()]


def clauses(norm: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Comma-level clauses (a ``,`` between digit groups, as in 12,000, does not split)."""
    return _split(norm, CLAUSE_END, start, end)


def sentences(norm: str) -> list[tuple[int, int]]:
    return _split(norm, SENTENCE_END)


def quoted_spans(norm: str) -> list[tuple[int, int]]:
    """Spans of 《…》, “…”, 「…」, 〔…〕 … including the marks, outermost only, in order."""
    spans: list[tuple[int, int]] = []
    i = 0
    for m in OPENING.finditer(norm):
        i = m.start()
        if spans and i < spans[-1][1]:
            continue
        close = QUOTES[norm[i]]
        j = norm.find(close, i + 1, i + 2 + MAX_QUOTE.get(norm[i], 40))
        if j > i + 1 and "\n" not in norm[i:j]:
            spans.append((i, j + 1))
    return spans


def inside(spans: list[tuple[int, int]], pos: int) -> bool:
    """Whether ``pos`` falls strictly within one of the sorted ``spans``."""
    k = bisect.bisect_left(spans, (pos, -1)) - 1  # the last span that opens before pos
    return k >= 0 and pos < spans[k][1]


def body_end(norm: str) -> int:
    """Where the release ends: the first line of page furniture (推荐阅读, 责任编辑…) after its first third."""
    m = _tail_re().search(norm, len(norm) // 3 + 1)
    return m.start() if m else len(norm)


@functools.cache
def _tail_re() -> re.Pattern[str]:
    words = "|".join(map(re.escape, load("markers")["tail_markers"]))
    return re.compile(rf"(?m)^[\s\-·•]*(?:{words})")


GLUED_YEARS = re.compile(r"(?<!\d)((?:19|20)\d\d)((?:19|20)\d\d)(?=年|\))")


def repair_years(s: str) -> str:
    """(20212025年) is (2021-2025年) with the dash lost in scraping; only when the second year is later."""
    return GLUED_YEARS.sub(lambda m: f"{m[1]}-{m[2]}" if m[2] > m[1] else m[0], s)


def clip(a: int, b: int, focus_start: int, focus_end: int, limit: int = 60) -> tuple[int, int]:
    """A window of at most ``limit`` characters inside ``[a, b)`` around ``[focus_start, focus_end)``."""
    if b - a <= limit:
        return a, b
    start = max(a, min(focus_start - (limit - (focus_end - focus_start)) * 2 // 3, focus_start))
    return start, min(b, start + limit)
