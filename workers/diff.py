"""Change detection: what a stored release tells subscribers that they did not know.

Facts are compared per region. Metrics are grouped into *series* by canonical indicator, kind and
unit (出庭应诉率 / 行政负责人出庭率 in % are one series; 新登记市场主体 in 户 and its 同比增长 in %
are two). Against the region's history from other articles:

* ``metric.new``      a series this region has never reported;
* ``metric.changed``  a value for the same or a later period that differs from the latest one,
                      with the previous value attached; the same fact repeated, or an older period
                      arriving late, is not an event;
* ``initiative.new``  an initiative this region has not been seen with before;
* ``release.new``     a newly published article (with all its facts);
* ``release.updated`` a known article whose text changed, with what changed in its facts.

Event ids are derived from what the event says (region, series, period, value…), so two workers
that notice the same thing at once write one event.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from rules.canonical import canonical_indicator

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_MONTHS = re.compile(r"(\d{1,2})\s*(?:[-—–至到]\s*(\d{1,2}))?\s*月")
_HALF = {"上半年": 6, "前三季度": 9, "一季度": 3, "第一季度": 3, "二季度": 6, "三季度": 9, "四季度": 12}


def event_id(*parts: object) -> str:
    return "evt_" + hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:28]


def period_key(period: str | None, published: str | None) -> str | None:
    """A sortable "YYYY-MM" for the end of the period a value covers.

    >>> period_key("2021年", None), period_key("1-11月", "2022-12-16"), period_key("今年以来", "2022-06-28")
    ('2021-12', '2022-11', '2022-06')
    >>> period_key(None, "2023-03-08T10:00:00+08:00"), period_key("去年", "2023-03-08")
    ('2023-03', '2022-12')
    """
    pub_year = int(published[:4]) if published and published[:4].isdigit() else None
    text = period or ""
    year_m = _YEAR.search(text)
    year = int(year_m.group(1)) if year_m else None
    if year is None and re.search(r"去年|上年|上一年", text) and pub_year:
        return f"{pub_year - 1}-12"
    year = year or pub_year
    if year is None:
        return None
    month = next((m for word, m in _HALF.items() if word in text), None)
    months = _MONTHS.search(text[year_m.end() :] if year_m else text)
    if month is None and months:
        month = int(months.group(2) or months.group(1))
    if month is None and year_m:
        month = 12
    if month is None:  # 今年以来, or no period at all: as of publication
        month = int(published[5:7]) if published and published[5:7].isdigit() else 12
    return f"{year}-{min(max(month, 1), 12):02d}"


def series_of(metric: dict[str, Any]) -> str:
    return f"{canonical_indicator(metric['indicator'])}|{metric.get('kind')}|{metric.get('unit')}"


def initiative_key(name: str) -> str:
    return re.sub(r"[《》“”\"'「」\s]", "", name)


@dataclass(frozen=True)
class Event:
    type: str
    id: str
    data: dict[str, Any]
    metric: dict[str, Any] | None = None  # what subscriber filters look at
    initiative: dict[str, Any] | None = None


@dataclass
class History:
    """What a region reported before, from other articles."""

    latest: dict[str, dict[str, Any]] = field(default_factory=dict)  # series -> latest fact row
    initiatives: set[str] = field(default_factory=set)  # initiative keys


def _fact_events(
    region: str, article: dict, metrics: list[dict], initiatives: list[dict], history: History
) -> list[Event]:
    events: list[Event] = []
    seen: set[str] = set()
    for m in metrics:
        series, key = series_of(m), period_key(m.get("period"), article.get("published"))
        if series in seen:
            continue  # the first mention of a series in a release is the one that counts
        seen.add(series)
        prev = history.latest.get(series)
        if prev is None:
            events.append(
                Event("metric.new", event_id("metric.new", region, series), {"article": article, "metric": m}, metric=m)
            )
        elif _is_change(prev, m, key):
            previous = {
                "value": prev["data"].get("value"),
                "unit": prev["unit"],
                "period": prev["period"],
                "article_url": prev.get("article_url"),
                "published": prev.get("published"),
            }
            events.append(
                Event(
                    "metric.changed",
                    event_id("metric.changed", region, series, key, m["value"]),
                    {"article": article, "metric": m, "previous": previous},
                    metric=m,
                )
            )
    for i in initiatives:
        k = initiative_key(i["name"])
        if k and k not in history.initiatives and k not in seen:
            seen.add(k)
            events.append(
                Event(
                    "initiative.new",
                    event_id("initiative.new", region, k),
                    {"article": article, "initiative": i},
                    initiative=i,
                )
            )
    return events


def _is_change(prev: dict[str, Any], metric: dict[str, Any], key: str | None) -> bool:
    if key and prev.get("period_key") and key < prev["period_key"]:
        return False  # an older period arriving late does not overwrite the latest
    return float(prev["value"]) != float(metric["value"])


def fact_changes(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list]:
    """What changed between two extractions of the same article."""

    def by_series(facts: dict) -> dict[str, dict]:
        return {f"{series_of(m)}|{m.get('period')}": m for m in facts.get("metrics", [])}

    before, after = by_series(old), by_series(new)
    names_before = {initiative_key(i["name"]): i for i in old.get("initiatives", [])}
    names_after = {initiative_key(i["name"]): i for i in new.get("initiatives", [])}
    return {
        "metrics_added": [m for k, m in after.items() if k not in before],
        "metrics_removed": [m for k, m in before.items() if k not in after],
        "metrics_changed": [
            {"indicator": m["indicator"], "from": before[k], "to": m}
            for k, m in after.items()
            if k in before and before[k]["value"] != m["value"]
        ],
        "initiatives_added": [i for k, i in names_after.items() if k not in names_before],
        "initiatives_removed": [i for k, i in names_before.items() if k not in names_after],
    }


def detect(
    *,
    article_id: int,
    region: str,
    article: dict[str, Any],
    facts: dict[str, Any],
    previous_facts: dict[str, Any] | None,
    history: History,
    first_time: bool,
    silent: bool,
) -> list[Event]:
    """Every event one stored release causes (none for the silent back catalogue)."""
    if silent:
        return []
    metrics, initiatives = facts.get("metrics", []), facts.get("initiatives", [])
    events: list[Event] = []
    if first_time:
        events.append(
            Event(
                "release.new",
                event_id("release.new", article_id),
                {"article": article, "metrics": metrics, "initiatives": initiatives},
            )
        )
    elif previous_facts is not None:
        changes = fact_changes(previous_facts, facts)
        digest = hashlib.sha256(repr(sorted(changes.items())).encode()).hexdigest()[:12]
        events.append(
            Event(
                "release.updated",
                event_id("release.updated", article_id, article.get("hash"), digest),
                {"article": {k: v for k, v in article.items() if k != "hash"}, "changes": changes},
            )
        )
    return events + _fact_events(
        region, {k: v for k, v in article.items() if k != "hash"}, metrics, initiatives, history
    )
