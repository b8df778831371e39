"""Numbers that are metrics: a unit follows (or a rank), and no rule says it is a label or a date.

>>> from rules.numbers import find_numbers, normalize
>>> norm = normalize("对全区规范性文件清理7次，其中第二批3件")
>>> [(h.num.value, h.unit, h.kind) for h in clause_hits(norm, (0, len(norm)), find_numbers(norm), [], None)]
[(7.0, '次', 'count'), (3.0, '件', 'count')]

Numbers inside quotes and titles, ordinals (第二批), model labels (1+5+N), dates and years, and
small Chinese numerals naming a set (三项制度) are not metrics; 从16%提升到52% is one hit with a
baseline; 分别为3、5件 lends 件 to 3.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace

from rules.numbers import Number, approx_after, is_damaged_date, parse_number
from rules.region import place_spans
from rules.tables import load, longest_first
from rules.text import NAME_QUOTES, inside

LABEL_NEIGHBOURS = "+×*/xX·"
"""A number touching one of these is part of a label or formula: 1+5+N, 7×24小时."""

MODEL_LABEL = re.compile(r"[“\"「]?[0-9N]+(?:\+[0-9N]+)+")


@dataclass
class Unit:
    word: str
    kind: str
    arabic_only: bool = False
    after: tuple[str, ...] = ()
    not_before: tuple[str, ...] = ()
    not_after: tuple[str, ...] = ()
    tenths: bool = False  # 九成 is 90%: the value is tenths, reported as a percentage


@dataclass
class Hit:
    """A number that passed every test, with its unit; ``end`` is past the unit and any 以上/左右."""

    num: Number
    unit: str
    kind: str
    end: int
    approx: str | None
    baseline: float | None = None
    start: int = -1  # where the phrase naming it must end (before 从 in 从16%提升到52%)

    @property
    def left(self) -> int:
        return self.num.start if self.start < 0 else self.start


PERCENT = Unit("%", "rate")


@functools.cache
def units() -> tuple[Unit, ...]:
    table = load("units")["units"]
    rows = [Unit(u["unit"], u["kind"], u.get("arabic_only", False), tuple(u.get("after", ())),
                 tuple(u.get("not_before", ())), tuple(u.get("not_after", ())), u.get("tenths", False))
            for u in table]
    return tuple(sorted(rows, key=lambda u: len(u.word), reverse=True))


@functools.cache
def _unit_table() -> tuple[dict[str, Unit], int]:
    return {u.word: u for u in units()}, max(len(u.word) for u in units())


@functools.cache
def _stands_before() -> tuple[str, ...]:
    """Words a ``not_before`` character may open with the unit still standing: 70名单位负责人 (not 名单)."""
    return tuple(load("units").get("stands_before", ()))


@functools.cache
def _units_by_first() -> dict[str, tuple[Unit, ...]]:
    """The unit table by first character, longest word first: 个工作日 before 个."""
    out: dict[str, list[Unit]] = {}
    for u in sorted(_unit_table()[0].values(), key=lambda u: len(u.word), reverse=True):
        out.setdefault(u.word[0], []).append(u)
    return {first: tuple(us) for first, us in out.items()}


def _unit_at(norm: str, num: Number) -> Unit | None:
    if num.percent:
        return PERCENT
    pos = num.end + _gap(norm, num)
    for u in _units_by_first().get(norm[pos:pos + 1], ()):  # longest first: 个工作日 before 个
        if not norm.startswith(u.word, pos) or (u.arabic_only and not num.arabic):
            continue
        if u.not_before or u.not_after or u.after:
            nxt = norm[pos + len(u.word):pos + len(u.word) + 1]
            before = norm[max(0, num.start - 4):num.start]
            if (nxt and nxt in u.not_before and not norm.startswith(_stands_before(), pos + len(u.word))
                    or (u.not_after and before[-1:] in u.not_after)):
                continue
            ranged = num.high is not None and num.high < 1000  # 3—4个月 is a span of time, 2021-2025年 is not
            if u.after and not ranged and not any(before.endswith(w) for w in u.after):
                return None  # 3个月内: the unit is 个月 all the same, not 个
        return u
    return None


BARE = Unit("", "count")


def _bare_count(norm: str, num: Number, clause: tuple[int, int]) -> Unit | None:
    """总阅读量约287.3万, 注册用户突破800万: a number scaled by 万/亿 with no measure word, ending its
    clause after a quantity noun, is a count with no unit."""
    if num.end != clause[1] or norm[num.end - 1:num.end] not in ("万", "亿"):
        return None
    return BARE if _quantity_re().search(norm, clause[0], num.start) else None


@functools.cache
def _quantity_re() -> re.Pattern[str]:
    m = load("markers")["bare_counts"]
    return re.compile(rf"(?:{'|'.join(m['nouns'])})(?:{'|'.join(longest_first(m['verbs']))})*$")


def _gap(norm: str, num: Number) -> int:
    """召开会议 1 次: text converted from PDF puts a space around numbers; one space before the unit is
    skipped when a space or a mark stands before the number too, or after Arabic digits (备案136 个)."""
    if norm[num.end:num.end + 1] == " " and num.start > 0 and (num.arabic or norm[num.start - 1] in SPACED_AFTER):
        return 1
    return 0


SPACED_AFTER = " 、,;:(“"
"""What stands before a number whose unit may follow a space: a space (会议 1 次) or a mark (、109 个村)."""


def _is_label(norm: str, num: Number) -> bool:
    """Ordinals, parts of labels and formulas, codes like G20."""
    prev = norm[num.start - 1:num.start] if num.start else ""
    nxt = norm[num.end:num.end + 1]
    if prev == "第":  # 第二批 is an ordinal, but 连续第12年 counts the years of a streak
        return not (norm[num.start - 3:num.start] == "连续第" and norm.startswith("年", num.end))
    return prev in LABEL_NEIGHBOURS or nxt in LABEL_NEIGHBOURS or prev.isascii() and prev.isalpha()


def _names_a_set(norm: str, num: Number, end: int, clause_end: int) -> bool:
    """一个平台, 三项制度, 六项工作机制“1+166”: a small Chinese numeral counting parts, not work done."""
    if num.arabic:
        return False
    if num.value == 1:
        return True
    table = load("units")
    if num.value > table["label_max"]:
        return False
    rest = norm[end:clause_end]
    if rest and rest[0] in QUOTE_OPENERS and norm[num.end:end] in table["set_words"]:
        return True  # 三个“一号工程”, 两个“确保”: the quote names the set (三次“回头看” are counted)
    if rest in table["set_end_nouns"]:
        return True
    return any(w in rest[:4] for w in table["label_nouns"]) or bool(MODEL_LABEL.search(rest))


QUOTE_OPENERS = NAME_QUOTES + "‘"


def _in_place_name(norm: str, num: Number) -> bool:
    """三元区, 七台河市, 万年县: a Chinese numeral and a unit opening the name of a division."""
    window = norm[num.start:num.start + PLACE_NAME_MAX]
    if num.arabic or not any(c in window for c in DIVISION_ENDS):  # no division name ends here: no lookup
        return False
    spans = place_spans(window)
    return bool(spans) and spans[0][0] == 0


PLACE_NAME_MAX = 8
DIVISION_ENDS = "市区县旗州盟"


def _not_a_fact(norm: str, num: Number, end: int, clause: tuple[int, int]) -> bool:
    """每季度学法不少于1次 (a requirement), 打造15分钟政务服务圈 (a name), 在全国36个参评城市中 (the size of
    a field compared against): numbers with a unit that report nothing done here."""
    before = norm[clause[0]:num.start]
    if before.endswith(_words("requirement_words")):
        return True
    if before.endswith("从") and norm.startswith(ASPECTS, num.end):
        return True  # 从7个方面作简要介绍: how a talk is divided, not a count of anything done
    if before.endswith("届") and SESSION.match(norm, num.start):
        return True  # 市委六届五次、六次全会: the plenary sessions of a congress
    if HONOUR_LIST.search(before) and _honour_list_re().search(before):
        return True  # 入选司法部首批全国十个立法联系点: the size of the honour's list
    after = norm[end:clause[1]]
    if _label_end_re().match(after):
        return True
    if "中" in after[:5] and _pool_after_re().match(after):
        return True  # 西北5省中唯一…, 36个县区中率先…
    if "至少" in before[-4:] and "每" in before and EACH_AT_LEAST.search(before):
        return True  # 每个村至少有1处 (but 全县至少有30个村建成… is a fact)
    return POOL_END.search(after, 0, POOL_WINDOW) is not None and bool(_pool_start_re().search(before))


HONOUR_LIST = re.compile(r"(?:首批|第[一二三四五六七八九十0-9]+批)(?:全国|全省|全市)?$")
"""…首批全国 right before the number of an honour's list (not 全县累计入选全省18个…: that is our count)."""


@functools.cache
def _honour_list_re() -> re.Pattern[str]:
    verbs = "|".join(load("markers")["honour_list_verbs"])
    return re.compile(rf"(?:{verbs})[^,;。]{{0,12}}$")


ASPECTS = ("个方面", "方面")


SESSION = re.compile(r"[一二三四五六七八九十]+次(?:、[一二三四五六七八九十]+次)*(?:全会|全体|会议|党代会)")
"""五次、六次全会 after 届: sessions, not a count."""
EACH_AT_LEAST = re.compile(r"至少[\u4e00-\u9fff]{1,2}$")
"""…至少有 / 至少配备 right before the number (a requirement only with 每 in the clause)."""
DAY_OF_MONTH = re.compile(r"[0-9]{1,2}月[0-9]{1,2}日[^。;\n0-9]{0,20}[至到]$")
"""12月1日启动,将持续至: a month-day date, then 至 before a day number."""
THRESHOLD = re.compile(r"的[\u4e00-\u9fff]{1,8}?(?:共有|有|达)(?=[0-9一二三四五六七八九十两:])")
"""…以上的部门有6个, …以上的街镇有:宝平街道…: the thing sorted, then how many or which there are."""

POOL_WINDOW = 20
"""How far after 在全省22个 the 中 closing the field may stand (…地级以上市(含顺德区)政府考评中)."""
POOL_END = re.compile(r"(?<!集)中(?![心国小级])")
"""The 中 closing a field, not the one in 集中培训 or 调解中心."""


@functools.cache
def _pool_after_re() -> re.Pattern[str]:
    return re.compile(rf"[\u4e00-\u9fff]{{0,4}}?中(?:{'|'.join(load('markers')['pool_after'])})")


@functools.cache
def _label_end_re() -> re.Pattern[str]:
    return re.compile(rf"[\u4e00-\u9fff]{{0,6}}(?:{'|'.join(load('markers')['label_suffixes'])})(?![\u4e00-\u9fff])")


@functools.cache
def _pool_start_re() -> re.Pattern[str]:
    return re.compile(rf"(?:在|从)(?:{'|'.join(load('markers')['pool_scopes'])})的?$")


@functools.cache
def _words(key: str) -> tuple[str, ...]:
    """A word list of ``data/markers.yaml`` as a tuple, for ``str.endswith``."""
    return tuple(load("markers")[key])


def _kind(norm: str, left: int, num: Number, unit: Unit) -> str:
    if unit.kind not in ("rate", "score"):  # 较上年提升2.3分 is a change, like 增长5%
        return unit.kind
    pre = norm[left:num.start].rstrip(" 了")  # 同比增长 12% (PDF spacing) is growth too
    if pre.endswith(("到", "至")):
        return "rate"
    return "growth" if pre.endswith(_words("growth_verbs")) else unit.kind


def _hit(norm: str, num: Number, clause: tuple[int, int], published: str | None) -> Hit | None:
    unit = _unit_at(norm, num)
    if unit is None:
        unit = _bare_count(norm, num, clause)
    if unit is None or _is_label(norm, num):
        return None
    end = num.end + (0 if num.percent else _gap(norm, num) + len(unit.word))
    if _names_a_set(norm, num, end, clause[1]):
        return None
    if unit.word == "日" and is_damaged_date(norm[num.start:num.end], published):
        return None
    if _not_a_fact(norm, num, end, clause):
        return None
    if _in_place_name(norm, num) or unit.word == "日" and _day_of_month(norm, num):
        return None
    if unit.tenths:
        if num.value > 10:
            return None
        digit = parse_number(norm[end:end + 1]) if norm[end:end + 1] in TENTH_DIGITS else None
        num = replace(num, value=num.value * 10 + (digit or 0))  # 九成 is 90%, 九成五 95%
        end += 1 if digit else 0
        unit = PERCENT
    approx, after = approx_after(norm, end)
    if approx is not None and unit.kind != "rate" and THRESHOLD.match(norm, after):
        return None  # 执法活动总量1000件以上的部门有6个: a threshold that sorts what is counted next
    return Hit(num, unit.word, _kind(norm, clause[0], num, unit), after, num.approx or approx)


TENTH_DIGITS = "一二三四五六七八九"


DAY_WINDOW = 30
"""How far before 至7日 a month-day date (12月1日) makes it a day of that month."""


def _day_of_month(norm: str, num: Number) -> bool:
    """于12月1日启动,将持续至7日: the 7th of the month; but 自7月1日起…由15日缩短至7日 is a duration."""
    m = DAY_OF_MONTH.search(norm, max(0, num.start - DAY_WINDOW), num.start)
    return m is not None and not norm.endswith(_words("duration_verbs"), 0, m.end() - 1)  # no copy of the text


@functools.cache
def _rank_words() -> tuple[str, str]:
    """(verbs, scopes) of rank phrases, each as a longest-first alternation (the scopes written as patterns
    last: 成都市各区(市)县)."""
    m = load("markers")
    scopes = "|".join(map(re.escape, longest_first(m["rank_scopes"])))
    return "|".join(map(re.escape, longest_first(m["rank_verbs"]))), "|".join([scopes, *m["rank_scope_patterns"]])


@functools.cache
def _rank_re() -> re.Pattern[str]:
    """…, and a rank right after an assessment with no verb (法治金华考核第一: data ``rank_after``)."""
    verbs, scopes = _rank_words()
    after = "|".join(map(re.escape, load("markers")["rank_after"]))
    return re.compile(rf"(?:(?:{verbs})了?(?:{scopes})?|(?:{scopes})|(?<={after}))(?:的)?"
                      r"第([0-9]+|[一二三四五六七八九十]+)(位|名)?")


RANK_REACH = 24
"""How far before its 第 a rank phrase may open (verb, scope: 位居成都市各区(市)县第一)."""
RANK_TAIL = 8
"""…and how far after it it may end (第12位)."""


@functools.cache
def _top_re() -> re.Pattern[str]:
    """排名前三, 位居全省前10位: a rank within the top N (not 前三季度, 前5年, 排名前20%, 排名前五的单位)."""
    verbs, scopes = _rank_words()  # not after a bare 考核: 考核前一周 is a time, not a rank
    return re.compile(rf"(?:{verbs})了?(?:{scopes})?(?:的)?前([0-9]+|[一二三四五六七八九十]+)(位|名)?"
                      r"(?![季个年月批期天日周小时%/的分0-9])")


@functools.cache
def first_place_re() -> re.Pattern[str]:
    verbs, scopes = _rank_words()
    # the scope is required: 居全省首位 is a rank, 列首位 or 纠纷数量居首位 says what comes first
    return re.compile(rf"(?:{verbs})了?(?:{scopes})(?:的)?({'|'.join(load('markers')['first_place'])})")


def rank_hits(norm: str, a: int, b: int) -> list[Hit]:
    """位居全市第一, 排名第2位, 位列全国第六: rank N, unit 位; 居全省首位: rank 1."""
    hits: list[Hit] = []
    if norm.find("首", a, b) >= 0 or norm.find("榜", a, b) >= 0:
        for m in first_place_re().finditer(norm, a, b):
            num = Number(m.start(1), m.end(1), 1.0, arabic=False)
            hits.append(Hit(num, "位", "rank", m.end(), None, start=m.start()))
    if norm.find("前", a, b) >= 0:  # 排名前三, 稳居全省前十: within the top N
        for m in _top_re().finditer(norm, a, b):
            value = parse_number(m.group(1)) or 0.0
            num = Number(m.start(1), m.end(1), value, approx="less", arabic=m.group(1).isdigit())
            hits.append(Hit(num, "位", "rank", m.end(), "less", start=m.start()))
    if norm.find("第", a, b) < 0:  # every other rank phrase holds 第
        return hits
    # from each 第 back to where its phrase may open: the pattern opens with optional scopes (some of them
    # patterns) and a lookbehind, so a scan of the whole clause would try it at every character
    p, last = norm.find("第", a, b), a
    while p >= 0:
        end = min(b, p + RANK_TAIL)
        found = _rank_re().search(norm, max(last, p - RANK_REACH), end)
        while found is not None and found.start(1) - 1 < p:  # a phrase of an earlier 第, cut by this window
            found = _rank_re().search(norm, found.start() + 1, end)
        at, p = p, norm.find("第", p + 1, b)
        if found is None or found.start(1) - 1 != at or found.end() <= last:
            continue
        m = found
        last = m.end()
        if not m.group(2) and norm[m.end():m.end() + 1] in load("markers")["rank_not_followed"]:
            continue
        value = parse_number(m.group(1)) or 0.0
        num = Number(m.start(1) - 1, m.end(1), value, arabic=m.group(1).isdigit())
        hits.append(Hit(num, "位", "rank", m.end(), None, start=m.start()))
    return hits


def _borrow_units(norm: str, nums: list[Number], hits: dict[int, Hit]) -> None:
    """分别为3、5件: a bare number followed by 、 takes the unit of the next number."""
    for i in range(len(nums) - 2, -1, -1):
        a, b = nums[i], nums[i + 1]
        if i in hits or i + 1 not in hits or norm[a.end:b.start] not in ("、", "和", "及"):
            continue
        h = hits[i + 1]
        hits[i] = Hit(a, h.unit, h.kind, a.end, a.approx)


def _before_after(norm: str, hits: list[Hit]) -> list[Hit]:
    """从16%提升到52%: keep 52% with baseline 16."""
    m = load("markers")["before_after"]
    out: list[Hit] = []
    for h in hits:
        prev = out[-1] if out else None
        origin = -1
        if prev is not None and _to_re().fullmatch(norm[prev.end:h.num.start]):
            origin = _origin(norm, prev.num.start, m["from"])
        if prev is not None and origin >= 0 and h.unit and h.unit != prev.unit and prev.unit.startswith(h.unit):
            h = replace(h, unit=prev.unit, kind=prev.kind)  # 由21个工作日压减至3个: 3 个工作日
        if prev is not None and origin >= 0 and prev.kind == h.kind:
            # 由3—4个月缩短至5个工作日: a baseline in another unit is dropped rather than mixed
            out[-1] = replace(h, baseline=prev.num.value if prev.unit == h.unit else None, start=origin)
        else:
            out.append(h)
    return out


@functools.cache
def _to_re() -> re.Pattern[str]:
    return re.compile(rf"[\u4e00-\u9fff]{{0,3}}(?:{'|'.join(load('markers')['before_after']['to'])})")


@functools.cache
def _from_re(marks: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(rf"(?:{'|'.join(marks)})[\u4e00-\u9fff]{{0,5}}$")


def _origin(norm: str, pos: int, marks: list[str]) -> int:
    """Where 从/由 opens the baseline ending at ``pos`` (由法定的20个工作日), or -1."""
    m = _from_re(tuple(marks)).search(norm[max(0, pos - 6):pos])
    return pos - len(m.group(0)) if m else -1


def clause_hits(norm: str, clause: tuple[int, int], nums: list[Number], protected: list[tuple[int, int]],
                published: str | None) -> list[Hit]:
    if protected:
        nums = [n for n in nums if not inside(protected, n.start)]
    found: dict[int, Hit] = {}
    for i, n in enumerate(nums):
        h = _hit(norm, n, clause, published)
        if h is not None:
            found[i] = h
    if 0 < len(found) < len(nums):
        _borrow_units(norm, nums, found)
    ranks = rank_hits(norm, *clause)
    if ranks:
        taken = {(r.num.start, r.num.end) for r in ranks}
        hits = [h for _, h in sorted(found.items()) if (h.num.start, h.num.end) not in taken]
        hits = sorted(hits + ranks, key=lambda h: h.num.start)
    else:
        hits = [found[i] for i in sorted(found)]
    return _before_after(norm, hits) if len(hits) > 1 else hits
