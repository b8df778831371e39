"""Find metrics: numbers with a unit, the indicator they measure, their clause and period.

>>> [(m.indicator, m.value, m.unit, m.kind) for m in find_metrics("1-10月，全市新登记市场主体6.43万户。")]
[('新登记市场主体', 64300.0, '户', 'count')]

Which numbers count is decided in :mod:`rules.hits`; how each is named (including 分别 and 均
lists) in :mod:`rules.listing` and :mod:`rules.indicator`. Here: walk the sentences, build the
records, drop repeats.
"""

from __future__ import annotations

import bisect
import functools
import re

from rules import indicator as ind
from rules.hits import Hit, clause_hits, first_place_re, units
from rules.listing import expand
from rules.numbers import Number, find_numbers, normalize, parse_chinese
from rules.records import Metric
from rules.tables import load, longest_first
from rules.text import NAME_QUOTES, body_end, clauses_and_sentences, clip, inside, quoted_spans, sentences, spans_of

SECTION = re.compile(r"(?m)^[ \t]*[一二三四五六七八九十]+、")
"""A top-level section heading: 三、…"""

LEAD = 400
"""Characters of the text where a release states its period once."""
LEAD_SENTENCES = 3
LEAD_PERIOD_END = ",，:以"
"""What follows a period opening a sentence: 2022年，… (not 2022年3月15日 or 2022年度报告)."""


def find_metrics(text: str, *, published: str | None = None, period: str | None = None) -> list[Metric]:
    """Every metric in ``text``, in order, each fact once; ``period`` is the default for sentences naming none."""
    norm = normalize(text)
    end = body_end(norm)
    body = norm[:end]
    protected = quoted_spans(norm)
    context = context_spans(body)
    nums = [n for n in find_numbers(body) if _may_count(norm, n) and not (context and inside(context, n.start))]
    firsts = [m.start() for m in first_place_re().finditer(body)] if "首" in body or "榜" in body else []
    if firsts:  # 居全省首位: a rank with no numeral; its sentence and clause must not be skipped
        nums = sorted(nums + [Number(p, p + 2, 1.0, arabic=False) for p in firsts], key=lambda n: n.start)
    starts = [n.start for n in nums]
    # one pass each over the whole text, then sliced per sentence: clause and period marks never
    # straddle a sentence mark, so these are the spans a scan of each sentence would find
    cls, sents = clauses_and_sentences(body)
    cl_starts = [a for a, _ in cls]
    opening = ind.period_opening()
    periods = (spans_of(ind.period_re(), body, opening) if opening is not None
               else [(m.start(), m.end(), m.group(0)) for m in ind.period_re().finditer(body)])
    p_starts = [a for a, _, _ in periods]
    plans = plan_sections(body)
    may_plan, may_case = _plan_words().search(body) is not None, "某" in body
    all_full = "个100%" in body
    out: list[Metric] = []
    for sent in sents:
        a, b = bisect.bisect_left(starts, sent[0]), bisect.bisect_left(starts, sent[1])
        if a < b and not is_plan(norm, sent, plans, may_plan, may_case):  # a sentence without a numeral has none
            sent_cls = cls[bisect.bisect_left(cl_starts, sent[0]):bisect.bisect_left(cl_starts, sent[1])]
            sent_periods = periods[bisect.bisect_left(p_starts, sent[0]):bisect.bisect_left(p_starts, sent[1])]
            out.extend(_sentence(text, norm, sent, sent_cls, nums[a:b], protected, published, period, sent_periods))
            if all_full and ALL_FULL.search(norm, *sent):
                out.extend(_all_full(text, norm, sent_cls, period, sent, sent_periods))
    return _dedupe(out)


ALL_FULL = re.compile(r"[“\"]?([两三四五六七八九十])个100%[”\"]?")
"""认领率、发布率、签章率“三个100%”: every item of the list before it at 100%."""


def _all_full(text: str, norm: str, cls: list[tuple[int, int]], period: str | None, sent: tuple[int, int],
              periods: list[tuple[int, int, str]]) -> list[Metric]:
    """The rates of the sentence's “N个100%” lists (targets and plans never reach here: see is_plan)."""
    out: list[Metric] = []
    starts = [a for a, _ in cls]
    for m in ALL_FULL.finditer(norm, *sent):
        k = bisect.bisect_right(starts, m.start()) - 1
        if k < 0:
            continue
        names = ind.items(ind.clean(norm[cls[k][0]:m.start()]))
        if len(names) != int(parse_chinese(m.group(1))) or not all(len(n) >= 2 for n in names):
            continue
        a, b = clip(cls[k][0], m.end(), m.start(), m.end())
        when = _last_period(norm, sent, m.start(), period, periods)
        for n in names:  # 实现行政执法公示率、…: the verb opening the list is not the first rate's name
            out.append(Metric(indicator=ind._object(n) or n, value=100.0, unit="%", kind="rate",
                              text=text[a:b].strip(), period=when))
    return out


def _sentence(text: str, norm: str, sent: tuple[int, int], cls: list[tuple[int, int]], nums: list[Number],
              protected: list[tuple[int, int]], published: str | None, period: str | None,
              periods: list[tuple[int, int, str]]) -> list[Metric]:
    out: list[Metric] = []
    names: list[str] = []
    starts = [n.start for n in nums]
    for k, clause in enumerate(cls):
        in_clause = nums[bisect.bisect_left(starts, clause[0]):bisect.bisect_left(starts, clause[1])]
        if not in_clause:  # every hit, ranks included (第三), is a numeral
            continue
        hits = clause_hits(norm, clause, in_clause, protected, published)
        for hit, name, span in expand(norm, clause, cls[k - 1] if k else None, hits, names):
            out.append(metric(text, norm, sent, span or clause, hit, name, period, periods))
            names.append(name)
    return out


def _last_period(norm: str, sent: tuple[int, int], end: int, period: str | None,
                 periods: list[tuple[int, int, str]]) -> str | None:
    """The last period expression found scanning the sentence up to ``end`` (else ``period``).

    The pattern reads nothing past its match (no lookahead), so a scan stopping at ``end`` finds the
    same matches as the whole-sentence scan up to the first one that crosses ``end``; from there on
    (rare) the short scan is redone.
    """
    crossing = None
    for a, b, found in periods:
        if b <= end:
            if not _aside(norm, sent[0], a, end):
                period = found
            continue
        if a < end:
            crossing = a
        break
    if crossing is not None:
        for m in ind.period_re().finditer(norm, crossing, end):
            period = m.group(0)
    return period


def _aside(norm: str, start: int, pos: int, end: int) -> bool:
    """Whether ``pos`` lies in a parenthesis closed before ``end``: …申请3326件(2023年为867件),同比增长283.6%
    — the 2023年 of the aside is not the period of the growth after it."""
    close = norm.find(")", pos, end)
    return close >= 0 and norm.rfind("(", start, pos) > norm.rfind(")", start, pos)


def metric(text: str, norm: str, sent: tuple[int, int], span: tuple[int, int], hit: Hit, name: str,
           period: str | None, periods: list[tuple[int, int, str]]) -> Metric:
    """``periods``: the period expressions of the sentence (start, end, text); ``period``: the default."""
    a, b = clip(*span, hit.left, hit.end)
    period = _last_period(norm, sent, hit.num.start, period, periods)
    return Metric(indicator=name, value=hit.num.value, unit=hit.unit, kind=hit.kind,
                  text=text[a:b].strip(), approx=hit.approx, period=period, baseline=hit.baseline)


def _may_count(norm: str, num: Number) -> bool:
    """Cheap pre-filter: a Chinese numeral in prose (统一, 进一步, 一是) cannot be a metric unless a unit,
    a rank's 第 or a list mark touches it; dropping it early spares its sentence the full pass."""
    if num.arabic or num.percent:
        return True
    nxt = norm[num.end:num.end + 1]
    return nxt in unit_starts() or nxt in "、和及至到余多" or norm[num.start - 1:num.start] in ("第", "前")


@functools.cache
def unit_starts() -> frozenset[str]:
    return frozenset(u.word[0] for u in units()) | {"%"}


def context_spans(norm: str) -> list[tuple[int, int]]:
    """Parentheses giving a higher level's figure for comparison: (全国仅命名50个综合地区), to their
    first comma; and the gloss of a model's label: “1+3+10”(搭建1个平台,组建3大团队,开展10项服务)."""
    if "(" not in norm:
        return []
    spans = [m.span() for m in _context_re().finditer(norm)]
    if "”(" in norm or '"(' in norm or "」(" in norm:
        spans += [m.span() for m in LABEL_GLOSS.finditer(norm) if LABEL_END.match(norm, m.start() - 2)
                  and _glosses(norm, m)]
    return sorted(spans)


def _glosses(norm: str, m: re.Match[str]) -> bool:
    """Whether the parenthesis holds the label's own numbers only: “1+3+10”(搭建1个平台,组建3大团队…), not
    “1+N”(2024年新增调解室15个)."""
    label = norm[max(norm.rfind(q, max(0, m.start() - 20), m.start()) for q in NAME_QUOTES):m.start()]
    numbers = DIGITS.findall(m.group(0))
    return bool(numbers) and set(numbers) <= set(DIGITS.findall(label))


DIGITS = re.compile(r"[0-9]+")


LABEL_GLOSS = re.compile(r"\([^()\n]{0,80}\)")
LABEL_END = re.compile(r"[0-9NX][”\"」]")
"""A label's quote closing right before the gloss: “1+3+10”(…). (Checked behind each parenthesis: a pattern
opening with the lookbehind would be tried at every character.)"""


@functools.cache
def _context_re() -> re.Pattern[str]:
    m = load("markers")
    scopes, limits = "|".join(m["context_scopes"]), "|".join(longest_first(m["context_words"]))
    # up to the first comma: (全省共20个,我市数量居全省第一) goes on with our own figure
    return re.compile(rf"\((?:{scopes})[^()\n]{{0,6}}?(?:{limits})[^(),;\n]{{0,40}}")


def plan_sections(norm: str) -> list[tuple[int, int]]:
    """Sections whose heading announces plans (三、2024年工作打算): their numbers are targets, not facts."""
    spans = []
    for m in _plan_heading().finditer(norm):
        nxt = SECTION.search(norm, m.end())
        spans.append((m.start(), nxt.start() if nxt else len(norm)))
    return spans


def is_plan(norm: str, sent: tuple[int, int], plans: list[tuple[int, int]], may_plan: bool = True,
            may_case: bool = True) -> bool:
    """A target (力争…保持在10%以上), a sentence inside a plan section, or one telling a case (叶某因排放
    鱼塘水淹没了邻居钱某的4亩瓜菜): none reports this government's figures. ``may_plan``/``may_case``: False
    when the whole text holds no plan word / no 某 (the per-sentence scans are spared)."""
    return (any(a <= sent[0] < b for a, b in plans) or may_plan and _planned(norm, sent)
            or may_case and _case_party().search(norm, *sent) is not None)


@functools.cache
def _case_party() -> re.Pattern[str]:
    """A party to a case named the way releases anonymise people: 叶某, 钱某某 (not 某些, 某种, 某市)."""
    return re.compile(rf"[\u4e00-\u9fff]某{{1,2}}(?=[{load('markers')['case_party_next']}])")


@functools.cache
def _plan_words() -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, longest_first(load("markers")["plans"]["words"]))))


def _planned(norm: str, sent: tuple[int, int]) -> bool:
    """A plan word in the sentence; 争取 only when it secured nothing (向上争取资金…, 争取到上级资金…); 力争 not
    inside 全力争创/努力争创/着力争… (全力, then 争创: no target; but 全力争取… is read on from its 争)."""
    m = _plan_words().search(norm, *sent)
    while m is not None:
        if m.group(0) == "力争" and norm[m.start() - 1:m.start()] in ("全", "努", "着"):
            m = _plan_words().search(norm, m.start() + 1, sent[1])
            continue
        if m.group(0) != "争取" or not _secured(norm, m.start(), sent[1]):
            return True
        m = _plan_words().search(norm, m.end(), sent[1])
    return False


def _secured(norm: str, at: int, end: int) -> bool:
    """争取 that secured something (向上争取资金…) or sought support (积极争取县委、县政府的重视): no target."""
    plans = load("markers")["plans"]
    stop = CLAUSE_STOP.search(norm, at, end)
    if any(w in norm[at:stop.start() if stop else end] for w in plans["support_after"]):
        return True
    before = tuple(plans["secured_before"])
    if norm[max(0, at - max(map(len, before))):at].endswith(before):
        return True
    return _money_after_re().match(norm, at + len("争取"), end) is not None


CLAUSE_STOP = re.compile(r"[,;。:]")


@functools.cache
def _money_after_re() -> re.Pattern[str]:
    plans = load("markers")["plans"]
    return re.compile(rf"[^,;。]{{0,{plans['secured_window']}}}(?:{'|'.join(map(re.escape, plans['secured_after']))})")


@functools.cache
def _plan_heading() -> re.Pattern[str]:
    words = "|".join(map(re.escape, load("markers")["plans"]["headings"]))
    return re.compile(rf"(?m)^[ \t]*[一二三四五六七八九十]+、[^\n]{{0,30}}(?:{words})[^\n]{{0,20}}$")


def default_period(title: str, text: str) -> str | None:
    """The period a release reports on, stated once: in its title (关于2020年度法治政府建设情况的报告), else
    at the head of its lead (2022年，全区…; 今年以来，…)."""
    m = ind.period_re().search(normalize(title or ""))
    if m:
        return m.group(0)
    lead = normalize(text[:LEAD])
    for sent in sentences(lead)[:LEAD_SENTENCES]:
        start = sent[0] + len(lead[sent[0]:sent[1]]) - len(lead[sent[0]:sent[1]].lstrip())
        m = ind.period_re().match(lead, start)
        if m and lead[m.end():m.end() + 1] in LEAD_PERIOD_END:
            return m.group(0)
    return None


def _dedupe(metrics: list[Metric]) -> list[Metric]:
    seen: set[tuple[str, float, str]] = set()  # the same fact printed twice is reported once
    out = []
    for m in metrics:
        key = (m.indicator, m.value, m.unit)
        if key not in seen:
            out.append(m)
        seen.add(key)
    return out
