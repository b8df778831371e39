"""Numbered models: a label tied to the system it names.

>>> text = "构建“1+5+N”工作体系,推广321基层治理模式。"
>>> [i.name for i in models(text, text)[0]]
['1+5+N工作体系', '321基层治理模式']

* quoted or unquoted labels with a + (“1+7+N”, 1+3+X), quoted short numbers (“1234”, “5+”), and unquoted
  runs of digits with their system close after them (321基层治理模式; never a year, a hotline's number
  or a count);
* the system words are ``models.systems`` in ``data/initiatives.yaml``; “1+3+X”模式的…体系 is named to
  its end;
* a label a higher body set (省委“1310”具体部署 in a city's release) is not this government's.
"""

from __future__ import annotations

import functools
import re

from rules.names import QUOTE_MARKS, evidence, section
from rules.records import Initiative
from rules.tables import load, longest_first

QUOTE_OPENING = re.compile(r"[“\"「]")
"""Where QUOTED_LABEL's quoted alternative starts."""


LABEL = r"[0-9NnX]+(?:\+[0-9NnX]+)+|[一二三四五六七八九十]+(?:\+[一二三四五六七八九十N]+)+"


LABEL_CHARS = frozenset("0123456789NnX一二三四五六七八九十")


QUOTED_LABEL = re.compile(rf"[“\"「](?:{LABEL}|[一二三四五六七八九十]{{2,4}}|[0-9]{{2,5}}|[0-9]{{1,2}}\+)[”\"」]"
                          rf"|(?<![0-9A-Za-z+])(?:{LABEL})")


def models(text: str, norm: str, region: str | None = None) -> tuple[list[Initiative], list[tuple[int, int]]]:
    """A numbered label followed by the system it names: “1+5+N”工作体系 → 1+5+N工作体系; “1+3+X”模式的政务帮办
    代办促办体系 is named to its end. A label a higher body set (省委“1310”具体部署) is not this government's.
    Returns the models and their spans (a brand quoted inside one, “1+11”“全城通办”政务服务体系, is its part)."""
    system = _system_re()
    out = []
    spans: list[tuple[int, int]] = []
    labels = [(m, system) for m in _labels(norm)] + [(m, _short_system_re()) for m in _digit_labels(norm)]
    for m, pattern in sorted(labels, key=lambda pair: pair[0].start()):
        s = pattern.match(norm, _past_gloss(norm, m.end()))
        if s is None or _set_above(norm, m.start(), region):
            continue
        end = s.end()
        # “1+3+X”模式的政务帮办代办促办体系 (but “1+N”工作体系的重要平台 ends at 体系)
        more = system.match(norm, end + 1) if norm.startswith("模式的", end - 2) else None
        end = more.end() if more else end
        system_words = QUOTE_MARKS.sub("", text[s.start():end]).removeprefix("的")
        name = text[m.start():m.end()].strip("“”\"「」") + system_words
        out.append(Initiative(name, "model", evidence(text, norm, m.start(), end)))
        spans.append((m.start(), end))
    return out, spans


def _past_gloss(norm: str, pos: int) -> int:
    """Past a parenthesis glossing the label (“1+3+10”(搭建1个平台,组建3大团队…)服务体系), else ``pos``."""
    if not norm.startswith("(", pos):
        return pos
    close = norm.find(")", pos, pos + GLOSS_MAX)
    return close + 1 if close > 0 else pos


GLOSS_MAX = 80
"""The longest gloss of a label's numbers, in characters."""


def _set_above(norm: str, start: int, region: str | None) -> bool:
    """省委“1310”, 市委“1312” in a district's release: a higher body's label (but 省委“1+3” in a province's
    release, or 州委“1+3” in a prefecture's, is the release's own)."""
    before = norm[max(0, start - 6):start]
    actors = section("documents")["other_actors"] + section("models")["higher_bodies"]
    actor = next((a for a in actors if before.endswith(a)), None)
    if actor is None:
        return False
    own = _level(region) if region else None
    return own is None or own not in actor  # 国务院, 中央 hold no level character: always above


def _level(region: str) -> str:
    """The level character a region's own bodies carry: 省 (自治区 too), 地 (地区: 地委), 市, 州, 盟, 区, 县, 旗."""
    return "省" if region.endswith("自治区") else "地" if region.endswith("地区") else region[-1]


@functools.cache
def _system_re() -> re.Pattern[str]:
    r = section("models")
    systems = "|".join(longest_first(r["systems"]))
    # the system may hold a quoted brand: “1+11”“全城通办”政务服务体系
    # and a clause going on with 并 or 的 (…受理群众诉求并推动问题解决的快速响应机制) has left the label behind
    return re.compile(rf"的?[^,;:。!?、《》\s并的]{{0,{r['system_window']}}}?(?:{systems})")


@functools.cache
def _short_system_re() -> re.Pattern[str]:
    """The system right after an unquoted number: 321基层治理模式 (a few characters, no more)."""
    r = section("models")
    systems = "|".join(longest_first(r["systems"]))
    return re.compile(rf"[\u4e00-\u9fff]{{0,{r['digit_system_window']}}}?(?:{systems})")


def _digit_labels(norm: str) -> list[re.Match[str]]:
    """推广321基层治理模式: an unquoted run of digits named by the words after it — not a year, a hotline
    (12345政务服务平台, 96345…), a round amount (3000…, 360度…) or a count (2300余人…, 15个…)."""
    r = section("models")
    found = []
    for m in _digit_label_re().finditer(norm):  # the pattern leaves out what a unit or 余 follows, in C
        digits = m.group(0)
        if digits not in r["hotlines"] and not HOTLINE_LIKE.match(digits) and not YEAR.fullmatch(digits):
            found.append(m)
    return found


HOTLINE_LIKE = re.compile(r"12|96|88")
"""How local service numbers open (12388, 96345, 8890)."""


@functools.cache
def _not_after_digits() -> frozenset[str]:
    return frozenset(u["unit"][0] for u in load("units")["units"]) | frozenset(section("models")["not_after_digits"])


@functools.cache
def _digit_label_re() -> re.Pattern[str]:
    """3 to 5 digits, not ending in 0 (3000…, 360度… are amounts), after no digit, letter or 第, before a
    Chinese character that opens no measure word."""
    units = "".join(sorted(_not_after_digits()))
    # opening with the digit class lets the engine skip to digits in C; the lookbehind then checks what
    # stands before the first one
    return re.compile(rf"[0-9](?<![0-9A-Za-z.+第][0-9])[0-9]{{1,3}}[1-9](?=[\u4e00-\u9fff])(?![{units}])")


YEAR = re.compile(r"(?:19|20)[0-9]{2}")


def _labels(norm: str) -> list[re.Match[str]]:
    """QUOTED_LABEL's matches, left to right: tried at each quote, and (an unquoted label holds a +) at
    the start of the run of label characters before each +."""
    found = [m for m in (QUOTED_LABEL.match(norm, q.start()) for q in QUOTE_OPENING.finditer(norm)) if m]
    p = norm.find("+")
    while p >= 0:
        start = p
        while start > 0 and norm[start - 1] in LABEL_CHARS:
            start -= 1
        m = QUOTED_LABEL.match(norm, start) if start < p else None
        if m:
            found.append(m)
        p = norm.find("+", max(p + 1, m.end() if m else 0))
    found.sort(key=lambda m: m.start())
    out: list[re.Match[str]] = []
    for m in found:
        if not out or m.start() >= out[-1].end():
            out.append(m)
    return out
