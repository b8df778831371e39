"""Find initiatives: this government's documents, programmes and numbered models.

>>> text = "出台《滨州市优化营商环境条例》，贯彻《行政处罚法》，打造“泉惠企”品牌。"
>>> [(i.name, i.kind) for i in find_initiatives(text)]
[('滨州市优化营商环境条例', 'document'), ('泉惠企', 'program')]

* document: a 《title》 with an issuing verb before it (出台, 印发, 制定…; titles chained after it
  count too) or after it (印发实施), or whose name holds the region's place name. National laws
  (…法 but not …办法), 《民法典》 and 中华人民共和国… titles never count.
* program: a “name” or 「name」 followed by a programme noun (机制, 品牌, 平台…) or after a
  launching verb (打造, 推行…), unless it is a national slogan (``data/slogans.yaml``) or an honour;
  also unquoted 成立/组建/建立 … 中心/委员会/平台/体系.
* model: a numbered label tied to a named system: “1+7+N”三级联动一体化政务服务平台.
"""

from __future__ import annotations

import functools
import re

from rules.numbers import normalize
from rules.records import Initiative
from rules.region import city_stems, places
from rules.segment import words
from rules.tables import load, longest_first
from rules.text import CLAUSE_END, body_end, clip, inside, quoted_spans, repair_years

KEY_DROPS = re.compile(r"[《》“”\"'「」\s()()、·]")
SLOGAN_TAIL = re.compile("(?:改革|工作|活动|服务|理念|模式)$")
HAN = re.compile(r"[\u4e00-\u9fff]")
QUOTE_MARKS = re.compile(r"[“”\"]")
HAN_RUN_END = re.compile(r"[\u4e00-\u9fff]*$")
DIGIT = re.compile(r"[0-9]")
NOT_A_NAME_START = re.compile(r"[一二两三四五六七八九十0-9以在对为于的了]")
TITLE = re.compile(r"《([^《》\n]{2,80})》")
FOREIGN = re.compile(r"([\u4e00-\u9fff]{2,3}?(?:省|自治区|市|县|区))")
QUOTE_OPENING = re.compile(r"[“\"「]")
"""Where QUOTED_LABEL's quoted alternative starts."""
GENERIC_NAME = re.compile(r"^一[件类张个份单码]?[\u4e00-\u9fff]{0,2}(?<!式)$")
"""“一类事”, “一清单”, “一件事”: names that say nothing without the words before their quote."""
DEMONSTRATIVE = re.compile(r"[这该此其](?:一|个|项|种|套)?|本(?:一|个|项|种|套)")
"""这一平台, 该项制度, 本套体系: a phrase pointing back at a name, not one (本溪市… is a name)."""
ITEM_COUNT = re.compile(r"[一二两三四五六七八九十]+[项个大种类]")
"""“A”“B”“C”三项改革: the run of quotes is counted, then named by the noun after."""
SET_OF_PARTS = re.compile(r"^[一二两三四五六七八九十]+大[\u4e00-\u9fff]{1,4}$")
"""“五大系统”, “三大平台”: a count of parts, not a name."""
CLAUSE_MARK = CLAUSE_END
CLAUSE_MARKS = ";:。!?\n,"
"""The characters CLAUSE_MARK can match."""
PUNCT = re.compile(r"[,;:。!?、“”\"《》「」()\s]")
LABEL = r"[0-9NnX]+(?:\+[0-9NnX]+)+|[一二三四五六七八九十]+(?:\+[一二三四五六七八九十N]+)+"
LABEL_CHARS = frozenset("0123456789NnX一二三四五六七八九十")
QUOTED_LABEL = re.compile(rf"[“\"「](?:{LABEL}|[一二三四五六七八九十]{{2,4}}|[0-9]{{2,5}}|[0-9]{{1,2}}\+)[”\"」]"
                          rf"|(?<![0-9A-Za-z+])(?:{LABEL})")


def _rules(section: str) -> dict:
    return load("initiatives")[section]


def _key(name: str) -> str:
    return KEY_DROPS.sub("", name)


@functools.cache
def _slogans() -> frozenset[str]:
    return frozenset(_key(str(s)) for s in load("slogans")["slogans"])


def _clause_start(norm: str, pos: int) -> int:
    """Just past the last clause mark before ``pos`` (looking back 120 characters at most)."""
    low = max(0, pos - 120)
    while pos > low:
        i = max(norm.rfind(mark, low, pos) for mark in CLAUSE_MARKS)
        if i < 0:
            break
        if CLAUSE_MARK.match(norm, i):  # not the comma of 12,000
            return i + 1
        pos = i
    return low


def _evidence(text: str, norm: str, a: int, b: int) -> str:
    m = CLAUSE_MARK.search(norm, b)
    s, e = clip(_clause_start(norm, a), m.start() if m else len(norm), a, b)
    return text[s:e].strip()


def is_national(name: str) -> bool:
    """《行政处罚法》, 《民法典》, 《中华人民共和国…》: national law or a central document."""
    r = _rules("documents")
    key = _key(name)
    return (key.startswith(tuple(r["national_prefixes"])) or key in {_key(t) for t in r["national_titles"]}
            or key.endswith(r["law_suffix"]) and not key.endswith(tuple(r["not_law_suffixes"])))


def _issued_before(norm: str, start: int) -> bool:
    r = _rules("documents")
    a = max(_clause_start(norm, start), start - r["verb_window"])
    window = norm[a:start]
    hits = [window.rfind(v) for v in r["issuing_verbs"] if v in window]
    if not hits:
        return False
    before = norm[max(_clause_start(norm, start), a + max(hits) - 10):a + max(hits)]
    return not any(actor in before for actor in r["other_actors"])


def _own(norm: str, start: int, region: str | None) -> bool:
    """市委市政府《…》, 我市出台的《…》: this government's own body names the document (a body of its own
    level: in a district's release, 市政府《…》 is the city's)."""
    before = norm[max(_clause_start(norm, start), start - 10):start].rstrip("的")
    actor = next((a for a in _rules("documents")["own_actors"] if before.endswith(a)), None)
    return actor is not None and (not region or region[-1] in actor)


def _issued_after(norm: str, start: int, end: int) -> bool:
    r = _rules("documents")
    tail = norm[end:end + 16].lstrip("已经于近日")
    before = norm[_clause_start(norm, start):start]
    return tail.startswith(tuple(r["after_verbs"])) and not any(a in before for a in r["other_actors"])


def _foreign(name: str, place: str | None) -> bool:
    """《山东省…》 is the province's; 《济南市…》 in a release about 滨州 is another city's; but
    《宝鸡市陈仓区…》 in a release about 陈仓区 names the region itself after its city."""
    m = FOREIGN.match(name)
    if m is None or place and place in name[:12]:
        return False
    return m.group(1).endswith("省") or bool(place) and place not in m.group(1)


def _place(region: str | None) -> str | None:
    if not region:
        return None
    stem = region.rstrip("市区县")
    return stem if len(stem) >= 2 else region


def documents(text: str, norm: str, region: str | None) -> list[Initiative]:
    place = _place(region)
    chain = tuple(_rules("documents")["chain_separators"])
    out, last_end = [], -10
    for m in TITLE.finditer(norm):
        name = repair_years(text[m.start(1):m.end(1)].strip())
        chained = last_end >= 0 and (m.start() == last_end or norm[last_end:m.start()].strip() in chain)
        local = bool(place and place in name)
        issued = (chained or _issued_before(norm, m.start()) or _issued_after(norm, m.start(), m.end())
                  or _own(norm, m.start(), region))
        last_end = m.end() if issued else -10
        if (local or issued) and not is_national(name) and not _foreign(name, place):
            out.append(Initiative(name, "document", _evidence(text, norm, m.start(), m.end())))
    return out


def models(text: str, norm: str, region: str | None = None) -> tuple[list[Initiative], list[tuple[int, int]]]:
    """A numbered label followed by the system it names: “1+5+N”工作体系 → 1+5+N工作体系; “1+3+X”模式的政务帮办
    代办促办体系 is named to its end. A label a higher body set (省委“1310”具体部署) is not this government's.
    Returns the models and their spans (a brand quoted inside one, “1+11”“全城通办”政务服务体系, is its part)."""
    system, short = _system_re(), _short_system_re()
    out = []
    spans: list[tuple[int, int]] = []
    labels = [(m, system) for m in _labels(norm)] + [(m, short) for m in _digit_labels(norm)]
    for m, system in sorted(labels, key=lambda pair: pair[0].start()):
        s = system.match(norm, m.end())
        if s is None or _set_above(norm, m.start(), region):
            continue
        end = s.end()
        # “1+3+X”模式的政务帮办代办促办体系 (but “1+N”工作体系的重要平台 ends at 体系)
        more = system.match(norm, end + 1) if norm.startswith("模式的", end - 2) else None
        end = more.end() if more else end
        system_words = QUOTE_MARKS.sub("", text[s.start():end]).removeprefix("的")
        name = text[m.start():m.end()].strip("“”\"「」") + system_words
        out.append(Initiative(name, "model", _evidence(text, norm, m.start(), end)))
        spans.append((m.start(), end))
    return out, spans


def _set_above(norm: str, start: int, region: str | None) -> bool:
    """省委“1310”, 市委“1312” in a district's release: a higher body's label (but 省委“1+3” in a province's
    release, or 州委“1+3” in a prefecture's, is the release's own)."""
    before = norm[max(0, start - 6):start]
    actors = _rules("documents")["other_actors"] + _rules("models")["higher_bodies"]
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
    r = _rules("models")
    systems = "|".join(longest_first(r["systems"]))
    # the system may hold a quoted brand: “1+11”“全城通办”政务服务体系
    # and a clause going on with 并 or 的 (…受理群众诉求并推动问题解决的快速响应机制) has left the label behind
    return re.compile(rf"的?[^,;:。!?、《》\s并的]{{0,{r['system_window']}}}?(?:{systems})")


@functools.cache
def _short_system_re() -> re.Pattern[str]:
    """The system right after an unquoted number: 321基层治理模式 (a few characters, no more)."""
    r = _rules("models")
    systems = "|".join(longest_first(r["systems"]))
    return re.compile(rf"[\u4e00-\u9fff]{{0,{r['digit_system_window']}}}?(?:{systems})")


def _digit_labels(norm: str) -> list[re.Match[str]]:
    """推广321基层治理模式: an unquoted run of digits named by the words after it — not a year, a hotline
    (12345政务服务平台) or a count (2300余人…, 15个…)."""
    r = _rules("models")
    return [m for m in DIGIT_LABEL.finditer(norm)
            if m.group(0) not in r["hotlines"] and not YEAR.fullmatch(m.group(0))
            and norm[m.end()] not in r["not_after_digits"]]


DIGIT_LABEL = re.compile(r"(?<![0-9A-Za-z.+第])[0-9]{3,5}(?=[\u4e00-\u9fff])")
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


def _honour(norm: str, a: int, name: str) -> bool:
    """评为“全国法治政府建设示范市”: an honour; but “打造‘一核多点’…示范区” is a project (it opens with a verb)."""
    r = _rules("programs")
    if any(v in norm[max(0, a - 8):a] for v in r["honour_verbs"]):
        return True
    return name.endswith(tuple(r["honour_suffixes"])) and not name.startswith(tuple(r["verbs"]))


def _rhetorical(norm: str, a: int, b: int) -> bool:
    """以“述法”促“履职”, 从“一家主抓”走向“协同联动”: two quoted words in a figure of speech, neither a name."""
    if norm[a - 1:a] in ("以", "从") and FIGURE_LINK.match(norm, b):
        return True
    link = FIGURE_LINK_BEFORE.search(norm, max(0, a - 4), a)
    return link is not None and _rhetorical_before(norm, link.start())


OPENERS, CLOSERS = "“「\"", "”」\""
FIGURE_LINK = re.compile(r"(?:[促带保强推]|走向|转向|迈向|转变为|变为|向|到)[“「\"]")
"""What joins the halves: 以“学”促“干”, 从“能办”向“好办”, 从“一家主抓”走向“协同联动”."""
FIGURE_LINK_BEFORE = re.compile(r"[”」\"](?:[促带保强推]|走向|转向|迈向|转变为|变为|向|到)$")


def _rhetorical_before(norm: str, close: int) -> bool:
    """Whether the quote closing at ``close`` opens right after 以 or 从."""
    start = max(norm.rfind(o, max(0, close - 12), close) for o in OPENERS)
    return start > 0 and norm[start - 1] in ("以", "从")


def _chain_end(norm: str, spans: list[tuple[int, int]], k: int) -> int:
    """Where the run of quotes from ``spans[k]`` ends: “律企青虹”“法总联盟”“法务惠企”等… ends after the third."""
    gaps = _rules("programs")["chain_gaps"]
    while k + 1 < len(spans) and norm[spans[k + 1][0]] in OPENERS and norm[spans[k][1]:spans[k + 1][0]] in gaps:
        k += 1
    return spans[k][1]


def _slogan(name: str) -> bool:
    key = _key(name)
    return key in _slogans() or SLOGAN_TAIL.sub("", key) in _slogans()


def _description(name: str) -> bool:
    """“调度、督导、考核”: a list of bare two-character verbs describes work, it names nothing."""
    parts = name.split("、")
    return len(parts) >= 3 and all(len(p) <= 2 for p in parts)


def _ways(name: str) -> bool:
    """“马上办、网上办、就近办”: a list of short ways of doing one thing (its parts end alike) describes it."""
    parts = [p for p in name.split("、") if p]
    return len(parts) >= 3 and all(len(p) <= 3 for p in parts) and len({p[-1] for p in parts}) == 1


def _one_character_parts(name: str) -> bool:
    return all(len(p) == 1 for p in name.split("、"))


def _named_after(norm: str, b: int) -> bool:
    """A programme noun close after the quote: “管、评、调”三位一体…工作法 names a method, not a list of verbs."""
    return _noun_within(norm, b, 2 * _rules("programs")["noun_window"])


def _noun_within(norm: str, b: int, window: int) -> bool:
    """Whether a programme noun follows ``b`` within ``window`` characters, before any mark."""
    after = norm[b:b + window]
    stop = PUNCT.search(after)
    return any(noun in (after[:stop.start()] if stop else after) for noun in _rules("programs")["nouns"])


def _launched(norm: str, a: int, b: int, chain_end: int = -1) -> bool:
    """A programme noun right after the quote (or ending the name itself), a launching verb before it in
    the clause, or a recognition right after it (“…新模式”获评…, “X”入选…). ``chain_end``: where the run of
    quotes this one belongs to ends; the noun after its 等 (…等律企合作交流平台) is this one's too (not its
    verb: 打造“榴乡诉递”“硬核版” launches one programme, in a new version)."""
    r = _rules("programs")
    if norm[a + 1:b - 1].endswith(tuple(r["nouns"])) or norm.startswith(tuple(r["recognised"]), b):
        return True
    if _noun_within(norm, b, r["noun_window"]):
        return True
    if chain_end >= 0 and (norm.startswith("等", chain_end) or ITEM_COUNT.match(norm, chain_end)):
        if _noun_within(norm, chain_end, r["chain_window"]):
            return True
    before = norm[_clause_start(norm, a):a]
    before = before[max(before.rfind("”"), before.rfind("」"), before.rfind('"')) + 1:]
    return any(v in before for v in r["verbs"])


def programs(text: str, norm: str, spans: list[tuple[int, int]]) -> list[Initiative]:
    r = _rules("programs")
    out = []
    chain_end = -1
    for k, (a, b) in enumerate(spans):
        if norm[a] not in "“「『\"":
            continue
        if a >= chain_end:
            chain_end = _chain_end(norm, spans, k)
        if _rhetorical(norm, a, b):
            continue
        quoted = text[a + 1:b - 1].strip()
        if _slogan(quoted) and not GENERIC_NAME.match(quoted):  # 政务服务“一网通办”: still the slogan
            continue
        name = _completed(text, norm, a, quoted)
        if not (r["min_len"] <= len(name) <= r["max_len"]) or not HAN.search(name):
            continue
        if (QUOTED_LABEL.fullmatch(norm[a:b]) or SET_OF_PARTS.match(name) or _slogan(name) or _honour(norm, a, name)
                or _description(name) and not (_one_character_parts(name) and _named_after(norm, b))
                or _ways(name) and not _named_after(norm, b)):  # “一证通、一码通、一网通”平台 is named
            continue
        if _launched(norm, a, b, chain_end):
            out.append(Initiative(name, "program", _evidence(text, norm, a, b)))
    return out


def _completed(text: str, norm: str, a: int, name: str) -> str:
    """电竞产业服务“一类事”: a generic 一-name (一类事, 一清单, 一件事) is completed by the words right before
    its quote, back to a mark, a number or a verb that opens the phrase (推出, 打造…); kept only when at
    least two characters long (省级3项“一件事” stays 一件事)."""
    if not GENERIC_NAME.match(name):
        return name
    r = _rules("programs")
    head = norm[max(_clause_start(norm, a), a - r["prefix_max"]):a]
    cut = max((head.rfind(stop) + len(stop) for stop in r["prefix_stops"] if stop in head), default=0)
    run = HAN_RUN_END.search(head[cut:])
    prefix = run.group(0) if run else ""
    return text[a - len(prefix):a] + name if len(prefix) >= 2 else name


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
    r = _rules("bare_programs")
    verbs = "|".join(longest_first(r["verbs"]))
    suffix = _suffix_re()
    out = []
    for m in _verbs_re(verbs).finditer(norm):
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
                                          _evidence(text, norm, a, start + len(name))))
    return out


def _generic_body(name: str, r: dict) -> bool:
    """群众诉求调解服务中心: a kind of body (data: generic_bodies) after nothing but generic words."""
    body = next((b for b in r["generic_bodies"] if name.endswith(b)), None)
    if body is None:
        return False
    rest = name[:-len(body)]
    generic = longest_first(r["generic_words"])
    while rest:
        word = next((w for w in generic if rest.startswith(w)), None)
        if word is None:
            return False
        rest = rest[len(word):]
    return True


SHARED_COUNT = re.compile(r"^([\u4e00-\u9fff]{2,6}?)[两二三四五六七八九十]+[大个家所](.{2,})$")
"""知行两大商事调解中心 after 法润、: the last item, the count, and the name the items share."""


def _bare_name(name: str, r: dict) -> bool:
    """Whether an unquoted phrase ending in a programme suffix reads as a name: short enough, no marks, not
    opening with a number or a particle, and not a description (便捷优质的公共法律服务体系) unless it holds a
    place; a mechanism or rule only with a place in it."""
    plain = name.replace("(", "").replace(")", "")
    return (r["min_len"] <= len(name) <= r["max_len"] and not PUNCT.search(plain) and not NOT_A_NAME_START.match(name)
            and not DEMONSTRATIVE.match(name)
            and ("的" not in name or _proper(name)) and not name.endswith(tuple(r["standard_bodies"]))
            and not _generic_body(name, r)
            and (name.endswith(tuple(r["suffixes"])) or _proper(name)))


def recognised_programs(text: str, norm: str, spans: list[tuple[int, int]]) -> list[Initiative]:
    """事前信用承诺监管平台荣获全国信用优秀案例: an unquoted platform or mechanism opening its clause, named
    by a recognition right after it (found from the recognition back: such words are rare)."""
    out = []
    for m in _recognition_re().finditer(norm):
        a = _clause_start(norm, m.start())
        name = _recognised_name_re().fullmatch(norm, a, m.start())
        if name and not inside(spans, a) and not NOT_A_NAME_START.match(norm, a) and not DEMONSTRATIVE.match(norm, a):
            out.append(Initiative(text[a:m.start()], "program", _evidence(text, norm, a, m.start())))
    return out


@functools.cache
def _recognition_re() -> re.Pattern[str]:
    return re.compile("|".join(longest_first(_rules("bare_programs")["recognised"])))


@functools.cache
def _recognised_name_re() -> re.Pattern[str]:
    r = _rules("bare_programs")
    ends = "|".join(longest_first(r["suffixes"] + r["named_suffixes"] + ["模式", "工作法"]))
    return re.compile(rf"[\u4e00-\u9fff]{{2,{r['max_len']}}}(?:{ends})")


@functools.cache
def _verbs_re(verbs: str) -> re.Pattern[str]:
    return re.compile(rf"(?:{verbs})了?")


@functools.cache
def _suffix_re() -> re.Pattern[str]:
    r = _rules("bare_programs")
    ends = "|".join(longest_first(r["suffixes"] + r["named_suffixes"]))
    return re.compile(rf"(?:{ends})(?![{r['not_after']}])")


def _proper(name: str) -> bool:
    """A name holding a place (永嘉县…机制) or opening with a city's stem (武汉城市圈…机制): a proper name,
    not a kind of mechanism (county stems are too often words: 平安, 惠民, 光明)."""
    return bool(places(name)) or any(stem in city_stems() for stem in (name[:2], name[:3]))


def _dedupe(items: list[Initiative]) -> list[Initiative]:
    seen: set[str] = set()
    out = []
    for i in items:
        if _key(i.name) not in seen:
            out.append(i)
            seen.add(_key(i.name))
    return out


def find_initiatives(text: str, *, region: str | None = None) -> list[Initiative]:
    """Documents, then models, then programmes, each name once."""
    full = normalize(text)
    end = body_end(full)
    norm = full[:end]
    spans = [s for s in quoted_spans(full) if s[1] <= end]
    found, in_models = models(text, norm, region)
    quotes = [q for q in spans if not any(a <= q[0] < b for a, b in in_models)] if in_models else spans
    found = documents(text, norm, region) + found + programs(text, norm, quotes)
    return _dedupe(found + bare_programs(text, norm, spans) + recognised_programs(text, norm, spans))
