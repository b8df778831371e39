"""jieba word segmentation with part-of-speech tags, loaded once, with the rule words added.

>>> words("行政机关负责人出庭应诉率达")[-2:]
(('出庭应诉率', 'nz'), ('达', 'v'))
>>> [w for w, _ in words("打造无证明城市")]
['打造', '无证明城市']

jieba's dictionary gets every indicator and programme name of ``data/lexicon.yaml`` and every
national slogan of ``data/slogans.yaml``, so those stay one noun. Cutting runs without jieba's
HMM: the phrases cut here are short, and guessing unknown words costs ten times the dictionary pass.
"""

from __future__ import annotations

import functools
import logging
import re
from typing import Any

from rules import tables

USER_TAG = "nz"
"""Part of speech given to the rule words: a proper noun."""


@functools.cache
def _tokenizer() -> Any:
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)  # jieba prints its dictionary loading to stderr otherwise
    jieba.initialize()
    for word in user_words():
        jieba.add_word(word, tag=USER_TAG)
    jieba.posseg.lcut("预热")  # builds the tag table on first use
    return jieba.posseg.dt


def user_words() -> list[str]:
    """Indicator and programme names and national slogans that jieba must keep whole."""
    lexicon = tables.load("lexicon")
    found = [*lexicon["indicators"], *lexicon["names"], *map(str, tables.load("slogans")["slogans"])]
    # jieba cuts at punctuation before looking words up: 双随机、一公开 can never be one word
    return [w for w in dict.fromkeys(found) if re.fullmatch(r"[\u4e00-\u9fff0-9]{2,}", w)]


def load() -> None:
    """Load jieba's dictionary and tag table now rather than on the first call."""
    _tokenizer()


@functools.lru_cache(maxsize=8192)
def words(s: str) -> tuple[tuple[str, str], ...]:
    """``s`` cut into (word, flag) pairs; flags are jieba's (n noun, v verb, vn verbal noun, …)."""
    return tuple((w.word, w.flag) for w in _tokenizer().cut(s, HMM=False))


def is_noun(flag: str) -> bool:
    return flag[:1] in ("n", "j") or flag in ("l", "i", "eng")
