"""Name the indicator a number measures, from the words around it in its clause.

>>> name("全市行政机关负责人出庭应诉率达", "")
'行政机关负责人出庭应诉率'
>>> name("全区", "国家工作人员参加普法考试")
'国家工作人员参加普法考试'
>>> name("同比增长", "", previous="新登记市场主体")
'新登记市场主体同比增长'

The phrase before the number names it when it holds a noun; otherwise (组织4.6万名公职人员学法,
对374件轻微违法不予处罚) the words after the unit complete it, and a bare verb phrase
(同比增长11.55%) borrows the subject of the sentence's previous metric.
"""

from __future__ import annotations

import functools
import re

from rules.region import places
from rules.segment import is_noun, words
from rules.tables import load, longest_first
from rules.text import opening_class

POST_MAX = 16
"""Characters kept from the words after the unit."""

ORDINAL = re.compile(r"^\s*(?:\(?[0-9]{1,2}[)\s、.]|[(]?[一二三四五六七八九十]{1,3}(?:是|[)、]))\s*")
"""A list ordinal opening the phrase: 01 , 1., 一是, 二、, (三)."""

LEVELS = re.compile(r"[两三四五六]级$")
SCORE_WORDS = re.compile(r"(?:得分|分数|成绩)$")

FRAME_END = ("中", "上", "里")
"""Locatives closing 在……中 frames."""

SEPARATORS = re.compile(r"[、]|(?<=[\u4e00-\u9fff])(?:以及|和|及|与)(?=[\u4e00-\u9fff])")


@functools.cache
def _trims() -> tuple[frozenset[str], list[str], int, re.Pattern[str]]:
    m = load("markers")
    period = re.compile("|".join(f"(?:{p})" for p in m["periods"]))
    lead = frozenset(m["indicator_lead"]) | frozenset(m["growth_verbs"])
    return lead, longest_first(m["indicator_trail"]), m["indicator_max"], period


def period_re() -> re.Pattern[str]:
    return _trims()[3]


@functools.cache
def period_opening() -> re.Pattern[str] | None:
    """Where a period expression can start in a whole text: the characters that open one (derived from
    the patterns), a digit only at the head of a run of digits (2022年, 1-11月: no period starts inside a
    number, and a text has hundreds of digits but few periods)."""
    derived = opening_class(period_re())
    if derived is None:
        return None
    # the class first (so the regex engine skips to candidates), then: not a digit right after a digit
    return re.compile(rf"{derived.pattern}(?<![0-9][0-9])")


@functools.lru_cache(maxsize=4096)
def strip_lead(s: str) -> str:
    lead = _lead_words()
    toks = list(words(s))
    while toks and (toks[0][0] in lead or toks[0][1] in ("p", "c", "uj") or not toks[0][0].strip()
                    or toks[0][0] in ",.;:、()-—"):
        toks.pop(0)
    return "".join(w for w, _ in toks)


@functools.cache
def _lead_words() -> frozenset[str]:
    return _trims()[0] - frozenset(load("markers")["growth_verbs"])


@functools.cache
def _rank_scopes() -> list[str]:
    return longest_first(load("markers")["rank_scopes"])


@functools.cache
def _growth_longest() -> list[str]:
    return longest_first(load("markers")["growth_verbs"])


@functools.cache
def _trail_re() -> re.Pattern[str]:
    return re.compile(f"(?:{'|'.join(map(re.escape, _trims()[1]))})$")


@functools.lru_cache(maxsize=4096)
def strip_trail(s: str) -> str:
    changed = True
    while changed and s:
        changed = False
        s = s.rstrip(" ,、;:(")  # 区市场监管局(7830件): the bracket opens the figure, not the name
        m = _trail_re().search(s)
        if m:
            s, changed = s[:m.start()], True
        toks = words(s) if s.endswith(FRAME_END) else ()
        if toks and toks[-1][1] == "f":  # 在全省考核中: the frame's 中 is a locative word, not part of a name
            s, changed = s[:-1], True
    return s


def strip_place(s: str) -> str:
    """黄石市共办理… → 共办理…: a place heading the phrase is its scope, not what is measured."""
    found = places(s[:12])
    return s[len(found[0]):] if found and s.startswith(found[0]) else s


@functools.lru_cache(maxsize=4096)
def clean(pre: str) -> str:
    """The phrase before a number without its period, scope words, place names and linking verbs."""
    pre = ORDINAL.sub("", period_re().sub("", pre))
    return strip_trail(strip_lead(strip_place(strip_lead(pre))))


@functools.lru_cache(maxsize=4096)
def has_noun(s: str) -> bool:
    return "“" in s or any(is_noun(f) and w not in _trims()[0] for w, f in words(s))


@functools.lru_cache(maxsize=4096)
def _head(post: str) -> str:
    """The first words after the unit, up to POST_MAX characters."""
    post = post.lstrip("的 ")
    out = ""
    stops = load("markers")["post_stops"]
    for w, _ in words(post):
        # (2023年为867件) and 、办理环节… (the next item of a list) name nothing of this number
        if len(out) + len(w) > POST_MAX or w in ",;。" or (out and w in stops) or w in "(、" and not out:
            break
        out += w
    return out


@functools.lru_cache(maxsize=4096)
def _cut(s: str) -> str:
    """Keep the last words of an over-long name: the words nearest the number say what it counts."""
    limit = _trims()[2]
    toks = [w for w, _ in words(s)]
    while len("".join(toks)) > limit and len(toks) > 1:
        toks.pop(0)
    return strip_lead("".join(toks)) or "".join(toks)


def _noun_head(s: str) -> str:
    """What ``s`` opens with, to a position word, particle or mark, less a verb right before it: 培训结束后 →
    培训 (the campaign, not what followed it); 法治建设综合性督察 stays whole."""
    head: list[tuple[str, str]] = []
    for w, flag in words(s):
        if flag[:1] in ("f", "u", "p", "x"):
            if head and head[-1][1] == "v" and len(head) > 1:
                head.pop()
            break
        head.append((w, flag))
    return "".join(w for w, _ in head)


SHARE_WORD = "占"
LASTING = "为期"
DURATION = "时长"


def name(pre: str, post: str, previous: str | None = None) -> str:
    """Indicator from the phrase before the number and the words after its unit."""
    base = clean(pre)
    if base == SHARE_WORD:  # …16件,占48.5%: a share, named like 占比
        base = SHARE_WORD + "比"
    toks = words(base)
    after = _head(post).strip("()")  # (2023年为867件): a lone bracket names nothing
    if base.endswith(LASTING) and after:  # 开展为期两周的综合性督察: how long the 督察 lasted
        lasted = _noun_head(after)
        return strip_trail(_cut(lasted)) + DURATION if lasted else ""
    if after and (not base or not has_noun(base) or (toks and toks[-1][1] == "v" and has_noun(after))):
        base = base + after
    if previous and (_bare(base) or is_share(base)):
        base = subject(previous) + base  # 同比增长11.55%, 占总量的38%: of the sentence's previous metric
    elif previous and base in _bare_verbs() and (what := _object(previous)):
        base = what + base  # 梳理…政务服务事项109项,办理492件: 办理 of those 事项 (律师560人 stays 律师)
    return strip_trail(_cut(base)) if base else ""


@functools.cache
def _bare_verbs() -> frozenset[str]:
    return frozenset(load("markers")["bare_verbs"])


def _object(name: str) -> str:
    """What a name counts, without the verb that opens it: 梳理“川渝通办”政务服务事项 → “川渝通办”政务服务事项;
    "" when nothing but a verb is left (收案)."""
    toks = list(words(subject(name)))
    while toks and (toks[0][1] == "v" or toks[0][0] in _bare_verbs()):
        toks.pop(0)
    rest = "".join(w for w, _ in toks)
    return rest if has_noun(rest) and len(rest) >= 2 else ""


POOL = re.compile(r"在[^,;。]{0,8}?[0-9一二三四五六七八九十百]+(?:个|家|座)([^,;。]{0,16}?)中")
"""在全省104个县(市)中: the field a rank is taken in (group 1: what is counted, and what it was ranked in)."""
FIELD_HEAD = re.compile(r"^[\u4e00-\u9fff]{0,4}?(?:市|县|区|城市|省份|单位|部门|乡镇|街道)")


def _ranked_in(field: str) -> str:
    """地级以上市(含顺德区)政府考评 → 政府考评; 县(市) → "": the ranking the field was counted for."""
    rest = FIELD_HEAD.sub("", re.sub(r"\([^()]*\)", "", field))
    return clean(rest) if has_noun(rest) else ""


SHARE = re.compile(r"^占(?:$|比|总量|总数|总额|全部|全市|全区|全县|全省|总|到|据"
                   r"|(?![用道地有领])[\u4e00-\u9fff]{1,8}?(?:总数|总量|总额|比重|比例)的?$)")  # 占复议案件总数的23.44%


def is_share(name: str) -> bool:
    """占总量的38%, 占比95.87%: a share of something the clause before names."""
    return bool(SHARE.match(name))


def subject(name: str) -> str:
    """What a named change, share or score is about: 群众满意度得分较上年提升 → 群众满意度, 非常满意占比 → 非常满意."""
    m = _change_re().search(name)
    base = name[:m.start()] if m and m.start() > 0 else name
    share = SHARE_END.search(base)
    base = base[:share.start()] if share and share.start() > 0 else base
    return strip_trail(SCORE_WORDS.sub("", base))


SHARE_END = re.compile(r"占(?:比|[\u4e00-\u9fff]{0,8}?(?:总量|总数|总额|比重|比例))$")


@functools.cache
def _change_re() -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, longest_first(load("markers")["growth_verbs"]))))


RANK_FROM = re.compile(r"(?:排名)?由第[0-9一二三四五六七八九十]+[位名]?$")
RANK_FRAME = re.compile(r"在(?:全国|全省|全市|全区|全县|省|市)?([\u4e00-\u9fff]{2,20}?)中$")
"""在全省考核中: what a rank was taken in, when nothing else names it."""


def rank_name(pre: str, phrase: str, fallback: str | None) -> str:
    """位列全省第三 → <subject>全省排名; the subject is the phrase before, else ``fallback``."""
    scopes = _rank_scopes()
    pre = RANK_FROM.sub("", pre)  # 排名由第7位上升至第6位: the rank before is no part of the name
    scope = next((s for s in scopes if s in phrase), "") or next((s for s in scopes if s in pre), "")
    pool = POOL.search(pre)
    base = clean(POOL.sub("", pre))  # 南召县在全省104个县(市)中排名第34位: the field is not the subject
    frame = RANK_FRAME.search(pre) if not has_noun(base) and not pool else None
    if frame and len(clean(frame.group(1))) >= 2:  # 在全省考核中位列第一: ranked in the 考核
        base = clean(frame.group(1))
    elif not has_noun(base):  # …but what it was taken in may name it (在全省22个地级以上市政府考评中 → 政府考评)
        base = fallback or (_ranked_in(pool.group(1)) if pool else "")
    base = _rank_end_re().sub("", subject(base))  # the fallback may be the rank before: …全省排名, then 全市
    return f"{base}{scope}排名"  # with no subject at all, still a rank: 全省排名


@functools.cache
def _rank_end_re() -> re.Pattern[str]:
    return re.compile(rf"(?:{'|'.join(map(re.escape, _rank_scopes()))})?排名$")


def streak_name(pre: str, post: str) -> tuple[str, str]:
    """出庭应诉率连续三年保持100% → (出庭应诉率连续保持, 出庭应诉率): the name and its subject."""
    base = clean(pre.removesuffix("第").removesuffix("连续"))
    return base + "连续" + _head(post), base


@functools.lru_cache(maxsize=4096)
def _bare(s: str) -> bool:
    """Nothing but a change word (同比增长11.55%): the subject is the sentence's previous metric's."""
    for word in _growth_longest():
        s = s.replace(word, "")
    return all(f in ("d", "p", "u", "uj", "ul", "c") for _, f in words(s))


def items(s: str) -> list[str]:
    """A 、-list split into its items: 申请材料、办理环节和办理时限 → three items."""
    return list(_items(s))


@functools.lru_cache(maxsize=4096)
def _items(s: str) -> tuple[str, ...]:
    parts = (LEVELS.sub("", x.strip()) for x in SEPARATORS.split(s))  # 市、县两级: the items are 市 and 县
    return tuple(p for p in parts if p)
