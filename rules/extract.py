"""Extract the facts of one release: region, metrics, initiatives.

>>> facts = extract("全市行政机关负责人出庭应诉率达100%。出台《枣庄市优化营商环境条例》。", region="枣庄市")
>>> [(m.indicator, m.value, m.unit) for m in facts.metrics]
[('行政机关负责人出庭应诉率', 100.0, '%')]
>>> [i.name for i in facts.initiatives]
['枣庄市优化营商环境条例']

Call :func:`preload` at process start: it loads jieba's dictionary (about a second) and every rule
table, so that no job pays for it. :func:`extract` preloads lazily too.
"""

from __future__ import annotations

import threading

from rules import hits, indicator, initiatives, numbers, region, segment, tables
from rules.initiatives import find_initiatives
from rules.metrics import default_period, find_metrics
from rules.records import Facts
from rules.region import resolve_region

_loaded = False
_lock = threading.Lock()


def preload() -> None:
    """Load jieba and every rule table once; later calls return at once."""
    global _loaded
    if _loaded:
        return
    with _lock:
        if _loaded:
            return
        tables.preload_all()
        segment.load()
        numbers._scanners()
        numbers._before_words()
        hits.units()
        hits._units_by_first()
        hits._rank_re()
        indicator.period_re()
        initiatives._slogans()
        region.gazetteer()
        _loaded = True


def extract(text: str, *, title: str | None = "", region: str | None = None, published: str | None = None,
            source: str | None = "") -> Facts:
    """Facts of one release; ``region`` is the site's configured region, ``published`` an ISO date,
    ``source`` the page's 来源 line (峄城区司法局). A missing title or source may be None or ""."""
    preload()
    title, source = title or "", source or ""
    where = resolve_region(text, title, region, source)
    return Facts(
        region=where,
        metrics=tuple(find_metrics(text, published=published, period=default_period(title, text))),
        initiatives=tuple(find_initiatives(text, region=where)),
    )
