"""What each event type shows: the cleaned values behind every rendering (email text, HTML, chat).

Everything comes from scraped pages and is treated as hostile: every string here has been through
:func:`one_line` (control characters and line breaks collapsed to one space), and ``linkable``
says whether a URL may become a link (``http``/``https`` only). A view is a plain dict:

* ``type``, ``region``, ``headline`` (the subject without ``[govwatch]``), ``article`` (title, url,
  linkable, published, source);
* ``sections``: ``[{"kind", "title", "items"}]``, ``kind`` one of ``metrics``, ``changes``,
  ``initiatives``, ``notes``; every item has a one-line ``line`` and an evidence ``text`` (may be "");
* for ``digest`` also ``since``, ``until``, ``count`` and ``events`` (one view per event, with ``when``).

Templates only lay these out, so a new event type is one builder here, not a new template.

    >>> alert = Alert(id="a1", type="metric.changed", timestamp=0, region="枣庄市", title="", url="",
    ...               data={"metric": {"indicator": "出庭应诉率", "value": 100.0, "unit": "%", "period": "2021年"},
    ...                     "previous": {"value": 97, "unit": "%", "period": "2021年"}})
    >>> view(alert)["headline"]
    '枣庄市 · 出庭应诉率 97% → 100% (2021年)'
    >>> [s["title"] for s in view(alert)["sections"]]
    ['指标变化', '上次数值']
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from alerts.records import Alert

View = dict[str, Any]
Section = dict[str, Any]

_CONTROL = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]+")


def one_line(value: object) -> str:
    """``value`` as text on one line: whitespace, control and invisible characters become one space."""
    if value is None:
        return ""
    return _CONTROL.sub(" ", str(value)).strip()


def view(alert: Alert, *, nested: bool = False) -> View:
    """The cleaned values for ``alert``; an unknown type is shown like ``release.new``."""
    data = _dict(alert.data)
    article = _article(_dict(data.get("article")), alert)
    build = _BUILDERS.get(alert.type, _release_new)
    if nested and alert.type == "digest":
        build = _release_new  # a digest inside a digest is not expected; show it plainly, never recurse
    summary, parts = build(data, article)
    region = one_line(alert.region or _dict(data.get("article")).get("region"))
    headline = summary or article["title"] or one_line(alert.type)
    return {
        "type": alert.type,
        "region": region,
        "headline": f"{region} · {headline}" if region else headline,
        "article": article,
        "sections": [s for s in parts.pop("sections", []) if s["items"]],
        **parts,
    }


# --- per-type builders: (data, article) -> (summary, extra view fields) ---------------------------

Built = tuple[str, dict[str, Any]]


def _release_new(data: dict[str, Any], article: dict[str, Any]) -> Built:
    return "", {
        "sections": [
            _section("metrics", "指标", [metric(m) for m in _dicts(data.get("metrics"))]),
            _section("initiatives", "举措", [initiative(i) for i in _dicts(data.get("initiatives"))]),
        ]
    }


def _release_updated(data: dict[str, Any], article: dict[str, Any]) -> Built:
    changes = _dict(data.get("changes"))

    def listed(key: str) -> list[dict[str, Any]]:
        return _dicts(changes.get(key))

    return f"已更新: {article['title']}" if article["title"] else "已更新", {
        "sections": [
            _section("metrics", "新增指标", [metric(m) for m in listed("metrics_added")]),
            _section("changes", "变化指标", [change(c.get("from"), c.get("to")) for c in listed("metrics_changed")]),
            _section("metrics", "删除指标", [metric(m) for m in listed("metrics_removed")]),
            _section("initiatives", "新增举措", [initiative(i) for i in listed("initiatives_added")]),
            _section("initiatives", "删除举措", [initiative(i) for i in listed("initiatives_removed")]),
        ]
    }


def _metric_new(data: dict[str, Any], article: dict[str, Any]) -> Built:
    m = metric(data.get("metric"))
    summary = f"新指标: {m['indicator']} {m['value']}{_paren(m['period'])}".strip() if m["indicator"] else ""
    return summary, {"sections": [_section("metrics", "新指标", [m] if m["line"] else [])]}


def _metric_changed(data: dict[str, Any], article: dict[str, Any]) -> Built:
    previous = _dict(data.get("previous"))
    c = change(previous, data.get("metric"))
    summary = f"{c['indicator']} {c['before']} → {c['after']}{_paren(c['period'])}" if c["indicator"] else ""
    url = one_line(previous.get("article_url"))
    published = one_line(previous.get("published"))
    note = _note(c["before"] + (f", {published} 发布" if published else ""), url)
    return summary, {
        "sections": [
            _section("changes", "指标变化", [c] if c["indicator"] else []),
            _section("notes", "上次数值", [note] if c["before"] else []),
        ]
    }


def _initiative_new(data: dict[str, Any], article: dict[str, Any]) -> Built:
    i = initiative(data.get("initiative"))
    return (f"新举措: {i['quoted']}" if i["name"] else ""), {
        "sections": [_section("initiatives", "新举措", [i] if i["name"] else [])]
    }


def _test(data: dict[str, Any], article: dict[str, Any]) -> Built:
    message = one_line(data.get("message"))
    return "测试消息" + (f": {message}" if message else ""), {
        "sections": [_section("notes", "测试消息", [_note(message)] if message else [])]
    }


def _digest(data: dict[str, Any], article: dict[str, Any]) -> Built:
    events = [_event(e) for e in _dicts(data.get("events"))]
    since, until = _when(data.get("since")), _when(data.get("until"))
    summary = f"摘要: {len(events)} 条更新" + (f" ({since} 以来)" if since else "")
    return summary, {"since": since, "until": until, "count": len(events), "events": events}


def _event(event: dict[str, Any]) -> View:
    alert = Alert(
        id=one_line(event.get("id")),
        type=one_line(event.get("type")),
        timestamp=0,
        region=event.get("region"),
        title="",
        url="",
        data=_dict(event.get("data")),
    )
    return {**view(alert, nested=True), "when": _when(event.get("created_at"))}


_BUILDERS: dict[str, Callable[[dict[str, Any], dict[str, Any]], Built]] = {
    "release.new": _release_new,
    "release.updated": _release_updated,
    "metric.new": _metric_new,
    "metric.changed": _metric_changed,
    "initiative.new": _initiative_new,
    "digest": _digest,
    "test": _test,
}
"""Event type → builder. ``release.new`` doubles as the fallback for types added later."""


# --- items -------------------------------------------------------------------------------------


def metric(raw: object) -> dict[str, str]:
    """A metric as indicator, value (``≈5%``), period, evidence text and a one-line summary."""
    m = _dict(raw)
    indicator, value, period = one_line(m.get("indicator")), amount(m), one_line(m.get("period"))
    prev = _dict(m.get("previous"))
    previous = (amount(prev) + _paren(one_line(prev.get("period")))) if prev else ""
    line = f"{indicator or '(指标)'}: {value}{_paren(period)}" if indicator or value else ""
    return {
        "indicator": indicator,
        "value": value,
        "period": period,
        "kind": one_line(m.get("kind")),
        "text": one_line(m.get("text")),
        "previous": previous,
        "line": line + (f", 上期 {previous}" if line and previous else ""),
    }


def change(before: object, after: object) -> dict[str, str]:
    """One indicator's value before and after; the period is repeated only when it differs."""
    old, new = _dict(before), metric(after)
    old_period = one_line(old.get("period"))
    was = amount(old) + (_paren(old_period) if old_period and old_period != new["period"] else "")
    indicator = new["indicator"] or one_line(old.get("indicator"))
    return {
        "indicator": indicator,
        "before": was,
        "after": new["value"],
        "period": new["period"],
        "text": new["text"],
        "line": f"{indicator or '(指标)'}: {was} → {new['value']}{_paren(new['period'])}",
    }


def initiative(raw: object) -> dict[str, str]:
    """An initiative as name, ``《name》``, kind, evidence text and a one-line summary."""
    i = _dict(raw)
    name, kind = one_line(i.get("name")), one_line(i.get("kind"))
    quoted = name if name.startswith("《") or not name else f"《{name}》"
    return {
        "name": name,
        "quoted": quoted,
        "kind": kind,
        "text": one_line(i.get("text")),
        "line": name + (f" [{kind}]" if kind else ""),
    }


def amount(m: dict[str, Any]) -> str:
    """``value`` and ``unit`` as shown: ``5.0, "%"`` → ``"5%"``, with ``≈`` when approximate."""
    value = f"{_number(m.get('value'))}{one_line(m.get('unit'))}"
    return ("≈" if m.get("approx") and value else "") + value


def _number(value: object) -> str:
    # 5.0 → "5": extracted values are floats even when the release wrote an integer
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return one_line(value)


def _note(line: str, url: str = "") -> dict[str, Any]:
    return {"line": line, "text": "", "url": url, "linkable": _linkable(url)}


def _section(kind: str, title: str, items: list[dict[str, Any]]) -> Section:
    # every item gets url/linkable, so templates need not ask which kind of item they hold
    return {"kind": kind, "title": title, "items": [{"url": "", "linkable": False, **i} for i in items if i["line"]]}


# --- small helpers -----------------------------------------------------------------------------


def _article(article: dict[str, Any], alert: Alert) -> dict[str, Any]:
    url = one_line(article.get("url") or alert.url)
    return {
        "title": one_line(article.get("title") or alert.title),
        "url": url,
        "linkable": _linkable(url),
        "published": one_line(article.get("published")),
        "source": one_line(article.get("source")),
    }


def _linkable(url: str) -> bool:
    return bool(url) and urlsplit(url).scheme in ("http", "https")


def _when(value: object) -> str:
    """An ISO time as ``2026-11-21 08:00`` in the offset it was written in; other text as is."""
    text = one_line(value)
    try:
        return datetime.fromisoformat(text).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return text


def _paren(text: str) -> str:
    return f" ({text})" if text else ""


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _dicts(value: object) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []
