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
from collections.abc import Iterator

from rules.tables import load

CLAUSE_END = re.compile(r"[;:。!?\n,](?!(?<=[0-9],)[0-9]{3}(?![0-9]))")
r"""A clause mark: any of ``;:。!?`` or a line break, or a comma unless it separates digit groups
(12,000: a digit before it, exactly three after). The pattern opens with the class of marks, so the
regex engine jumps from candidate to candidate in C."""
SENTENCE_END = re.compile(r"[;。!?\n]")
SENTENCE_MARKS = ";。!?\n"
QUOTES = {"“": "”", "「": "」", "『": "』", "《": "》", "〔": "〕", "【": "】", "〈": "〉", '"': '"'}
MAX_QUOTE = {"《": 80, "〔": 12, "【": 30}
"""Longest span a pair may enclose; an unbalanced mark in scraped text must not swallow a page."""
NAME_QUOTES = "“「『\""
"""The marks that open a quoted name (“无证明城市”, 「泉惠企」)."""
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
    return [(a, b) for a, b in spans if _kept(norm, a, b)]


def _kept(norm: str, a: int, b: int) -> bool:
    """Whether the span holds more than white space (most spans open with a character, so no slice)."""
    return not norm[a].isspace() or bool(norm[a:b].strip())


def clauses_and_sentences(norm: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """:func:`clauses` and :func:`sentences` of ``norm`` in one pass (every sentence mark is a clause mark)."""
    cls: list[tuple[int, int]] = []
    sents: list[tuple[int, int]] = []
    left = sent_left = 0
    for m in CLAUSE_END.finditer(norm):
        a = m.start()
        if a > left and _kept(norm, left, a):
            cls.append((left, a))
        left = m.end()
        if norm[a] in SENTENCE_MARKS:
            if a > sent_left and _kept(norm, sent_left, a):
                sents.append((sent_left, a))
            sent_left = m.end()
    end = len(norm)
    if left < end and _kept(norm, left, end):
        cls.append((left, end))
    if sent_left < end and _kept(norm, sent_left, end):
        sents.append((sent_left, end))
    return cls, sents


def clauses(norm: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Comma-level clauses (a ``,`` between digit groups, as in 12,000, does not split)."""
    return _split(norm, CLAUSE_END, start, end)


def sentences(norm: str) -> list[tuple[int, int]]:
    return _split(norm, SENTENCE_END)


@functools.lru_cache(maxsize=4)
def quoted_spans(norm: str) -> list[tuple[int, int]]:
    """Spans of 《…》, “…”, 「…」, 〔…〕 … including the marks, outermost only, in order (cached: the
    metric and initiative rules both ask for the same text; the list is shared, not to be changed)."""
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


@functools.lru_cache(maxsize=4)
def body_end(norm: str) -> int:
    """Where the release ends: the first line of page furniture (推荐阅读, 责任编辑…) after its first third."""
    m = _tail_re().search(norm, len(norm) // 3 + 1)
    return m.start() if m else len(norm)


@functools.cache
def _tail_re() -> re.Pattern[str]:
    words = "|".join(map(re.escape, load("markers")["tail_markers"]))
    return re.compile(rf"(?m)^[\s\-·•\[【]*(?:{words})")


GLUED_YEARS = re.compile(r"(?<![0-9])((?:19|20)[0-9][0-9])((?:19|20)[0-9][0-9])(?=年|\))")


def repair_years(s: str) -> str:
    """(20212025年) is (2021-2025年) with the dash lost in scraping; only when the second year is later."""
    return GLUED_YEARS.sub(lambda m: f"{m[1]}-{m[2]}" if m[2] > m[1] else m[0], s)


def clip(a: int, b: int, focus_start: int, focus_end: int, limit: int = 60) -> tuple[int, int]:
    """A window of at most ``limit`` characters inside ``[a, b)`` around ``[focus_start, focus_end)``."""
    if b - a <= limit:
        return a, b
    start = max(a, min(focus_start - (limit - (focus_end - focus_start)) * 2 // 3, focus_start))
    return start, min(b, start + limit)


_CATEGORIES = {"CATEGORY_DIGIT": r"\d", "CATEGORY_WORD": r"\w", "CATEGORY_SPACE": r"\s"}


def _firsts(items: list) -> tuple[list[str] | None, bool]:
    """Character-class parts that can open a match of the parsed sequence ``items``, and whether the
    sequence can match empty; (None, _) when that is not worked out here (the caller falls back)."""
    from re import _constants as c  # type: ignore[attr-defined]  # noqa: PLC0415 - the parser's opcodes

    out: list[str] = []
    for op, av in items:
        if op is c.LITERAL:
            return out + [re.escape(chr(av))], False
        if op is c.IN:
            part = []
            for kind, value in av:
                if kind is c.LITERAL:
                    part.append(re.escape(chr(value)))
                elif kind is c.RANGE:
                    part.append(f"{re.escape(chr(value[0]))}-{re.escape(chr(value[1]))}")
                elif kind is c.CATEGORY and str(value) in _CATEGORIES:
                    part.append(_CATEGORIES[str(value)])
                else:
                    return None, False
            return out + part, False
        if op is c.BRANCH:
            nullable = False
            for alt in av[1]:
                got, empty = _firsts(list(alt))
                if got is None:
                    return None, False
                out += got
                nullable = nullable or empty
            if not nullable:
                return out, False
        elif op is c.SUBPATTERN:
            got, empty = _firsts(list(av[3]))
            if got is None:
                return None, False
            out += got
            if not empty:
                return out, False
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            got, empty = _firsts(list(av[2]))
            if got is None:
                return None, False
            out += got
            if av[0] > 0 and not empty:
                return out, False
        elif op in (c.ASSERT, c.ASSERT_NOT) and av[0] < 0 or op is c.AT:
            continue  # lookbehind, ^, \b: zero-width, constrain where but read nothing ahead
        else:
            return None, True
    return out, True


_OPENINGS: dict[int, tuple[re.Pattern[str], re.Pattern[str] | None]] = {}


def opening_class(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """A class of every character a match of ``pattern`` can start with, or None if unknown."""
    # keyed by identity: hashing a compiled pattern hashes its whole code on every call
    known = _OPENINGS.get(id(pattern))
    if known is None or known[0] is not pattern:
        if len(_OPENINGS) > 256:  # patterns compiled on the fly: do not grow without bound
            _OPENINGS.clear()
        known = _OPENINGS[id(pattern)] = (pattern, _derive_opening(pattern))
    return known[1]


def _derive_opening(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    from re import _parser  # type: ignore[attr-defined]  # noqa: PLC0415

    if pattern.flags & (re.IGNORECASE | re.VERBOSE) or not isinstance(pattern.pattern, str):
        return None
    try:
        parts, empty = _firsts(list(_parser.parse(pattern.pattern, pattern.flags)))
    except Exception:  # noqa: BLE001 - any parser surprise: plain finditer
        return None
    return None if parts is None or empty or not parts else re.compile("[" + "".join(parts) + "]")


def spans_of(pattern: re.Pattern[str], s: str, opening: re.Pattern[str]) -> list[tuple[int, int, str]]:
    """(start, end, text) of :func:`finditer`'s matches over all of ``s``, as one list (no generator)."""
    out: list[tuple[int, int, str]] = []
    pos = 0
    for c in opening.finditer(s):
        start = c.start()
        if start < pos:
            continue
        m = pattern.match(s, start)
        if m is not None:
            pos = m.end()
            out.append((start, pos, m.group(0)))
    return out


def finditer(pattern: re.Pattern[str], s: str, pos: int = 0, endpos: int | None = None,
             opening: re.Pattern[str] | None = None) -> Iterator[re.Match[str]]:
    """``pattern.finditer(s, pos, endpos)``, trying the pattern only where a match can start.

    ``opening``: a pattern matching (at least) wherever ``pattern`` can, when the caller knows a
    narrower one than the opening class derived here.

    A pattern that opens with an optional part, an alternation or a lookbehind gets no help from the
    regex engine's own prefix search, and tries every alternative at every character; here a class of
    its opening characters finds the candidates first (several times faster on long text).
    """
    endpos = len(s) if endpos is None else endpos
    opening = opening or opening_class(pattern)
    if opening is None:
        yield from pattern.finditer(s, pos, endpos)
        return
    search, match = opening.search, pattern.match
    while (c := search(s, pos, endpos)) is not None:
        m = match(s, c.start(), endpos)
        if m:
            yield m
            pos = m.end()
        else:
            pos = c.start() + 1
