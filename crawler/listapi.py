"""Article links from a JSON list API, for sites whose list page is an empty shell.

A site names the API URL with a ``{page}`` placeholder and, where the defaults do not fit, where
the items are and what their fields are called. ``preset`` fills in the fields of known CMSs:

==========  ===================================================  ==================================
preset      answer                                               fields
==========  ===================================================  ==================================
gkmlpt      ``{"articles": [{"title", "url", "created_at"}]}``   items ``articles``
trs-igs     TRS IGS search: ``… [{"BT", "DOCPUBURL", "FBRQ"}]``  items found wherever they are
jpaas       ``{"data": {"html": "<ul>…</ul>"}}``                  ``html: data.html``, read as a list page
==========  ===================================================  ==================================

``items`` is a dotted path (``data.list``); left out, the first list of objects that have the
title field is used, wherever it sits. ``html`` instead names a string holding list HTML, which
is read like any list page. Pages are ``first_page``, ``first_page + 1``…; a page with no items
ends the walk.

Example::

    >>> api = ListApi.from_dict({"url": "https://www.example.gov.cn/gkmlpt/api/all/2?page={page}&sid=7",
    ...                          "preset": "gkmlpt"})
    >>> api.page_url(1)
    'https://www.example.gov.cn/gkmlpt/api/all/2?page=1&sid=7'
    >>> page = read_api('{"total": 31, "articles": [{"id": 9, "title": "关于印发<em>法治</em>政府建设方案的通知",'
    ...                 ' "url": "/gkmlpt/content/0/9/post_9.html", "created_at": "2022-12-16 09:30:00"}]}',
    ...                 api, api.page_url(1), page=1)
    >>> page.refs[0].url, page.refs[0].title, page.refs[0].published
    ('https://www.example.gov.cn/gkmlpt/content/0/9/post_9.html', '关于印发法治政府建设方案的通知', '2022-12-16')
    >>> page.next_pages
    ('https://www.example.gov.cn/gkmlpt/api/all/2?page=2&sid=7',)
"""

from __future__ import annotations

import html
import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from crawler.dates import parse_date
from crawler.discover import discover
from crawler.errors import EmptyPage
from crawler.html import collapse_ws
from crawler.records import ArticleRef, ListPage
from crawler.urls import canonicalize

logger = logging.getLogger(__name__)

PRESETS: dict[str, dict[str, Any]] = {
    "gkmlpt": {"items": "articles", "title": "title", "link": "url", "date": "created_at"},
    "trs-igs": {"items": None, "title": "BT", "link": "DOCPUBURL", "date": "FBRQ"},
    "jpaas": {"html": "data.html", "headers": {"X-Requested-With": "XMLHttpRequest"}},
}
"""Field names of known list APIs (see the module docstring)."""

_TAG_RE = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class ListApi:
    """Where a site's list API is and how to read its answer; build it with ``from_dict``."""

    url: str
    items: str | None = None
    title: str = "title"
    link: str = "url"
    date: str | None = "created_at"
    html: str | None = None
    first_page: int = 1
    headers: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any] | str) -> ListApi:
        """From a site's ``list_api`` setting (a mapping, or just the URL); ValueError if unusable."""
        raw = {"url": raw} if isinstance(raw, str) else dict(raw)
        preset = raw.pop("preset", None)
        if preset is not None and preset not in PRESETS:
            raise ValueError(f"unknown list_api preset {preset!r} (known: {', '.join(PRESETS)})")
        values = {**PRESETS.get(preset, {}), **raw}
        unknown = set(values) - {f.name for f in fields(cls)}
        if unknown:
            raise ValueError(f"unknown list_api key(s): {', '.join(sorted(unknown))}")
        url = str(values.get("url") or "")
        if not re.match(r"^https?://", url) or "{page}" not in url:
            raise ValueError(f"list_api url {url!r} must be http(s) and contain {{page}}")
        values["headers"] = tuple((str(k), str(v)) for k, v in dict(values.get("headers") or {}).items())
        values["first_page"] = int(values.get("first_page", 1))
        return cls(**values)

    def page_url(self, page: int) -> str:
        return self.url.replace("{page}", str(page))


def read_api(text: str, api: ListApi, page_url: str, *, page: int,
             item_selector: str | None = None) -> ListPage:
    """The article links in one API answer, and the next API page when this one had any."""
    try:
        data = json.loads(text)
    except ValueError:
        raise EmptyPage(page_url, "list API answer is not JSON") from None
    if api.html:
        fragment = _at(data, api.html)
        if not isinstance(fragment, str):
            raise EmptyPage(page_url, f"list API answer has no HTML at {api.html!r}")
        refs = discover(fragment, page_url, item_selector=item_selector).refs
    else:
        refs = tuple(_refs(_items(data, api), api, page_url))
    next_pages = (api.page_url(page + 1),) if refs else ()
    logger.info("list API %s: %d articles", page_url, len(refs))
    return ListPage(refs=refs, next_pages=next_pages)


def _items(data: Any, api: ListApi) -> list[Any]:
    found = _at(data, api.items) if api.items else _find_list(data, api.title)
    return found if isinstance(found, list) else []


def _refs(items: list[Any], api: ListApi, page_url: str) -> list[ArticleRef]:
    seen: dict[str, ArticleRef] = {}
    for item in items:
        if not isinstance(item, dict):
            continue
        link, title = item.get(api.link), _plain(item.get(api.title))
        if not isinstance(link, str) or not link.strip() or not title:
            continue
        try:
            url = canonicalize(link.strip(), page_url)
        except ValueError:
            continue
        published = parse_date(item.get(api.date)) if api.date else None
        ref = ArticleRef(url=url, title=title, published=published[:10] if published else None,
                         list_url=page_url)
        seen.setdefault(url, ref)
    return list(seen.values())


def _at(data: Any, path: str) -> Any:
    """``data["a"]["b"]`` for ``"a.b"``; list indexes as numbers (``data.0.items``)."""
    for key in path.split("."):
        if isinstance(data, dict):
            data = data.get(key)
        elif isinstance(data, list) and key.isdigit() and int(key) < len(data):
            data = data[int(key)]
        else:
            return None
    return data


def _find_list(data: Any, title_field: str) -> list[Any] | None:
    """The first list of objects having ``title_field``, searching breadth-first."""
    queue = [data]
    while queue:
        node = queue.pop(0)
        if isinstance(node, list):
            if any(isinstance(x, dict) and title_field in x for x in node):
                return node
            queue.extend(node)
        elif isinstance(node, dict):
            queue.extend(node.values())
    return None


def _plain(value: Any) -> str:
    """A title without search highlighting tags or entities."""
    return collapse_ws(html.unescape(_TAG_RE.sub("", value))) if isinstance(value, str) else ""
