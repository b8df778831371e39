"""Find initiatives: this government's documents, programmes and numbered models.

>>> text = "出台《滨州市优化营商环境条例》，贯彻《行政处罚法》，打造“泉惠企”品牌。"
>>> [(i.name, i.kind) for i in find_initiatives(text)]
[('滨州市优化营商环境条例', 'document'), ('泉惠企', 'program')]

* document: a 《title》 with an issuing verb before it (出台, 印发, 制定…; titles chained after it
  count too) or after it (印发实施), or whose name holds the region's place name (or 我县, 本市). National laws
  (…法 but not …办法), 《民法典》 and 中华人民共和国… titles never count.
* program: a “name” or 「name」 followed by a programme noun (机制, 品牌, 平台…) or after a
  launching verb (打造, 推行…), unless it is a national slogan (``data/slogans.yaml``), an honour or a
  figure of speech; unquoted ones (成立/组建/建立 … 中心/委员会/平台/体系) are :mod:`rules.unquoted`'s.
* model: a numbered label tied to a named system (“1+7+N”三级联动一体化政务服务平台): :mod:`rules.models`.
"""

from __future__ import annotations

import functools
import re

from rules.models import QUOTED_LABEL, models
from rules.names import HAN, PUNCT, clause_start, evidence, section
from rules.numbers import normalize
from rules.records import Initiative
from rules.segment import words
from rules.tables import load
from rules.text import NAME_QUOTES, body_end, quoted_spans, repair_years
from rules.unquoted import bare_programs, generic_body, novel_programs, placed_bodies, recognised_programs

KEY_DROPS = re.compile(r"[《》“”\"'「」\s()()、·]")


SLOGAN_TAIL = re.compile("(?:改革|工作|活动|服务|理念|模式)$")


HAN_RUN_END = re.compile(r"[\u4e00-\u9fff]*$")


TITLE = re.compile(r"《([^《》\n]{2,80})》")


FOREIGN = re.compile(r"([\u4e00-\u9fff]{2,3}?(?:省|自治区|市|县|区))")


GENERIC_NAME = re.compile(r"^一[件类张个份单码]?[\u4e00-\u9fff]{0,2}(?<!式)$")
"""“一类事”, “一清单”, “一件事”: names that say nothing without the words before their quote."""


ITEM_COUNT = re.compile(r"[一二两三四五六七八九十]+[项个大种类]")
"""“A”“B”“C”三项改革: the run of quotes is counted, then named by the noun after."""


SET_OF_PARTS = re.compile(r"^[一二两三四五六七八九十]+大[\u4e00-\u9fff]{1,4}"
                          r"(?<!行动)(?<!工程)(?<!计划)(?<!战役)(?<!攻坚)(?<!攻坚战)$")
"""“五大系统”, “三大平台”: a count of parts, not a name; but “六大工程”, “七大行动” are campaigns by name."""


def _key(name: str) -> str:
    return KEY_DROPS.sub("", name)


@functools.cache
def _slogans() -> frozenset[str]:
    return frozenset(_key(str(s)) for s in load("slogans")["slogans"])


def is_national(name: str) -> bool:
    """《行政处罚法》, 《民法典》, 《中华人民共和国…》: national law or a central document."""
    r = section("documents")
    key = _key(name)
    return (key.startswith(tuple(r["national_prefixes"])) or key in {_key(t) for t in r["national_titles"]}
            or key.endswith(r["law_suffix"]) and not key.endswith(tuple(r["not_law_suffixes"])))


def _issued_before(norm: str, start: int) -> bool:
    r = section("documents")
    a = max(clause_start(norm, start), start - r["verb_window"])
    window = norm[a:start]
    hits = [window.rfind(v) for v in r["issuing_verbs"] if v in window]
    if not hits:
        return False
    before = norm[max(clause_start(norm, start), a + max(hits) - 10):a + max(hits)]
    # 省出台的“惠企十条”, 国家出台: a higher level right before the verb issued it
    return not any(actor in before for actor in r["other_actors"]) and not HIGHER_AT_END.search(before)


_HIGHER = r"(?:省(?![心钱时力事])|省级|全省|上级|国家|中央)"
HIGHER_PREFIX = re.compile(_HIGHER)
"""A higher level opening a completed name (省涉外法治服务“一件事”, not 省心…) …"""
HIGHER_AT_END = re.compile(_HIGHER + "$")
"""…or standing right before an issuing verb (省出台的“惠企十条”)."""


def _own(norm: str, start: int, region: str | None) -> bool:
    """市委市政府《…》, 我市出台的《…》: this government's own body names the document (a body of its own
    level: in a district's release, 市政府《…》 is the city's)."""
    before = norm[max(clause_start(norm, start), start - 10):start].rstrip("的")
    actor = next((a for a in section("documents")["own_actors"] if before.endswith(a)), None)
    return actor is not None and (not region or region[-1] in actor)


def _issued_after(norm: str, start: int, end: int) -> bool:
    """《…》正式印发, 《A》和《B》等条例修订工作: a verb after the title (or the run of titles ending at ``end``)."""
    r = section("documents")
    tail = AFTER_KIND.sub("", norm[end:end + 20], count=1).lstrip("已经于近日")
    before = norm[clause_start(norm, start):start]
    return tail.startswith(tuple(r["after_verbs"])) and not any(a in before for a in r["other_actors"])


AFTER_KIND = re.compile(r"^(?:等[一二三四五六七八九十0-9]*[部项个件]?(?:地方性法规|条例|文件|制度|规章|办法)?|的)")
"""等条例, 等3部地方性法规: what a run of titles is, before the verb that follows it."""


def _own_voice(name: str, own_words: list[str], region: str | None = None) -> bool:
    """《2024年我县依法治县工作要点》, 《我市…办法》: 我县/本市 opening the title or right after its year (not the
    本市 inside 资本市场); in a prefecture's release, 《州人民政府…流程》 is its own government's."""
    body = YEAR_HEAD.sub("", name, count=1)
    if body.startswith(tuple(own_words)):
        return True
    return region is not None and region != "" and OWN_BODY.match(body) is not None and body[0] == region[-1]


OWN_BODY = re.compile(r"[市区县州旗盟](?:人民政府|政府|委|人大常委会|委员会)")


YEAR_HEAD = re.compile(r"^(?:19|20)[0-9]{2}(?:[-—~至](?:19|20)?[0-9]{2})?年度?")


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
    chain = tuple(section("documents")["chain_separators"])
    own_words = section("documents")["own_words"]
    back_refs = frozenset(section("documents")["back_references"])
    titles = list(TITLE.finditer(norm))
    # a run of titles (《A》(…〔2023〕3号)、《B》…): a verb after the run issues every title in it
    run_issued = [False] * len(titles)
    k = 0
    while k < len(titles):
        j = k
        while j + 1 < len(titles) and _chained(norm, titles[j].end(), titles[j + 1].start(), RUN_GAPS):
            j += 1
        if j > k and _issued_after(norm, titles[k].start(), titles[j].end()):
            run_issued[k:j + 1] = [True] * (j + 1 - k)
        k = j + 1
    out, last_end = [], -10
    seen: list[str] = []
    for k, m in enumerate(titles):
        name = repair_years(text[m.start(1):m.end(1)].strip())
        chained = last_end >= 0 and _chained(norm, last_end, m.start(), chain)
        local = bool(place and place in name) or _own_voice(name, own_words, region)
        verb_before = _issued_before(norm, m.start())
        issued = (chained or run_issued[k] or verb_before or _issued_after(norm, m.start(), m.end())
                  or _own(norm, m.start(), region))
        last_end = m.end() if issued else -10
        # 该《条例》 points back at a title named before; 出台《实施方案》《十项措施》 issues a short-named one
        back = name in back_refs and (norm[m.start() - 1:m.start()] in ("该", "此", "本", "其")
                                      or any(t.endswith(name) for t in seen)  # 《苏州市…条例》…制定出台《条例》配套制度
                                      or not (verb_before or run_issued[k]))
        seen.append(name)
        if (local or issued) and not is_national(name) and not _foreign(name, place) and not back:
            out.append(Initiative(name, "document", evidence(text, norm, m.start(), m.end())))
            out.extend(_launched_by(text, norm, m.start(1), m.end(1)))
    return out


RUN_GAPS = ("、", "和", "及", "与", "以及", "")
"""What may stand between the titles of a run a verb after it issues (not a comma: 学习《意见》,《条例》修订工作
推进 opens a new clause)."""

DOC_NUMBER = re.compile(r"\([^()]{0,30}〔[0-9]{4}〕[^()]{0,12}\)")
"""(邹法委发〔2023〕3 号) between two titles of a run."""


def _chained(norm: str, end: int, start: int, chain: tuple[str, ...]) -> bool:
    """Whether the title opening at ``start`` continues the run of the one closing at ``end``."""
    gap = norm[end:start]
    if "〔" in gap:
        gap = DOC_NUMBER.sub("", gap)
    return start == end or gap.strip() in chain


INNER_QUOTE = re.compile(r"(?<=开展|推行|实施|推进|创建)“([^“”]{2,20})”"
                         r"(?=(?:[一二三四五六七八九十两]+年)?(?:工作|活动|行动|试点|专项))")
"""《关于开展“政商沙龙”工作的实施方案》: the quote a document launches (开展…工作); a quote merely qualifying
the title (《…“两述两考”学法用法工作方案》) is the document's, not a programme of its own."""


def _launched_by(text: str, norm: str, a: int, b: int) -> list[Initiative]:
    """The programmes this government's document (title between ``a`` and ``b``) sets up."""
    found = []
    for m in INNER_QUOTE.finditer(norm, a, b):
        name = text[m.start(1):m.end(1)].strip()
        if not _slogan(name) and HAN.search(name) and not name.endswith(tuple(section("programs")["honour_suffixes"])):
            found.append(Initiative(name, "program", evidence(text, norm, m.start(), m.end())))
    return found


def _honour(norm: str, a: int, name: str) -> bool:
    """评为“全国法治政府建设示范市”: an honour; but “打造‘一核多点’…示范区” is a project (it opens with a verb)."""
    r = section("programs")
    if any(v in norm[max(0, a - 8):a] for v in r["honour_verbs"]):
        return True
    return name.endswith(tuple(r["honour_suffixes"])) and not name.startswith(tuple(r["verbs"]))


def _rhetorical(norm: str, a: int, b: int) -> bool:
    """以“述法”促“履职”, 从“一家主抓”走向“协同联动”: two quoted words in a figure of speech, neither a name."""
    if norm[a - 1:a] in ("以", "从") and FIGURE_LINK.match(norm, b):
        return True
    link = FIGURE_LINK_BEFORE.search(norm, max(0, a - 4), a)
    return link is not None and _rhetorical_before(norm, link.start())




FIGURE_LINK = re.compile(r"(?:[促带保强推]|走向|转向|迈向|转变为|变为|向|到)[“「\"]")
"""What joins the halves: 以“学”促“干”, 从“能办”向“好办”, 从“一家主抓”走向“协同联动”."""


FIGURE_LINK_BEFORE = re.compile(r"[”」\"](?:[促带保强推]|走向|转向|迈向|转变为|变为|向|到)$")


def _rhetorical_before(norm: str, close: int) -> bool:
    """Whether the quote closing at ``close`` opens right after 以 or 从."""
    start = max(norm.rfind(o, max(0, close - 12), close) for o in NAME_QUOTES)
    return start > 0 and norm[start - 1] in ("以", "从")


def _chain_end(norm: str, spans: list[tuple[int, int]], k: int) -> int:
    """Where the run of quotes from ``spans[k]`` ends: “律企青虹”“法总联盟”“法务惠企”等… ends after the third."""
    gaps = section("programs")["chain_gaps"]
    while k + 1 < len(spans) and norm[spans[k + 1][0]] in NAME_QUOTES and norm[spans[k][1]:spans[k + 1][0]] in gaps:
        k += 1
    return spans[k][1]


def _slogan(name: str) -> bool:
    key = _key(name)
    return key in _slogans() or SLOGAN_TAIL.sub("", key) in _slogans()


def _description(name: str) -> bool:
    """“调度、督导、考核”: a list of bare two-character verbs describes work, it names nothing; nor does a task
    (“全面提升法治政府建设水平”) or a quotation (“建设覆盖城乡的现代公共法律服务体系”: a verb, then 的)."""
    parts = name.split("、")
    if len(parts) >= 3 and all(len(p) <= 2 for p in parts):
        return True
    if len(name) >= 6 and name.startswith(tuple(section("programs")["task_openings"])):
        return True
    if "的" not in name or len(name) < 8:
        return False
    toks = words(name)
    return bool(toks) and toks[0][1].startswith("v")


def _ways(name: str) -> bool:
    """“马上办、网上办、就近办”: a list of short ways of doing one thing (its parts end alike) describes it."""
    parts = [p for p in name.split("、") if p]
    return len(parts) >= 3 and all(len(p) <= 3 for p in parts) and len({p[-1] for p in parts}) == 1


def _one_character_parts(name: str) -> bool:
    return all(len(p) == 1 for p in name.split("、"))


def _named_after(norm: str, b: int) -> bool:
    """A programme noun close after the quote: “管、评、调”三位一体…工作法 names a method, not a list of verbs."""
    return _noun_within(norm, b, 2 * section("programs")["noun_window"])


def _noun_within(norm: str, b: int, window: int) -> bool:
    """Whether a programme noun follows ``b`` within ``window`` characters, before any mark."""
    after = norm[b:b + window]
    stop = PUNCT.search(after)
    return any(noun in (after[:stop.start()] if stop else after) for noun in section("programs")["nouns"])


def _launched(norm: str, a: int, b: int, chain_end: int = -1) -> bool:
    """A programme noun right after the quote (or ending the name itself), a launching verb before it in
    the clause, or a recognition right after it (“…新模式”获评…, “X”入选…). ``chain_end``: where the run of
    quotes this one belongs to ends; the noun after its 等 (…等律企合作交流平台) is this one's too (not its
    verb: 打造“榴乡诉递”“硬核版” launches one programme, in a new version)."""
    r = section("programs")
    if norm[a + 1:b - 1].endswith(tuple(r["nouns"])) or norm.startswith(tuple(r["recognised"]), b):
        return True
    if norm.startswith(WORK_WORDS, b) and norm.startswith(tuple(r["recognised"]), b + 2):
        return True  # “以外调外”工作获评…: the work recognised
    if _noun_within(norm, b, r["noun_window"]) or b - a >= 6 and COUNTED_AFTER.match(norm, b):
        return True
    if chain_end >= 0 and (norm.startswith("等", chain_end) or ITEM_COUNT.match(norm, chain_end)):
        if _noun_within(norm, chain_end, r["chain_window"]):
            return True
    start = clause_start(norm, a)
    if not norm[start:a].strip() and norm.startswith(tuple(r["subject_works"]), b):
        return True  # “无证明城市”建设全面推进: the clause is about it
    before = norm[start:a]
    before = before[max(before.rfind("”"), before.rfind("」"), before.rfind('"')) + 1:]
    return any(v in before for v in r["verbs"])


SPEECH_END = re.compile(r"[。!?][”」\"]")
"""A quote closing a sentence is speech, not a name."""

LEVELS_ONLY = re.compile(r"(?:[省市区县镇乡村街道社区](?:办|\([^()]{1,4}\))?、?){2,}")
"""“区、镇(办)、村(社区)”: the levels of a network, not a name."""

OLD_WAYS = ("传统", "以往", "过去", "以前的", "老旧")
OLD_WAY_AFTER = re.compile(r"(?:的)?(?:工作)?(?:模式|做法|方式|思维|办法)")
"""…the kind of way after the quotes: 传统“单兵作战”模式."""

WORK_WORDS = ("工作", "做法", "经验", "项目")
"""What may stand between a quote and its recognition (“X”工作获评…)."""

COUNTED_AFTER = re.compile(r"[\u4e00-\u9fff]{0,4}?(?:直播|宣传|宣讲|巡讲|讲座|讲堂|课堂|培训|活动|展演|义诊)"
                           r"[0-9]+(?:\.[0-9]+)?[万]?(?:场次|人次|场|次|期)")
"""“法安白云”普法直播177场: a quote (of four characters or more) whose activities (直播, 宣讲…) are counted
right after it names them (not what a count is of: “僵尸企业”出清38家)."""

COUNTED_METHOD = re.compile(r"[一二两三四五六七八九十多]+[维步级色位心化元方种]"
                            r"[\u4e00-\u9fff]{0,4}?(?:工作法|模式|机制|体系)")
"""四维工作法, 三级联动机制 right after a quote: part of the method's name (“加减乘除”四维工作法)."""

FRESH = re.compile(r"新[\u4e00-\u9fff]{1,2}")
"""“新格局”, “新引擎”: a description of progress, not a name (打造调解“新格局”), unless a programme noun
follows (“新枫桥”调解品牌)."""


PACKAGE = re.compile(r"[\u4e00-\u9fff]{2,12}(?:[0-9]{1,3}|[一二三四五六七八九十]{1,3})条")
"""“惠企35条”, “稳经济33条”: a package of policy measures, a document where it is issued (参与出台“惠企35条”)."""


def programs(text: str, norm: str, spans: list[tuple[int, int]]) -> list[Initiative]:
    """Quoted programmes (and quoted packages of measures this government issued, as documents)."""
    r = section("programs")
    out = []
    chain_start = chain_end = -1
    for k, (a, b) in enumerate(spans):
        if norm[a] not in NAME_QUOTES:
            continue
        if a >= chain_end:
            chain_start, chain_end = a, _chain_end(norm, spans, k)
        if _rhetorical(norm, a, b):
            continue
        quoted = text[a + 1:b - 1].strip()
        if len(quoted) <= 2 and norm[a - 1:a] in ("一", "件"):  # 一件“事”和一“事件”改革: part of a phrase
            continue
        if SPEECH_END.search(norm, a, b) or LEVELS_ONLY.fullmatch(norm, a + 1, b - 1):
            continue  # “这些锦旗中,有一半涉及信访案件。” is speech; “区、镇(办)、村(社区)” are levels
        if (norm[max(0, chain_start - 4):chain_start].endswith(OLD_WAYS)
                and OLD_WAY_AFTER.match(norm, chain_end)):
            continue  # 传统“单兵作战”“被动化解”模式已难以适应: the way left behind (not 弘扬传统“孝善文化”品牌)
        if PACKAGE.fullmatch(quoted):
            if _issued_before(norm, chain_start):  # the verb before the run: 出台“惠企35条”“稳经济33条”
                out.append(Initiative(quoted, "document", evidence(text, norm, a, b)))
            continue
        if _slogan(quoted) and not GENERIC_NAME.match(quoted):  # 政务服务“一网通办”: still the slogan
            continue
        name = _completed(text, norm, a, quoted)
        if name != quoted and HIGHER_PREFIX.match(norm, a - len(name) + len(quoted)):
            continue  # 落实省涉外法治服务“一件事”: the province's
        counted = COUNTED_METHOD.match(norm, b)
        if counted:  # “加减乘除”四维工作法: the method is named with its count
            name += text[b:counted.end()]
        if (not (r["min_len"] <= len(name) <= r["max_len"]) or not HAN.search(name)
                or FRESH.fullmatch(name) and not _noun_within(norm, b, r["noun_window"])):
            continue
        if (QUOTED_LABEL.fullmatch(norm[a:b]) or SET_OF_PARTS.match(name) or _slogan(name) or _honour(norm, a, name)
                or generic_body(name) and not _noun_within(norm, b, r["noun_window"])  # “调解中心” (not “…中心”品牌)
                or _description(name) and not (_one_character_parts(name) and _named_after(norm, b))
                or _ways(name) and not _named_after(norm, b)):  # “一证通、一码通、一网通”平台 is named
            continue
        if _launched(norm, a, b, chain_end):
            out.append(Initiative(name, "program", evidence(text, norm, a, b)))
    return out


def _completed(text: str, norm: str, a: int, name: str) -> str:
    """电竞产业服务“一类事”: a generic 一-name (一类事, 一清单, 一件事) is completed by the words right before
    its quote, back to a mark, a number or a verb that opens the phrase (推出, 打造…); kept only when at
    least two characters long (省级3项“一件事” stays 一件事)."""
    if not GENERIC_NAME.match(name):
        return name
    r = section("programs")
    start = clause_start(norm, a)
    head = norm[max(start, a - r["prefix_max"]):a]
    cut = max((head.rfind(stop) + len(stop) for stop in r["prefix_stops"] if stop in head), default=-1)
    if cut < 0:  # no opening word: the phrase must reach back to the clause's start, not past the window
        if a - start > r["prefix_max"]:
            return name
        cut = 0
    run = HAN_RUN_END.search(head[cut:])
    prefix = run.group(0) if run else ""
    return text[a - len(prefix):a] + name if len(prefix) >= 2 else name


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
    return _dedupe(found + bare_programs(text, norm, spans) + recognised_programs(text, norm, spans)
                   + novel_programs(text, norm, spans) + placed_bodies(text, norm, spans, region))
