"""Name the hits of one clause, splitting lists into one metric per item.

>>> from rules.hits import clause_hits
>>> from rules.numbers import find_numbers
>>> norm = "申请材料、办理环节、办理时限分别压减40%、68%、50%"
>>> [(n, h.num.value) for h, n, _ in expand(norm, (0, len(norm)), None,
...                                        clause_hits(norm, (0, len(norm)), find_numbers(norm), [], None), [])]
[('申请材料压减', 40.0), ('办理环节压减', 68.0), ('办理时限压减', 50.0)]

* 分别 lists: items before 分别, as many numbers after it (counts must agree, else no split:
  分别进行了两次 is one metric).
* Shared values: 办复率、满意率达到100% and 人大建议、政协提案,办复率均为100% give one metric per item.
"""

from __future__ import annotations

import functools
import re
from dataclasses import replace

from rules import indicator as ind
from rules.hits import Hit
from rules.segment import words
from rules.tables import load

Named = tuple[Hit, str, "tuple[int, int] | None"]
"""A hit, its indicator, and the span its text should come from (None: its clause)."""

LIST_MARKS = "、和及与 ,"

LIST_GAPS = ("、", "和", "及", "与", ",", "")


@functools.cache
def _marks() -> tuple[str, str]:
    """(分别, 均): the words marking a list of values and a value shared by a list."""
    m = load("markers")
    return m["list_marker"], m["shared_marker"]


def _run_after(norm: str, hits: list[Hit], first: int) -> list[int]:
    run = [first]
    for i in range(first + 1, len(hits)):
        if norm[hits[run[-1]].end:hits[i].left].strip() not in LIST_GAPS:
            break
        run.append(i)
    return run


def respectively(norm: str, clause: tuple[int, int], prev: tuple[int, int] | None,
                 hits: list[Hit], earlier: list[str]) -> dict[int, tuple[str, tuple[int, int]]]:
    """分别 lists: hit index → (item name, text span).

    With no items before 分别 (律师事务所546家,律师9800人,同比分别增长8.1%和11.3%) the items are the
    sentence's metrics named so far, when there are enough of them.
    """
    p = norm.find(_marks()[0], clause[0], clause[1])
    first = next((i for i, h in enumerate(hits) if h.left > p), None) if p >= 0 else None
    if first is None:
        return {}
    run = _run_after(norm, hits, first)
    head = norm[clause[0]:p]
    span = clause
    # a clause before with figures of its own (私营企业达到8.1万户,分别增长29%和32%) leaves the items to the
    # sentence's metrics so far, when there are enough of them
    if not head.strip() and prev and not (_numbered(norm, prev) and len(earlier) >= len(run)):
        head, span = norm[prev[0]:prev[1]], (prev[0], clause[1])
    items = ind.items(ind.clean(head))
    verb = ind.strip_trail("_" + norm[p + 2:hits[first].left])[1:]
    if not ind.has_noun(ind.clean(head)) and len(earlier) >= len(run):
        items, verb, span = earlier, norm[clause[0]:p].strip() + verb, clause
    if len(run) < 2 or len(items) < len(run):
        return {}
    return {i: (ind.clean(item) + verb, span) for i, item in zip(run, items[-len(run):])}


def _rate_word(last: str) -> str:
    toks = [w for w, _ in words(last)]
    return "".join(toks[-2:]) if toks and len(toks[-1]) == 1 and len(toks) > 1 else (toks[-1] if toks else "")


def shared(norm: str, pre: str, name: str, clause: tuple[int, int],
           prev: tuple[int, int] | None) -> list[tuple[str, tuple[int, int] | None]]:
    """One value for every item of a list: [(name, span)], or [] when there is no such list. 办理环节和审批
    时限分别压减60% (分别 with one value) gives each item the value and the verb; 市、区两级政府常务会议分别进行了
    两次专题学法 is one count of the levels together (a one-character item is a level, not a subject)."""
    marker, shared_marker = _marks()
    # the list stands before the number (not 32家律所和公证处分别签订…), and is not of a total (分别累计…2000件)
    head, found, said = pre.rpartition(marker)
    parts = ind.items(ind.clean(head)) if found and not any(t in said for t in TOTALS) else []
    if len(parts) >= 2 and all(len(p) >= 2 for p in parts):
        verb = ind.strip_trail("_" + said.strip())[1:]  # 分别为, 分别达到: the value's verb is not the name's
        return [(p + verb, None) for p in parts]
    marked = shared_marker in pre[-4:]
    parts = ind.items(name)
    if len(parts) >= 2 and (marked or all(p.endswith("率") for p in parts)):
        tail = _rate_word(parts[-1]) if parts[-1].endswith("率") else ""
        return [(p if p.endswith("率") or not tail else p + tail, None) for p in parts]
    if marked and prev and "、" in norm[prev[0]:prev[1]] and len(parts) == 1:
        return [(p + name, (prev[0], clause[1])) for p in ind.items(ind.clean(norm[prev[0]:prev[1]]))]
    return []


DIGIT = re.compile(r"[0-9]")

RANKED = "排名"
"""How a rank's name ends (``indicator.rank_name``): a share is never of a rank."""

TOTALS = ("合计", "共计", "累计", "共")
"""A verb holding one of these reports a sum, not each item's figure."""


def _subject_like(name: str) -> bool:
    """A name a later metric of the sentence may be of: one holding a noun, or a rank (考核全省排名)."""
    return ind.has_noun(name) or name.endswith(RANKED)


def _numbered(norm: str, span: tuple[int, int]) -> bool:
    return DIGIT.search(norm, span[0], span[1]) is not None


def _share_of(out: list[Named], earlier: list[str]) -> str | None:
    """What a share is of: the metric right before it, noun or not (其中非常满意469918条,占比91.13%), but not
    a rank (办理案件300件,居全省第1位,占全省总数的15% is a share of the 300)."""
    here = next((n for hit, n, _ in reversed(out) if hit.kind != "rank"), None)
    return here or next((n for n in reversed(earlier) if not n.endswith(RANKED)), None)


def expand(norm: str, clause: tuple[int, int], prev: tuple[int, int] | None, hits: list[Hit],
           earlier: list[str]) -> list[Named]:
    """Every hit of the clause with its indicator (several for list items); ``earlier`` names the
    sentence's metrics so far."""
    listed = respectively(norm, clause, prev, hits, earlier)
    previous = None  # the sentence's last name with a noun in it
    for earlier_name in reversed(earlier):
        if _subject_like(earlier_name):
            previous = earlier_name
            break
    lead = min(listed, default=None)
    out: list[Named] = []
    left = clause[0]
    for i, h in enumerate(hits):
        pre = raw = norm[left:h.left]
        if out and h.kind != "rank" and pre.strip(LIST_MARKS) and pre.strip(LIST_MARKS) in out[-1][1]:
            pre = ""  # 10个镇街、278个村居: 镇街 named the number before, it is not this one's subject
        post = norm[h.end:hits[i + 1].left if i + 1 < len(hits) else clause[1]]
        if i in listed:  # 同比分别增长8.1%和11.3%: every item is a change, as the first says
            out.append((replace(h, kind=hits[lead].kind if lead is not None else h.kind), *listed[i]))
        elif h.kind == "rank":
            # 满意度得分87.88分,位列全省第三: the rank is of the sentence's subject, or of the clause before
            fallback = previous or (ind.clean(norm[prev[0]:prev[1]]) if prev else None)
            out.append((h, ind.rank_name(pre, norm[h.left:h.end], fallback), None))
        elif h.unit == "年" and pre.endswith(("连续", "连续第")):
            name, subject = ind.streak_name(pre, post)
            out.append((h, name, None))
            previous, left = subject or previous, h.end
            continue
        else:
            # 一窗通办事项应纳尽纳,占比达100%: a share right after a clause with no number is of that clause
            share = ind.is_share(ind.clean(pre))
            share_of_prev = prev is not None and share and not _numbered(norm, prev)
            # 其中非常满意469918条,占比91.13%: a share is of the metric right before it, noun or not
            of = (_share_of(out, earlier) if share else None) or previous
            name = ind.name(pre, post, None if share_of_prev else of)
            span = None
            if not name and prev:  # 在2021年度全省考核中,我市位列全省第2名: the subject is the clause before
                name, span = ind.name(norm[prev[0]:prev[1]], ""), (prev[0], clause[1])
            elif prev and (share_of_prev or not previous) and ind.is_share(name):  # 不见面审批事项2369项,占比95.87%
                name, span = ind.name(norm[prev[0]:prev[1]], "") + name, (prev[0], clause[1])
            out.extend((h, n, s) for n, s in shared(norm, raw, name, clause, prev) or [(name, span)])
        previous = out[-1][1] if _subject_like(out[-1][1]) else previous
        left = h.end
    return out
