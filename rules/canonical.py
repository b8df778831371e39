"""Canonical indicator names, so that facts from different releases can be compared.

Synonyms are data (``rules/data/indicators.yaml``): a name maps to the canonical entry whose
longest synonym it contains; a name no entry claims is its own canonical form, minus the scope
words that do not change what is measured (全市, 全区, 我市…) and spacing.

Example::

    >>> canonical_indicator("全市行政机关负责人出庭应诉率")
    '行政机关负责人出庭应诉率'
    >>> canonical_indicator("行政负责人出庭率")
    '行政机关负责人出庭应诉率'
    >>> canonical_indicator("全区办理法律援助案件")
    '法律援助案件数'
    >>> canonical_indicator("我市 公证办证量")
    '公证办证量'
"""

from __future__ import annotations

import functools
import re

from rules.tables import load

_SCOPE = re.compile(r"^(?:全市|全区|全县|全省|我市|本市|我区|本区|我县|本县|市级|区级|县级)+")
_SPACE = re.compile(r"[\s\u3000]+")


@functools.cache
def _synonyms() -> tuple[tuple[str, str], ...]:
    """(synonym, canonical) pairs, longest synonym first."""
    pairs = [(syn, canon) for canon, syns in load("indicators")["indicators"].items() for syn in [canon, *syns]]
    return tuple(sorted(pairs, key=lambda p: len(p[0]), reverse=True))


@functools.cache
def canonical_indicator(name: str) -> str:
    """The canonical name of the indicator ``name`` measures."""
    flat = _SPACE.sub("", name or "")
    for synonym, canonical in _synonyms():
        if synonym in flat:
            return canonical
    return _SCOPE.sub("", flat) or flat
