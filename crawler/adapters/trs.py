"""TRS WCM (拓尔思) static list pages: ``index.html``, then ``index_1.html``, ``index_2.html``…

The page count is announced by paging script such as ``createPageHTML(7, 0, "index", "html")``
(count, current page from 0, file prefix, extension), sometimes with a leading div id
(``createPageHTML("page_div", 7, 0, "index", "shtml")``) or variables declared just before it
(``var countPage = 7; … createPageHTML(countPage, currentPage, "index", "html")``).
List items themselves are plain HTML and left to the generic link finder.

Example::

    >>> ADAPTER.next_pages('<script>createPageHTML(3, 0, "index", "html");</script>',
    ...                    "https://sfj.example.gov.cn/zwgk/tzgg/index.html")
    ['https://sfj.example.gov.cn/zwgk/tzgg/index_1.html', 'https://sfj.example.gov.cn/zwgk/tzgg/index_2.html']
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

CREATE_PAGE_RE = re.compile(r"createPageHTML\s*\(([^)]*)\)")
MAX_PAGES = 500
"""Never announce more list pages than this, whatever the script claims."""


class TrsAdapter:
    name = "trs"

    def fragments(self, html: str) -> list[str]:
        return []

    def next_pages(self, html: str, page_url: str) -> list[str]:
        for match in CREATE_PAGE_RE.finditer(html):
            paging = _paging(match.group(1), html)
            if paging:
                count, current, prefix, ext = paging
                last = min(count, current + 1 + MAX_PAGES)
                return [urljoin(page_url, f"{prefix}_{n}.{ext}") for n in range(current + 1, last)]
        return []


def _paging(arg_text: str, html: str) -> tuple[int, int, str, str] | None:
    """(count, current, prefix, ext) from createPageHTML's arguments, or None (e.g. its definition)."""
    args = [a.strip() for a in arg_text.split(",")]
    values = [_value(a, html) for a in args]
    for i in range(len(values) - 3):
        count, current, prefix, ext = values[i : i + 4]
        if isinstance(count, int) and isinstance(current, int) and _is_str(prefix) and _is_str(ext):
            return count, current, str(prefix), str(ext)
    return None


def _value(arg: str, html: str) -> int | str | None:
    if arg.isdigit():
        return int(arg)
    if len(arg) >= 2 and arg[0] == arg[-1] and arg[0] in "'\"":
        return arg[1:-1]
    if re.fullmatch(r"[A-Za-z_$][\w$]*", arg):
        declared = re.search(rf"\b{re.escape(arg)}\s*=\s*(\d+)", html)
        return int(declared.group(1)) if declared else None
    return None


def _is_str(value: int | str | None) -> bool:
    return isinstance(value, str) and bool(re.fullmatch(r"[\w-]+", value))


ADAPTER = TrsAdapter()
