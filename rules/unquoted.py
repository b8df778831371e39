"""Programmes named without quotes: bodies and systems after a founding verb, and recognised platforms.

>>> from rules.numbers import normalize
>>> text = "成立峄城区金融矛盾纠纷调解委员会,打造和顺、明理两大商事调解中心。"
>>> [i.name for i in bare_programs(text, normalize(text), [])]
['峄城区金融矛盾纠纷调解委员会', '和顺商事调解中心', '明理商事调解中心']

The verbs, suffixes and lists of generic and standard bodies are ``bare_programs`` in
``data/initiatives.yaml``. A mechanism or rule (…机制, …制度) counts only with a place in its name; a
kind of body every place has, named by generic words only (群众诉求调解服务中心), does not count.
"""

from __future__ import annotations

import functools
import re

from rules.names import CLAUSE_MARK, DEMONSTRATIVE, DIGIT, NOT_A_NAME_START, PUNCT, clause_start, evidence, section
from rules.records import Initiative
from rules.region import city_stems, places
from rules.segment import words
from rules.tables import longest_first
from rules.text import inside

JOINS = ("和", "及", "以及")
"""Words joining two things: a part before one may open a longer name (…兑现和…专项行动). 与 is not one:
it joins the halves of a name (行政复议与应诉服务中心)."""


PART_SEPARATORS = frozenset(("、", "并", "同时") + JOINS)


def _parts(s: str) -> list[str]:
    parts, cur = [], ""
    for w, _ in words(s):
        if w in PART_SEPARATORS:
            parts.append(cur)
            cur = ""
        else:
            cur += w
    return [p for p in parts + [cur] if p]


def bare_programs(text: str, norm: str, spans: list[tuple[int, int]]) -> list[Initiative]:
    """成立峄城区金融矛盾纠纷调解委员会, 建立法治指数评估体系: named bodies and systems without quotes;
    打造法润、知行两大商事调解中心 names two (法润商事调解中心, 知行商事调解中心)."""
    r = section("bare_programs")
    verbs = "|".join(longest_first(r["verbs"]))
    suffix = _suffix_re()
    out = []
    for m in _founding_verbs(norm, _verbs_re(verbs), r["verb_overlaps"]):
        end = CLAUSE_MARK.search(norm, m.end())
        pos = m.end()
        stop = end.start() if end else len(norm)
        if not suffix.search(norm, pos, stop):  # no name ends in this clause: spare the segmenting
            continue
        carried = -1  # 启动公共政策兑现和政府履约践诺专项行动: a part with no suffix of its own opens the next
        pending: list[tuple[int, str]] = []  # suffix-less items before 、 (法润、): they may share the next suffix
        for part in _parts(norm[pos:stop]):
            start = norm.find(part, pos)
            pos = start + len(part)
            if carried >= 0:
                joined = norm[carried:pos]
                if joined.endswith(tuple(r["joined_suffixes"])):
                    part, start = joined, carried
                carried = -1
            s = suffix.search(part)
            if s is None:
                carried = start if norm.startswith(JOINS, pos) else -1
                pending = pending + [(start, part)] if norm.startswith("、", pos) else []
                continue
            name = part[:s.end()]
            shared = SHARED_COUNT.match(name) if pending else None
            items = ([(a, p + shared[2]) for a, p in pending] + [(start, shared[1] + shared[2])] if shared
                     else [(start, name)])
            pending = []
            counted = DIGIT.search(norm, start + len(name), stop) is not None  # 建成服务中心3215个: a kind, not a name
            for a, named in items:
                if not counted and not inside(spans, a) and _bare_name(named, r):
                    out.append(Initiative(named if shared else text[a:a + len(named)], "program",
                                          evidence(text, norm, a, start + len(name))))
    return out


def _founding_verbs(norm: str, pattern: re.Pattern[str], overlaps: dict[str, list[str]]) -> list[re.Match[str]]:
    """The matches of ``pattern`` that are not part of a longer word (``overlaps``: verb → words holding it; 创新建立
    holds 建立, not 新建: the scan goes on from the next character, so the verb inside is still found)."""
    out: list[re.Match[str]] = []
    m = pattern.search(norm)
    while m is not None:
        words_holding = overlaps.get(m.group(0), ())
        if any(norm.startswith(w, m.start() - w.find(m.group(0))) for w in words_holding):
            m = pattern.search(norm, m.start() + 1)
            continue
        out.append(m)
        m = pattern.search(norm, m.end())
    return out


def novel_programs(text: str, norm: str, spans: list[tuple[int, int]]) -> list[Initiative]:
    """在江西首创行政机关负责人参加行政复议听证制度, 率先创办“…”栏目: what a first made, to the end of its
    phrase (a rule, system or column too, not only a body)."""
    r = section("bare_programs")
    out: list[Initiative] = []
    if not any(v in norm for v in _heads("novel_verbs")):  # most texts claim no first: spare the scan
        return out
    for m in _verbs_re("|".join(longest_first(r["novel_verbs"]))).finditer(norm):
        if inside(spans, m.start()):
            continue
        end = CLAUSE_MARK.search(norm, m.end())
        phrase = norm[m.end():end.start() if end else len(norm)]
        found = _novel_re().match(phrase)
        if found is None or norm[m.end()] in NAME_QUOTES_OPEN:  # a quoted name is :mod:`initiatives`'s
            continue
        name = found.group(0)
        a = m.end()
        lead = NOVEL_LEAD.match(name)  # 率先上线运行…平台: 运行 is the verb's, not the name's
        if lead:
            name, a = name[lead.end():], a + lead.end()
        if _novel_name(name, r):
            out.append(Initiative(text[a:a + len(name)], "program", evidence(text, norm, m.start(), a + len(name))))
    return out


NOVEL_LEAD = re.compile(r"(?:运行|实施|使用|试行|\([^()]{1,6}\))+")
"""Words after a first's verb that open no name: 率先上线运行…, 率先探索(试行)…"""

NAME_QUOTES_OPEN = "“「\"《"


@functools.cache
def _novel_re() -> re.Pattern[str]:
    ends = "|".join(longest_first(section("bare_programs")["novel_suffixes"]))
    return re.compile(rf"[\u4e00-\u9fff()]{{4,24}}?(?:{ends})(?![\u4e00-\u9fff])")


def _novel_name(name: str, r: dict) -> bool:
    return (_plain_name(name, r) and "(" not in name and "的" not in name
            and not name.startswith(tuple(r["novel_not_start"])) and not name.endswith(tuple(r["national_systems"])))


def _plain_name(name: str, r: dict) -> bool:
    """What every unquoted name must be: no marks, no count in it (定编6人事业单位…中心), not opening with a number,
    a particle or a pointer back (这一平台), not saying where work was put (纳入…体系), and not a body every place
    has by rule or kind (全面依法治市委员会, 公共法律服务中心)."""
    plain = name.replace("(", "").replace(")", "")
    return (not PUNCT.search(plain) and not NOT_A_NAME_START.match(name) and not DIGIT.search(name)
            and not DEMONSTRATIVE.match(name) and not any(w in name for w in r["not_inside"])
            and not name.endswith(tuple(r["standard_bodies"])) and not generic_body(name))


def generic_body(name: str) -> bool:
    """群众诉求调解服务中心: a kind of body (data: generic_bodies) after nothing but generic words."""
    return _generic_body_re().fullmatch(name) is not None


@functools.cache
def _generic_body_re() -> re.Pattern[str]:
    r = section("bare_programs")
    words, bodies = "|".join(longest_first(r["generic_words"])), "|".join(longest_first(r["generic_bodies"]))
    return re.compile(rf"(?:{words})*(?:{bodies})")


SHARED_COUNT = re.compile(r"^([\u4e00-\u9fff]{2,6}?)[两二三四五六七八九十]+[大个家所](.{2,})$")
"""知行两大商事调解中心 after 法润、: the last item, the count, and the name the items share."""


def _bare_name(name: str, r: dict) -> bool:
    """Whether an unquoted phrase ending in a programme suffix reads as a name: short enough, no marks, not
    opening with a number or a particle, and not a description (便捷优质的公共法律服务体系) unless it holds a
    place; a mechanism or rule only with a place in it."""
    return (r["min_len"] <= len(name) <= r["max_len"] and _plain_name(name, r)
            and ("的" not in name or _proper(name)) and (name.endswith(tuple(r["suffixes"])) or _proper(name)))


def placed_bodies(text: str, norm: str, spans: list[tuple[int, int]], region: str | None) -> list[Initiative]:
    """依托祁门县行政复议受理中心, 这是五华区行政复议咨询委员会召开案审会: a rule-of-law body named with the
    region's own name, wherever the text mentions it (not the kinds every place has: 县公共法律服务中心)."""
    out: list[Initiative] = []
    if not region or len(region) < 2:
        return out
    r = section("bare_programs")
    i = norm.find(region)
    while i >= 0:
        a = i + len(region)
        m = PLACED_BODY.match(norm, a)
        i = norm.find(region, a)
        if m is None or inside(spans, a) or not LAW_WORDS.search(m.group(0)):
            continue
        body = m.group(0)
        if not _plain_name(body, r) or body.startswith(("委", "政府", "人民")):  # 区委政法委员会: the party's
            continue
        start = a - len(region)
        out.append(Initiative(text[start:m.end()], "program", evidence(text, norm, start, m.end())))
    return out


PLACED_BODY = re.compile(r"[\u4e00-\u9fff]{2,14}?(?:委员会|中心|工作站|服务站)(?![组主任])")
LAW_WORDS = re.compile(r"复议|调解|仲裁|法律|法治|矛盾|纠纷|诉|执法|普法|公证|援助|信访|营商")
"""What makes a body named for the region one of the rule-of-law work this tool reports."""


def recognised_programs(text: str, norm: str, spans: list[tuple[int, int]]) -> list[Initiative]:
    """事前信用承诺监管平台荣获全国信用优秀案例: an unquoted platform or mechanism opening its clause, named
    by a recognition right after it (found from the recognition back: such words are rare)."""
    out: list[Initiative] = []
    if not any(v in norm for v in _heads("recognised")):
        return out
    for m in _recognition_re().finditer(norm):
        a = clause_start(norm, m.start())
        name = _recognised_name_re().fullmatch(norm, a, m.start())
        if (name and not inside(spans, a) and not NOT_A_NAME_START.match(norm, a) and not DEMONSTRATIVE.match(norm, a)
                and not generic_body(_LEVEL.sub("", norm[a:m.start()], count=1))):
            out.append(Initiative(text[a:m.start()], "program", evidence(text, norm, a, m.start())))
    return out


_LEVEL = re.compile(r"^[市区县镇乡街]")
"""县法律援助中心: the level opening a kind of body every place has."""


@functools.cache
def _heads(key: str) -> tuple[str, ...]:
    """The two-character openings of the words of ``bare_programs[key]``: one of them is in any text that
    holds one of the words (a few substring tests, where a scan of the alternation tries every character)."""
    return tuple(dict.fromkeys(w[:2] for w in section("bare_programs")[key]))


@functools.cache
def _recognition_re() -> re.Pattern[str]:
    return re.compile("|".join(longest_first(section("bare_programs")["recognised"])))


@functools.cache
def _recognised_name_re() -> re.Pattern[str]:
    r = section("bare_programs")
    ends = "|".join(longest_first(r["suffixes"] + r["named_suffixes"] + ["模式", "工作法"]))
    return re.compile(rf"[\u4e00-\u9fff]{{2,{r['max_len']}}}(?:{ends})")


@functools.cache
def _verbs_re(verbs: str) -> re.Pattern[str]:
    return re.compile(rf"(?:{verbs})了?")


@functools.cache
def _suffix_re() -> re.Pattern[str]:
    r = section("bare_programs")
    ends = "|".join(longest_first(r["suffixes"] + r["named_suffixes"]))
    return re.compile(rf"(?:{ends})(?![{r['not_after']}])")


def _proper(name: str) -> bool:
    """A name holding a place (永嘉县…机制) or opening with a city's stem (武汉城市圈…机制): a proper name,
    not a kind of mechanism (county stems are too often words: 平安, 惠民, 光明)."""
    return bool(places(name)) or any(stem in city_stems() for stem in (name[:2], name[:3]))
