"""jieba word segmentation with part-of-speech tags, loaded once.

>>> words("行政机关负责人出庭应诉率达")[:2]
(('行政', 'n'), ('机关', 'n'))
"""

from __future__ import annotations

import functools
import logging
from typing import Any


@functools.cache
def _tokenizer() -> Any:
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)  # jieba prints its dictionary loading to stderr otherwise
    jieba.initialize()
    jieba.posseg.lcut("预热")  # builds the tag table on first use
    return jieba.posseg.dt


def load() -> None:
    """Load jieba's dictionary and tag table now rather than on the first call."""
    _tokenizer()


@functools.lru_cache(maxsize=8192)
def words(s: str) -> tuple[tuple[str, str], ...]:
    """``s`` cut into (word, flag) pairs; flags are jieba's (n noun, v verb, vn verbal noun, …)."""
    return tuple((w.word, w.flag) for w in _tokenizer().cut(s))


def is_noun(flag: str) -> bool:
    return flag[:1] in ("n", "j") or flag in ("l", "i", "eng")
