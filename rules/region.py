"""Which government a release is about.

>>> resolve_region("2020年，峄城区深入推进…", "中共峄城区委 峄城区人民政府关于2020年度法治政府建设情况的报告", None)
'峄城区'
>>> resolve_region("我市持续深化…", "我市法治政府建设取得新成效", "枣庄市")
'枣庄市'

A place name ending in 市/区/县 found in the title, else in the lead paragraph, wins; the stem of
each candidate is chosen by how often it recurs in the text (峄城区, not 共峄城区). 我市, 本市 and
全区 mean the configured region, which is also the fallback. A gazetteer can replace this later.
"""

from __future__ import annotations

import re

from rules.numbers import normalize

LEAD = 300
"""Characters of the text read as its lead paragraph."""

NOT_PLACES = ("示范市", "城市", "全市", "我市", "本市", "各市", "地市", "县市区", "市县区", "示范区", "园区", "社区",
              "辖区", "景区", "全区", "我区", "本区", "各区", "郊区", "市区", "山区", "老区", "片区", "小区",
              "街区", "功能区", "试验区", "自贸区", "保护区", "开发区", "全县", "我县", "本县", "各县", "市县", "区县",
              "示范县", "强县", "大县", "超市", "上市", "城市区", "设区市", "地级市", "政区", "督察区",
              "在市", "在区", "在县")
PLACE = re.compile(r"(?=([\u4e00-\u9fff]{2,3}[市区县]))")
PREFIXES = ("中共", "关于", "在", "对", "为", "和", "与", "及", "成立", "建立", "设立", "组建", "全面", "推进", "覆盖")


def _candidates(s: str) -> list[str]:
    found = []
    for m in PLACE.finditer(s):
        for cand in (m.group(1), m.group(1)[1:]):
            if len(cand) >= 3 and not cand.startswith(PREFIXES) and not cand.endswith(NOT_PLACES):
                found.append(cand)
    return found


def _best(cands: list[str], text: str) -> str | None:
    if not cands:
        return None
    # the true name recurs across the text; a wrong cut (共峄城区) does not
    return max(dict.fromkeys(cands), key=lambda c: (text.count(c), -cands.index(c)))


def resolve_region(text: str, title: str, configured: str | None) -> str | None:
    """The region a release is about: named in title or lead, else ``configured``."""
    norm, title = normalize(text), normalize(title or "")
    head = title.split(":")[0] if ":" in title[:12] else ""
    for source, seen in ((title, 1), (norm[:LEAD], 2)):
        cands = [c for c in _candidates(source) if (norm + title).count(c) >= seen]
        if head:
            cands = [c for c in cands if c.startswith(head)] or cands
        best = _best(cands, norm + title)
        if best:
            return best
    return configured  # 我市, 本市, 全区 or no place named: the site's own region
