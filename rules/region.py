"""Which government a release is about, and which places lie inside which.

>>> parent_of("峄城区"), parent_of("滕州市"), parent_of("市中区")
('枣庄市', '枣庄市', None)
>>> covers("枣庄市", "峄城区"), covers("山东省", "峄城区"), covers("滨州市", "峄城区")
(True, True, False)
>>> resolve_region("2020年，峄城区深入推进…", "中共峄城区委 峄城区人民政府关于2020年度法治政府建设情况的报告", None)
'峄城区'
>>> resolve_region("我市持续深化…", "我市法治政府建设取得新成效", "枣庄市")
'枣庄市'

Place names come from an offline gazetteer of province, city and county divisions
(``data/divisions.tsv``, see ``data/DIVISIONS.md``). A release is about the place named in its title,
else in its source line (来源: 峄城区司法局), else in its lead paragraph; the most specific
place wins (峄城区 over 枣庄市 when both are named). 我市, 本市 and 全区 name no place: they mean the
site's configured region, which is also the fallback. A name shared by several divisions (市中区,
鼓楼区) is reported as written but never given a parent.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from rules import segment
from rules.numbers import normalize
from rules.tables import DATA_DIR, load

LEAD = 300
"""Characters of the text read as its lead paragraph."""

GENERIC = frozenset({"城区", "郊区", "矿区", "新区", "新城区", "老城区"})
"""Real division names that are also common nouns: never matched in running text."""

AREA_WORDS = ("区域", "区划", "区间", "区块")
"""Words whose 区 ends no division: 巴州区域协调发展 is 巴州's 区域, not 巴州区."""

SHORT_AFTER = "省市盟州在和与及、的是于治"
"""Characters after which a two-character name (菏泽市单县, 在冠县, 法治巴州) or a short form (兴安盟科右中旗,
红河州金平县) may start."""

SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "自治县", "地区", "省",
            "市", "区", "县", "盟", "旗")

NAME_END = re.compile("|".join(sorted({x[-1] for x in SUFFIXES})))
"""The last character of every division name."""

TITLE_HEAD = re.compile(r"^([\u4e00-\u9fff]{2,8})[:|]")
"""滨州:打造法治政府全新样板 — a place stem heading a title."""


@dataclass(frozen=True)
class Gazetteer:
    parents: dict[str, frozenset[str]]  # name → names of its parents (several when the name is shared)
    stems: dict[str, str]  # 峄城 → 峄城区, when only one division has that stem
    longest: int
    aliases: dict[str, str]  # 镇宁自治县, 镇宁县 → 镇宁布依族苗族自治县 (short forms of autonomous divisions)


def _aliases(names: dict[str, frozenset[str]]) -> dict[str, str]:
    """Short forms of autonomous divisions (镇宁自治县, 镇宁县 → 镇宁布依族苗族自治县) and the abbreviations
    of ``data/places.yaml`` (巴州)."""
    table = load("places")
    peoples = "|".join(sorted(table["peoples"], key=len, reverse=True))
    autonomous = re.compile(rf"^(.+?)(?:(?:{peoples})族)+自治(县|州|旗)$")
    out: dict[str, str] = {short: full for short, full in table["abbreviations"].items() if full in names}
    for name in names:
        m = autonomous.match(name)
        if m:
            for short in (f"{m[1]}自治{m[2]}", f"{m[1]}{m[2]}"):
                if short not in names:
                    out[short] = name
    return out


def canonical(name: str) -> str:
    """The gazetteer's name for ``name``: 金平县 → 金平苗族瑶族傣族自治县; other names unchanged."""
    return gazetteer().aliases.get(name, name)


def _stem(name: str) -> str:
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


@functools.cache
def gazetteer() -> Gazetteer:
    codes: dict[str, str] = {}
    with (DATA_DIR / "divisions.tsv").open(encoding="utf-8") as f:
        for line in f:
            if not line.startswith("#") and line.strip():
                code, name = line.rstrip("\n").split("\t")
                codes[code] = name
    parents: dict[str, set[str]] = {}
    for code, name in codes.items():
        up = codes.get(code[:4] + "00") if code[4:] != "00" else None
        up = up or (codes.get(code[:2] + "0000") if code[2:] != "0000" else None)
        parents.setdefault(name, set()).update([up] if up else [])
    stems: dict[str, list[str]] = {}
    for name in parents:
        stems.setdefault(_stem(name), []).append(name)
    _add_zones(parents)
    frozen = {n: frozenset(p) for n, p in parents.items()}
    return Gazetteer(frozen, {s: ns[0] for s, ns in stems.items() if len(ns) == 1 and s != ns[0]},
                     max(map(len, parents)), _aliases(frozen))


def _add_zones(parents: dict[str, set[str]]) -> None:
    """长春新区, 青岛高新区: the zones of ``data/places.yaml`` under every prefecture-level city (one that
    a province or an autonomous region holds), where the gazetteer has no division of that name."""
    zones = load("places")["zones"]
    for name, ups in list(parents.items()):
        stem = _stem(name)
        if name.endswith("市") and stem != name and any(p.endswith(("省", "自治区")) for p in ups):
            for zone in zones:
                parents.setdefault(stem + zone, {name})


@functools.cache
def city_stems() -> frozenset[str]:
    """The stems of prefecture-level cities (武汉, 杭州), which are rarely ordinary words."""
    g = gazetteer()
    return frozenset(stem for stem, name in g.stems.items()
                     if name.endswith("市") and any(p.endswith(("省", "自治区")) for p in g.parents.get(name, ())))


def known(name: str) -> bool:
    """Whether ``name`` is a division in the gazetteer (峄城区, 枣庄市, 山东省)."""
    return canonical(name) in gazetteer().parents


def parent_of(name: str) -> str | None:
    """The city (or province) directly above ``name``; None if unknown, top-level or ambiguous."""
    ups = gazetteer().parents.get(canonical(name))
    return next(iter(ups)) if ups and len(ups) == 1 else None


def covers(area: str, name: str) -> bool:
    """Whether ``name`` is ``area`` or lies inside it (a city covers its districts and counties).

    A shared name (市中区) is inside ``area`` when any division of that name is.
    """
    area, name = canonical(area), canonical(name)
    if area == name:
        return True
    todo, seen = [name], set()
    while todo:
        for up in gazetteer().parents.get(todo.pop(), ()):
            if up == area:
                return True
            if up not in seen:
                seen.add(up)
                todo.append(up)
    return False


def places(s: str) -> list[str]:
    """Division names written in ``s``, in order, the longest where two overlap.

    A two-character name (单县, 范县) and a short form of an autonomous division (通道县) count only
    after a boundary: 示范县, 简单县 and 绿色通道县乡 are words.
    """
    return [s[a:b] for a, b in place_spans(s)]


def place_spans(s: str) -> list[tuple[int, int]]:
    """Where :func:`places` finds each name."""
    g = gazetteer()
    found: list[tuple[int, int]] = []
    for m in NAME_END.finditer(s):  # a name ends in 市, 区, 县…: look back from there only
        end = m.end()
        if s.startswith(AREA_WORDS, end - 1):
            continue
        for n in range(min(g.longest, end), 1, -1):
            cand = s[end - n:end]
            known_name = cand in g.parents
            if not (known_name or cand in g.aliases) or cand in GENERIC:
                continue
            bounded = end - n == 0 or not "\u4e00" <= s[end - n - 1] <= "\u9fff" or s[end - n - 1] in SHORT_AFTER
            if (n == 2 or not known_name) and not bounded:
                continue
            if found and end - n < found[-1][1]:  # 山东省 then 东省: keep the first
                if known_name and end - n <= found[-1][0]:
                    found[-1] = (end - n, end)  # 巴州 (an alias) then 巴州区: the whole name
                break
            found.append((end - n, end))
            break
    return found


def _most_specific(cands: list[str]) -> str | None:
    """峄城区 over 枣庄市 when the title names both; else the first named."""
    for c in cands:
        if not any(other != c and covers(c, other) for other in cands):
            return c
    return cands[0] if cands else None


def _title_places(title: str) -> list[str]:
    found = places(title)
    head = TITLE_HEAD.match(title)
    if not found and head:
        stem = gazetteer().stems.get(head.group(1))
        found = [stem] if stem else []
    return found


def _brand_places(title: str) -> list[str]:
    """“法治毕节”创建, 法治贵州建设: a city's or province's rule-of-law brand, quoted or built (county stems
    are too often words: 法治平安; and 推进法治长治久安 is no brand)."""
    if "法治" not in title:
        return []
    stems, cities = gazetteer().stems, city_stems()
    return [stems[m.group(1)] for m in RULE_OF_LAW_BRAND.finditer(title)
            if m.group(1) in cities or stems.get(m.group(1), "").endswith("省")]


RULE_OF_LAW_BRAND = re.compile(r"法治([\u4e00-\u9fff]{2,3}?)(?=[”\"」]|建设|创建)")
"""法治毕节, 法治贵州: a place's rule-of-law brand, named by its stem."""


def resolve_region(text: str, title: str, configured: str | None, source: str = "") -> str | None:
    """The region a release is about: named in its title, source line or lead, else ``configured``.

    In the title and source line the most specific place wins (中共峄城区委 峄城区人民政府); in the lead,
    the first place named outside 《》 (长治市司法局…, not a district it mentions later; 按照《眉山市…方案》
    names another level's document), a chain like 山东省滨州市沾化区 read to its end. With none of these
    and no configured region: the place the body names most, of the level the lead speaks as (我县,
    县委 → a county)."""
    title = normalize(title or "")
    lead = SALUTATION.sub(_blank, normalize(text[:LEAD]))
    in_title = _title_places(title)
    self_named = _self_named(lead)
    lead_places = self_named or _lead_places(TITLES.sub(_blank, lead))
    if not in_title:  # a title naming a place only in its rule-of-law brand (“法治毕节”创建) counts with the lead
        lead_places += _brand_places(title)
    for k, cands in enumerate((in_title, places(normalize(source or "")), lead_places)):
        if k and configured and known(configured):
            # a lead that mentions another city (学习借鉴济南市经验) does not move the release there
            cands = [c for c in cands if covers(configured, c)]
        best = _most_specific(cands)
        if best:
            return best
    if configured:
        return configured  # 我市, 本市, 全区 or no place named: the site's own region
    level = _speaking_level(lead)
    return _own_brand(lead, level) or _most_named(normalize(text), level)


def _blank(m: re.Match[str]) -> str:
    return " " * len(m.group(0))



SELF_NAMED = re.compile(r"现将([\u4e00-\u9fff]{2,12}?)(?:人民政府|政府|管委会)?(?:(?:19|20)[0-9]{2}年度?)?"
                        r"[\u4e00-\u9fff、]{0,20}?(?:情况|工作)[\u4e00-\u9fff]{0,6}?(?:报告|汇报)如下")
"""现将郑东新区2025年度法治政府建设情况报告如下: the report names who makes it."""

ZONE_ENDS = ("新区", "高新区", "开发区", "经开区", "自贸区", "示范区")


def _self_named(lead: str) -> list[str]:
    """The reporter a report's opening formula names: a known place, or a zone (郑东新区) the gazetteer lacks."""
    m = SELF_NAMED.search(lead)
    if m is None:
        return []
    name = m.group(1)
    found = places(name)
    if found and found[-1] == name[-len(found[-1]):]:
        return found[-1:]
    return [name] if name.endswith(ZONE_ENDS) else []


SALUTATION = re.compile(r"(?m)^[^\S\n]*(?:中共)?[\u4e00-\u9fff、]{2,40}?"
                        r"(?:政府|委员会|人大常委会|党委|[市区县州旗]委)[:]")
"""常州市人民政府:, 中共嘉兴市委、嘉兴市人民政府: 2020年,海宁市… — the governments a report is addressed to, on
a line of their own or opening the body's first, not the one reporting."""


COMMON_WORD = 500
"""A stem jieba has seen this often as a word is one (法治平安建设 is no 平安区's brand; 金寨 is seen 10 times)."""


def _own_brand(lead: str, level: str | None) -> str | None:
    """我县…法治金寨建设取得积极进展: the rule-of-law brand of a place of the level the lead speaks as (a
    county's stem counts here, where the lead says it speaks for a county, unless it is a common word)."""
    if not level or "法治" not in lead:
        return None
    found = (_stem_name(m.group(1)) for m in RULE_OF_LAW_BRAND.finditer(lead))
    return next((name for name in found if name.endswith(level)), None)


def _stem_name(stem: str) -> str:
    """The division a unique stem names, unless the stem is a common word (平安); "" for none."""
    name = gazetteer().stems.get(stem, "")
    return name if name and segment.frequency(stem) < COMMON_WORD else ""


TITLES = re.compile(r"《[^《》\n]{0,80}》")
SELF_LEVEL = re.compile(r"我([市区县州旗])|全([州旗])|(?<![省州])([市区县州旗])(?:委|人民政府|政府)")


SUBJECT_HEAD = re.compile(r"[—\-]*(?:[0-9]{4}年(?:度)?|今年以来|去年以来|近年来|近[一二三四五六七八九十0-9]+年来?|"
                          r"[0-9]{1,2}月(?:[0-9]{1,2}日)?|日前|近日|目前|中共)?[我全]?")
"""What may stand between a clause's start and a place that is the clause's subject: 2023年,长治市司法局…"""
LEAD_MARKS = re.compile(r"[,;:。!?\n]")


def _lead_places(lead: str) -> list[str]:
    """The places of the lead that may name the release's subject: the first one opening a clause
    (2023年,长治市司法局…; a chain like 山东省滨州市沾化区 read to its end), else all of them (the most
    specific then wins: 按照省委部署,峄城区… → 峄城区)."""
    opening = _stem_subject(lead)  # 2023 年,邹城坚持…: the lead's first subject, named by its stem
    if opening:
        return opening
    chains: list[tuple[int, int]] = []
    for a, b in place_spans(lead):
        if chains and chains[-1][1] == a:
            chains[-1] = (chains[-1][0], b)
        else:
            chains.append((a, b))
    for a, b in chains:
        marks = [m.end() for m in LEAD_MARKS.finditer(lead, 0, a)]
        if SUBJECT_HEAD.fullmatch(lead[marks[-1] if marks else 0:a].replace(" ", "")):
            return places(lead[a:b])[-1:]
    return places(lead)


STEM_SUBJECT = re.compile(r"^\s*(?:[0-9]{4}\s*年(?:度)?|今年以来|近年来)?\s*[,:]\s*([\u4e00-\u9fff]{2,3}?)"
                          r"(?=坚持|深入|全面|持续|扎实|聚焦|围绕|认真|以|立足|紧扣|始终)")
"""2023 年,邹城坚持…: a city or county named by its stem alone as the lead's first subject."""


def _stem_subject(lead: str) -> list[str]:
    m = STEM_SUBJECT.match(lead)
    if m is None:
        return []
    stem = m.group(1)
    if stem.startswith(("全", "我", "本", "该")):  # 全州坚持…: the prefecture speaking of itself, not 全州县
        return []
    name = _stem_name(stem)
    return [name] if name else []


LED_BY = re.compile(r"在[^,;。\n]{0,40}(?:领导|指导|监督|支持)下")
"""在市委、市政府和区委的正确领导下: the governments above the one speaking."""


def _speaking_level(lead: str) -> str | None:
    """我县, 县委, 县人民政府 → 县: the level of government the release speaks as (not the ones it is led
    by: 在市委、市政府和区委的正确领导下,区政府… speaks as a district)."""
    m = SELF_LEVEL.search(LED_BY.sub(_blank, lead))
    return next(g for g in m.groups() if g) if m else None


def _most_named(text: str, level: str | None) -> str | None:
    """The place the body names most often (of ``level``, 市/区/县, when one is given and named; the most
    specific of those named equally often), or None if it names none."""
    counts: dict[str, int] = {}
    for name in places(text):
        counts[name] = counts.get(name, 0) + 1
    if level and any(n.endswith(level) for n in counts):
        counts = {n: c for n, c in counts.items() if n.endswith(level)}
    if not counts:
        return None
    top = max(counts.values())
    return _most_specific([n for n, c in counts.items() if c == top])
