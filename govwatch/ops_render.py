"""Text output of the operator commands (``sites list``, ``articles show``): aligned, readable, short.

Times are UTC, as stored. Chinese takes two terminal columns per character, so columns are padded
by display width, not by ``len``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from datetime import datetime
from typing import Any


def when(value: datetime | str | None) -> str:
    if value is None:
        return "never"
    return value.strftime("%Y-%m-%d %H:%M:%S") if isinstance(value, datetime) else str(value)


def num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def pad(text: str, width: int) -> str:
    """Left-align ``text`` in ``width`` terminal columns: 枣庄市 takes six, not three."""
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - used)


def every(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds / size:g}{unit}"
    return f"{seconds:g}s"


def render_sites(rows: list[dict[str, Any]]) -> Iterator[str]:
    if rows:
        yield (f"{'id':<24} {'region':<8} {'every':>5}  {'state':<8} {'last crawl (UTC)':<19}  "
               f"{'result':<9} articles")
    for r in rows:
        interval = every(r["interval"]) if r["interval"] else "-"
        state = "removed" if not r["configured"] else "PAUSED" if r["paused"] else "active"
        yield (f"{r['id']:<24} {pad(r['region'] or '', 8)} {interval:>5}  {state:<8} {when(r['last_crawl_at']):<19}  "
               f"{r['last_result'] or '-':<9} {r['articles']:>8}")
        for url in r["list_urls"] + ([r["list_api"]] if r["list_api"] else []):
            yield f"    {url}"
        if r["last_error"]:
            yield f"    last error: {r['last_error']}"


def render_article(a: dict[str, Any], lines: int) -> Iterator[str]:
    yield a["title"] or a["list_title"] or "(no title yet)"
    for label, value in (("id", a["id"]), ("url", a["url"]), ("published", a["published"] or a["list_published"]),
                         ("source", a["source"]), ("region", a["region"]), ("site", a["site_id"]),
                         ("status", f"{a['status']} (processed {when(a['processed_at'])} UTC)"),
                         ("error", a["error"])):
        if value:
            yield f"  {label:<10} {value}"
    facts = a["facts"] or {}
    metrics, initiatives = facts.get("metrics", []), facts.get("initiatives", [])
    yield ""
    yield f"METRICS ({len(metrics)})"
    for m in metrics:
        period = f"  [{m['period']}]" if m.get("period") else ""
        yield f"  {m['indicator']} = {num(m['value'])} {m.get('unit') or ''}{period}"
        yield f"      {m.get('text', '')}"
    yield f"INITIATIVES ({len(initiatives)})"
    for i in initiatives:
        yield f"  {i['name']} ({i.get('kind') or '-'})"
        yield f"      {i.get('text', '')}"
    text = [ln for ln in (a["text"] or "").splitlines() if ln.strip()]
    yield ""
    yield f"TEXT (first {min(lines, len(text))} of {len(text)} lines)" if text else "TEXT (not fetched yet)"
    yield from (f"  {ln}" for ln in text[:lines])
