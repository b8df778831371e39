"""Numbers as Chinese releases print them, scaled to base units.

>>> parse_number("6.43万")
64300.0
>>> parse_number("一千二百")
1200.0
>>> [(n.value, n.approx) for n in find_numbers("受理案件一千余件，近7万人次，上百家")]
[(1000.0, 'more'), (70000.0, 'near'), (100.0, 'more')]

All positions refer to the original text: :func:`normalize` maps characters one to one, so the
normalized copy has the same length (full-width digits and punctuation become ASCII).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from rules.tables import DATA_DIR, load, longest_first

_FULL = "０１２３４５６７８９％．＋，：；（）！？　"
_HALF = "0123456789%.+,:;()!? "
_PAIRS = tuple(zip(_FULL, _HALF))

RANGE_MARKS = frozenset("-—–~～至到")
"""Between the bounds of a range: 3—4个月, 3至5天."""

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
             "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
SCALES = {"万": 10**4, "亿": 10**8, "千": 10**3, "百": 10**2, "千万": 10**7, "百万": 10**6, "万亿": 10**12}

ARABIC = r"[0-9]{1,3}(?:,[0-9]{3})+(?![0-9])(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?"
CHINESE = r"[一二两三四五六七八九十][零〇一二两三四五六七八九十百千万亿]*"
SCALED = re.compile(rf"({ARABIC})(千万|百万|万亿|万|亿|千|百)?")
CHINESE_RE = re.compile(CHINESE)
UP_RE = re.compile(r"上[百千万]")


@dataclass
class Number:
    """A numeral found in text: ``value`` already scaled (4.6万 → 46000)."""

    start: int
    end: int
    value: float
    approx: str | None = None
    arabic: bool = True
    percent: bool = False  # 百分之三十: the unit is already said
    high: float | None = None  # 3—4个月: the upper bound of a range (``value`` is the lower)


@functools.lru_cache(maxsize=16)
def normalize(text: str) -> str:
    """Full-width digits and punctuation to ASCII, keeping every position (cached: every rule family asks)."""
    # one character for one, so positions stay valid; str.translate would walk a dict per character of
    # Chinese text (about 1.5 ms for 9k characters) where a few str.replace passes take microseconds
    for full, half in _PAIRS:
        if full in text:
            text = text.replace(full, half)
    if _traditional(text):  # 開展法治宣傳教育活動120多場: read as simplified, character for character
        text = text.translate(_simplified_table())
    return text


TRADITIONAL_SAMPLE = 1000
TRADITIONAL_MIN = 5
"""A text is traditional when its first ``TRADITIONAL_SAMPLE`` characters hold this many characters that only
traditional text uses (區, 場, 經…; not 乾 or 於, which simplified text has too)."""


TRADITIONAL_HINTS = ("國會發經區場時為這們個來對進過還動務業與開辦講縣鎮鄉無將應從總實現權專問題條黨關據際眾蓋覆"
                     "議規範護書審單類項傳統處")
"""Traditional forms of characters every government text uses: a text holding none of them in its sample
is not traditional, without the slower scan of the whole table's class."""


def _traditional(text: str) -> bool:
    sample = text[:TRADITIONAL_SAMPLE]
    if not any(c in sample for c in TRADITIONAL_HINTS):
        return False
    return len(_traditional_re().findall(sample)) >= TRADITIONAL_MIN


@functools.cache
def _traditional_pairs() -> tuple[tuple[str, str, bool], ...]:
    """(traditional, simplified, shared) from ``data/traditional.tsv`` (OpenCC's table, one character for one)."""
    rows = []
    with (DATA_DIR / "traditional.tsv").open(encoding="utf-8") as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                trad, simp, shared = line.rstrip("\n").split("\t")
                rows.append((trad, simp, shared == "1"))
    return tuple(rows)


@functools.cache
def _traditional_re() -> re.Pattern[str]:
    return re.compile("[" + "".join(t for t, _, shared in _traditional_pairs() if not shared) + "]")


@functools.cache
def _simplified_table() -> dict[int, int]:
    return {ord(t): ord(s) for t, s, _ in _traditional_pairs()}


def parse_chinese(s: str) -> float:
    """一千二百 → 1200, 十二 → 12, 两万三千 → 23000, 三万五 → 35000, 二〇二三 → 2023."""
    if all(c in CN_DIGITS for c in s):
        return float("".join(str(CN_DIGITS[c]) for c in s))
    total, section, num, last = 0, 0, 0, 1
    for c in s:
        if c in CN_DIGITS:
            num = CN_DIGITS[c]
        elif c in CN_UNITS:
            last = CN_UNITS[c]
            section += (num or 1) * last
            num = 0
        elif c == "万":
            total += (section + num) * 10**4
            section, num, last = 0, 0, 10**4
        elif c == "亿":
            total = (total + section + num) * 10**8
            section, num, last = 0, 0, 10**8
    if num and s[-1] in CN_DIGITS and len(s) > 1 and s[-2] not in CN_DIGITS and last >= 100:
        num = num * last // 10  # colloquial 三万五 = 35000, 一千二 = 1200
    return float(total + section + num)


def parse_number(s: str) -> float | None:
    """Parse one numeral: Arabic (with ``,`` groups and full-width digits), Chinese or mixed (2亿, 4.6万)."""
    s = normalize(s).strip()
    m = SCALED.fullmatch(s)
    if m:
        value = Decimal(m.group(1).replace(",", "")) * SCALES.get(m.group(2) or "", 1)
        return float(value)
    if CHINESE_RE.fullmatch(s):
        return parse_chinese(s)
    if UP_RE.fullmatch(s):
        return float(SCALES[s[1]])
    if s.startswith("百分之"):
        return parse_number(s[3:])
    return None


ARABIC_SCAN = r"[0-9](?:[0-9]{0,2}(?:,[0-9]{3})+(?![0-9])(?:\.[0-9]+)?|[0-9]*(?:\.[0-9]+)?)"
"""ARABIC opening with one plain digit class, so that the regex engine can skip to candidates in C."""
LATE = "万亿|千万|百万|万|亿"


@functools.cache
def _scanners() -> tuple[re.Pattern[str], ...]:
    """One pattern per numeral form, each opening with a literal or a class so that ``finditer`` jumps
    from candidate to candidate in C: Arabic (with its scale), Chinese, 百分之X and 上百. The markers of
    approximation before a numeral (近, 约, 超过…) are looked up behind each match (:func:`_before`)."""
    inside = "|".join(map(re.escape, longest_first(load("markers")["approx"]["inside"])))
    tail = rf"(?P<inside>{inside})?(?P<late>{LATE})?"
    return (
        # 办理 1.3 万件: text converted from PDF may put a space between a numeral and its scale
        re.compile(rf"(?P<num>{ARABIC_SCAN})(?: (?=[万亿千余多]))?(?P<scale>千万|百万|万亿|万|亿|千)?"
                   rf"(?P<inside>{inside})?(?(scale)|(?P<late>{LATE})?)"),
        re.compile(rf"(?P<cn>{CHINESE}){tail}"),
        re.compile(rf"百分之(?P<pnum>{ARABIC}|{CHINESE}){tail}"),
        re.compile(rf"上(?P<up>[百千万]){tail}"),
    )


@functools.cache
def _before_words() -> tuple[dict[str, str], dict[str, str], int]:
    """(approximation marker → approx, marker → characters that make it the tail of another word, longest)."""
    table = load("markers")
    before = table["approx"]["before"]
    return before, table["approx_blockers"], max(map(len, before))


def _before(norm: str, start: int, floor: int) -> tuple[str | None, int]:
    """The approximation marker ending at ``start`` (not reaching back past ``floor``): (approx, its start).

    签约3个项目: 约 is the tail of 签约, so it is part of the number's span but marks nothing."""
    before, blockers, longest = _before_words()
    for n in range(longest, 0, -1):
        a = start - n
        word = norm[a:start] if a >= floor else ""
        if word in before:
            blocked = a > 0 and norm[a - 1] in blockers.get(word, "")
            return (None if blocked else before[word]), a
    return None, start


def _inside(m: re.Match[str]) -> str | None:
    mark = m.group("inside")
    return load("markers")["approx"]["inside"][mark] if mark else None


def _scaled(digits: str, scale: int) -> float:
    if scale == 1 and len(digits) <= 28:
        # no scaling: float() of the digits is the same correctly rounded value as through Decimal
        # (which keeps 28 significant digits exactly)
        return float(digits.replace(",", ""))
    return float(Decimal(digits.replace(",", "")) * scale)


def _number(m: re.Match[str], form: int, norm: str, floor: int) -> Number:
    """The Number of one scanner match (``form``: the index of its scanner)."""
    pre, start = _before(norm, m.start(), floor) if m.start() > floor else (None, m.start())
    late = m.group("late")
    if form == 0:
        scale = SCALES.get(m.group("scale") or "", 1) * (SCALES[late] if late else 1)  # 2300余万元
        return Number(start, m.end(), _scaled(m.group("num"), scale), pre or _inside(m))
    if form == 1:
        value = parse_chinese(m.group("cn")) * (SCALES[late] if late else 1)
        return Number(start, m.end(), value, pre or _inside(m), arabic=False)
    if form == 2:
        pnum = m.group("pnum")
        return Number(start, m.end(), parse_number(pnum) or 0.0, pre or _inside(m), pnum[0].isdigit(), True)
    return Number(start, m.end(), float(SCALES[m.group("up")]), pre or "more", arabic=False)


def _range(norm: str, low: Number, high: Number) -> Number:
    """3—4个月, 3-5万元: one number, valued at its lower bound (scaled like the upper one)."""
    value = low.value
    scale = next((s for s in ("万", "亿") if norm[low.start:low.end][-1:] != s and norm[high.start:high.end][-1:] == s),
                 None)
    if scale:
        value *= SCALES[scale]
    return Number(low.start, high.end, value, low.approx or high.approx, low.arabic, high.percent, high=high.value)


def find_numbers(text: str) -> list[Number]:
    """Every numeral in ``text`` with its approximation marker, in order."""
    norm = normalize(text)
    lasts = _before_lasts()
    found: list[Number] = []
    floor = 0
    for start, form, m in _in_order([list(pattern.finditer(norm)) for pattern in _scanners()]):
        if start < floor:  # 三十 inside 百分之三十
            continue
        if form == 0 and m.lastindex == 1:
            # the common case, a bare Arabic numeral: no scale, no 余, perhaps a marker before it
            marked = start > floor and norm[start - 1] in lasts
            pre, a = _before(norm, start, floor) if marked else (None, start)
            digits = m.group(1)
            num = Number(a, m.end(), _scaled(digits, 1), pre)
        else:
            num = _number(m, form, norm, floor)
        floor = m.end()
        low = found[-1] if found else None
        if low and num.start == low.end + 1 and norm[low.end] in RANGE_MARKS and low.value < num.value:
            found[-1] = _range(norm, low, num)
        else:
            found.append(num)
    return found


def _in_order(forms: list[list[re.Match[str]]]) -> list[tuple[int, int, re.Match[str]]]:
    """(start, form, match) of every scanner's matches by position (no two forms open at the same
    character). Usually only Arabic and Chinese numerals are found: two sorted lists merged."""
    arabic, chinese = forms[0], forms[1]
    if any(forms[2:]):
        out = [(m.start(), form, m) for form, ms in enumerate(forms) for m in ms]
        out.sort(key=lambda t: t[0])
        return out
    merged: list[tuple[int, int, re.Match[str]]] = []
    i = j = 0
    while i < len(arabic) or j < len(chinese):
        if j >= len(chinese) or i < len(arabic) and arabic[i].start() < chinese[j].start():
            merged.append((arabic[i].start(), 0, arabic[i]))
            i += 1
        else:
            merged.append((chinese[j].start(), 1, chinese[j]))
            j += 1
    return merged


@functools.cache
def _before_lasts() -> frozenset[str]:
    return frozenset(word[-1] for word in _before_words()[0])


def approx_after(text: str, pos: int) -> tuple[str | None, int]:
    """An approximation marker right after a unit (90%以上, 3个工作日以内): (approx, end)."""
    if text[pos:pos + 1] not in _after_firsts():
        return None, pos
    for word, approx in _after_words():
        if text.startswith(word, pos):
            return approx, pos + len(word)
    return None, pos


@functools.cache
def _after_firsts() -> frozenset[str]:
    return frozenset(word[0] for word, _ in _after_words())


@functools.cache
def _after_words() -> tuple[tuple[str, str], ...]:
    after = load("markers")["approx"]["after"]
    return tuple((word, after[word]) for word in longest_first(after))


def _glued_full_date(digits: str) -> bool:
    """A year (1990-2039) followed by a month and a day written without their marks."""
    year, rest = int(digits[:4]), digits[4:]
    if not 1990 <= year <= 2039:
        return False
    for cut in range(1, len(rest)):
        month, day = rest[:cut], rest[cut:]
        if len(month) <= 2 and len(day) <= 2 and 1 <= int(month) <= 12 and 1 <= int(day) <= 31:
            return True
    return False


def is_damaged_date(digits: str, published: str | None) -> bool:
    """``1215`` before 日 on a page published in December is 12月15日 with the 月 lost in scraping."""
    if digits.isdigit() and 5 <= len(digits) <= 8 and _glued_full_date(digits):
        return True  # 2025730日: 2025年7月30日 with 年 and 月 lost
    if not published or not digits.isdigit() or len(digits) not in (3, 4):
        return False
    try:
        pub = date.fromisoformat(published[:10])
    except ValueError:
        return False
    months = {pub.month, (pub.month - 2) % 12 + 1}  # the release may report last month's event
    for cut in (1, 2):
        month, day = int(digits[:cut]), int(digits[cut:])
        if month in months and 1 <= day <= 31 and len(digits[cut:]) == 2:
            return True
    return False
