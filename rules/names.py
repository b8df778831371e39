"""What the initiative rules share: where a name's clause starts, the evidence text around it, marks.

>>> from rules.numbers import normalize
>>> text = "一是深化改革,打造“榴乡诉递”品牌。"
>>> evidence(text, normalize(text), 9, 15)
'打造“榴乡诉递”品牌'

Used by :mod:`rules.initiatives` (documents and quoted programmes), :mod:`rules.models` (numbered
models) and :mod:`rules.unquoted` (programmes named without quotes).
"""

from __future__ import annotations

import re

from rules.tables import load
from rules.text import CLAUSE_END, clip

HAN = re.compile(r"[\u4e00-\u9fff]")


QUOTE_MARKS = re.compile(r"[“”\"]")


DIGIT = re.compile(r"[0-9]")


NOT_A_NAME_START = re.compile(r"[一二两三四五六七八九十0-9以在对为于的了]")


DEMONSTRATIVE = re.compile(r"[这该此其](?:一|个|项|种|套)?|本(?:一|个|项|种|套)|[我本](?:市|区|县|州|旗)")
"""这一平台, 该项制度, 本套体系, 我市专项行动: a phrase pointing back at a name, or at this government's
work in general, not one (本溪市… is a name)."""


CLAUSE_MARK = CLAUSE_END


CLAUSE_MARKS = ";:。!?\n,"
"""The characters CLAUSE_MARK can match."""


PUNCT = re.compile(r"[,;:。!?、“”\"《》「」()\s]")


def section(name: str) -> dict:
    """A section of ``data/initiatives.yaml``: documents, programs, bare_programs or models."""
    return load("initiatives")[name]


def clause_start(norm: str, pos: int) -> int:
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


def evidence(text: str, norm: str, a: int, b: int) -> str:
    m = CLAUSE_MARK.search(norm, b)
    s, e = clip(clause_start(norm, a), m.start() if m else len(norm), a, b)
    return text[s:e].strip()
