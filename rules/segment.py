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
import math
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
    for verb in tables.load("lexicon").get("verbs", ()):  # 印发 is nz in jieba's dictionary
        if verb in jieba.dt.FREQ:
            jieba.posseg.dt.word_tag_tab[verb] = "v"
    jieba.posseg.lcut("预热")  # builds the tag table on first use
    return jieba.posseg.dt


def user_words() -> list[str]:
    """Indicator and programme names and national slogans that jieba must keep whole."""
    lexicon = tables.load("lexicon")
    found = [*lexicon["indicators"], *lexicon["names"], *map(str, tables.load("slogans")["slogans"])]
    # jieba cuts at punctuation before looking words up: 双随机、一公开 can never be one word
    return [w for w in dict.fromkeys(found) if re.fullmatch(r"[\u4e00-\u9fff0-9]{2,}", w)]


def frequency(word: str) -> int:
    """How often jieba's dictionary has seen ``word`` as one word (0: not a word it knows).

    >>> frequency("平安") > frequency("金寨")
    True
    """
    return int(_tokenizer().tokenizer.FREQ.get(word) or 0)


def load() -> None:
    """Load jieba's dictionary and tag table now rather than on the first call."""
    _tokenizer()


@functools.lru_cache(maxsize=8192)
def words(s: str) -> tuple[tuple[str, str], ...]:
    """``s`` cut into (word, flag) pairs; flags are jieba's (n noun, v verb, vn verbal noun, …)."""
    return tuple(_cut(s))


def _cut(s: str) -> list[tuple[str, str]]:
    """What ``jieba.posseg.dt.cut(s, HMM=False)`` yields, as (word, flag) pairs, about twice as fast.

    The same steps as jieba's ``__cut_internal`` and ``__cut_DAG_NO_HMM``, with the word graph and the
    best-route pass (``get_DAG`` then ``calc``: the most probable path, ties to the longer word) done
    in one right-to-left loop over plain lists.
    """
    from jieba import posseg  # noqa: PLC0415 - loaded with the tokenizer

    tagger = _tokenizer()
    tagger.makesure_userdict_loaded()
    freq, tags = tagger.tokenizer.FREQ, tagger.word_tag_tab
    logtotal = math.log(tagger.tokenizer.total)
    out: list[tuple[str, str]] = []
    for blk in posseg.re_han_internal.split(s):
        if not blk:
            continue
        if not posseg.re_han_internal.match(blk):
            for x in posseg.re_skip_internal.split(blk):
                if posseg.re_skip_internal.match(x):
                    out.append((x, "x"))
                else:
                    for xx in x:
                        flag = "m" if posseg.re_num.match(xx) else "eng" if posseg.re_eng.match(x) else "x"
                        out.append((xx, flag))
            continue
        n = len(blk)
        value = [0.0] * (n + 1)
        value[n] = 0  # jieba's route[N] = (0, 0)
        best = list(range(n + 1))
        for k in range(n - 1, -1, -1):
            top = None
            i, frag = k, blk[k]
            while i < n:
                f = freq.get(frag)
                if f is None:
                    break
                if f:
                    v = math.log(f) - logtotal + value[i + 1]
                    if top is None or v >= top:  # max over (value, end): a tie goes to the later end
                        top, best[k] = v, i
                i += 1
                frag = blk[k:i + 1]
            if top is None:
                top, best[k] = math.log(freq.get(blk[k]) or 1) - logtotal + value[k + 1], k
            value[k] = top
        x, buf = 0, ""
        while x < n:
            y = best[x] + 1
            word = blk[x:y]
            if posseg.re_eng1.match(word):
                buf += word
            else:
                if buf:
                    out.append((buf, "eng"))
                    buf = ""
                out.append((word, tags.get(word, "x")))
            x = y
        if buf:
            out.append((buf, "eng"))
    return out


def is_noun(flag: str) -> bool:
    return flag[:1] in ("n", "j") or flag in ("l", "i", "eng")
