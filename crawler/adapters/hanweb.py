"""Hanweb (大汉) list pages: classic ``/col/colN/index.html`` and JPaaS JSON answers.

Classic Hanweb pages embed their first items in ``<script type="text/xml"><datastore>`` as
``<record><![CDATA[<li>…</li>]]></record>`` and announce further pages in ``<nextgroup>``; the
``/module/web/jpage/dataproxy.jsp`` proxy answers the same records as bare XML with
``<totalpage>``/``<totalrecord>``. JPaaS list units answer ``{"data": {"html": "<ul>…"}}``.

Example::

    >>> xml = ('<datastore><nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1">]]>'
    ...        '</nextgroup><recordset><record><![CDATA[<li><a href="/art/2022/12/16/art_9_1.html">x</a>'
    ...        '</li>]]></record></recordset></datastore>')
    >>> ADAPTER.fragments(xml)
    ['<ul><li><a href="/art/2022/12/16/art_9_1.html">x</a></li></ul>']
    >>> ADAPTER.next_pages(xml, "https://www.example.gov.cn/col/col9/index.html")
    ['https://www.example.gov.cn/module/web/jpage/dataproxy.jsp?page=1']
"""

from __future__ import annotations

import json
import re
from urllib.parse import SplitResult, parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

RECORD_RE = re.compile(r"<record(?:\s[^>]*)?>\s*(?:<!\[CDATA\[)?(.*?)(?:\]\]>)?\s*</record>", re.S | re.I)
NEXTGROUP_RE = re.compile(r"<nextgroup[^>]*>(.*?)</nextgroup>", re.S | re.I)
HREF_RE = re.compile(r"""href\s*=\s*["']([^"']+)["']""", re.I)
TOTALPAGE_RE = re.compile(r"<totalpage>\s*(\d+)\s*</totalpage>", re.I)
TOTALRECORD_RE = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>", re.I)
DATAPROXY_PATH = "/module/web/jpage/dataproxy.jsp"
MAX_PAGES = 500
"""Never announce more list pages than this, whatever the CMS claims."""


class HanwebAdapter:
    name = "hanweb"

    def fragments(self, html: str) -> list[str]:
        records = RECORD_RE.findall(html)
        if records:
            return ["<ul>" + "".join(r.strip() for r in records) + "</ul>"]
        jpaas = _jpaas_html(html)
        return [jpaas] if jpaas else []

    def next_pages(self, html: str, page_url: str) -> list[str]:
        urls = [urljoin(page_url, href.strip()) for group in NEXTGROUP_RE.findall(html)
                for href in HREF_RE.findall(group)]
        if DATAPROXY_PATH in page_url:
            urls += _following_proxy_pages(html, page_url)
        return urls


def _jpaas_html(text: str) -> str | None:
    """The ``data.html`` of a JPaaS unit answer, if ``text`` is one."""
    if not text.lstrip().startswith("{"):
        return None
    try:
        data = json.loads(text).get("data")
    except (ValueError, AttributeError):
        return None
    html = data.get("html") if isinstance(data, dict) else None
    return html if isinstance(html, str) else None


def _following_proxy_pages(xml: str, page_url: str) -> list[str]:
    """dataproxy.jsp pages after this one: ``page=N`` up to totalpage, or the next record window."""
    parts = urlsplit(page_url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    total_pages = TOTALPAGE_RE.search(xml)
    if query.get("page", "").isdigit() and total_pages:
        last = min(int(total_pages.group(1)), int(query["page"]) + MAX_PAGES)
        return [_with(parts, query, page=str(n)) for n in range(int(query["page"]) + 1, last + 1)]
    total_records = TOTALRECORD_RE.search(xml)
    start, end = query.get("startrecord", ""), query.get("endrecord", "")
    if start.isdigit() and end.isdigit() and total_records and int(end) < int(total_records.group(1)):
        size = int(end) - int(start) + 1
        return [_with(parts, query, startrecord=str(int(end) + 1), endrecord=str(int(end) + size))]
    return []


def _with(parts: SplitResult, query: dict[str, str], **changes: str) -> str:
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode({**query, **changes}), ""))


ADAPTER = HanwebAdapter()
