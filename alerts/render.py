"""Turn an :class:`~alerts.records.Alert` into an email subject, a text body and an HTML body.

Everything shown comes from scraped pages, so it is treated as hostile: single-line fields have
control characters and line breaks collapsed to one space, the HTML template autoescapes, and a
link is only made for ``http(s)`` URLs. Templates live in ``alerts/templates/``.

    >>> alert = Alert(id="a1", type="release.new", timestamp=0, region="北京",
    ...               title="关于印发\\r\\n《工作要点》的通知", url="https://www.beijing.gov.cn/a.html")
    >>> subject(alert)
    '[govwatch] 北京 · 关于印发 《工作要点》的通知'
    >>> "关于印发" in text_body(alert) and "<a href=" in html_body(alert)
    True
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2

from alerts.records import Alert

SUBJECT_LIMIT = 200
"""Longest subject, in characters; longer ones are cut and end with an ellipsis."""

_CONTROL = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]+")

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def one_line(value: object) -> str:
    """``value`` as text on one line: whitespace, control and invisible characters become one space."""
    if value is None:
        return ""
    return _CONTROL.sub(" ", str(value)).strip()


def subject(alert: Alert) -> str:
    """``[govwatch] {region} · {title}``, on one line, at most :data:`SUBJECT_LIMIT` characters."""
    region = one_line(alert.region or _article(alert).get("region"))
    text = "[govwatch] " + (f"{region} · " if region else "") + (one_line(alert.title) or alert.type)
    if len(text) > SUBJECT_LIMIT:
        text = text[: SUBJECT_LIMIT - 1].rstrip() + "…"
    return text


def text_body(alert: Alert) -> str:
    return _env.get_template("email.txt.j2").render(context(alert))


def html_body(alert: Alert) -> str:
    return _env.get_template("email.html.j2").render(context(alert))


def context(alert: Alert) -> dict[str, Any]:
    """The values both templates show, already cleaned; missing fields are empty strings."""
    article = _article(alert)
    url = one_line(article.get("url") or alert.url)
    return {
        "subject": subject(alert),
        "title": one_line(article.get("title") or alert.title),
        "url": url,
        "linkable": urlsplit(url).scheme in ("http", "https"),
        "region": one_line(alert.region or article.get("region")),
        "published": one_line(article.get("published")),
        "source": one_line(article.get("source")),
        "metrics": [_metric(m) for m in alert.data.get("metrics") or [] if isinstance(m, dict)],
        "initiatives": [_initiative(i) for i in alert.data.get("initiatives") or [] if isinstance(i, dict)],
    }


def _article(alert: Alert) -> dict[str, Any]:
    article = alert.data.get("article") if isinstance(alert.data, dict) else None
    return article if isinstance(article, dict) else {}


def _metric(m: dict[str, Any]) -> dict[str, str]:
    value = f"{_number(m.get('value'))}{one_line(m.get('unit'))}"
    return {
        "indicator": one_line(m.get("indicator")),
        "value": ("≈" if m.get("approx") and value else "") + value,
        "period": one_line(m.get("period")),
        "text": one_line(m.get("text")),
    }


def _initiative(i: dict[str, Any]) -> dict[str, str]:
    return {"name": one_line(i.get("name")), "kind": one_line(i.get("kind")), "text": one_line(i.get("text"))}


def _number(value: object) -> str:
    # 5.0 → "5": extracted values are floats even when the release wrote an integer
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return one_line(value)
