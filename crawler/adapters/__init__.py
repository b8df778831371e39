"""CMS-specific knowledge for list pages, one file per CMS, registered in ``LIST_ADAPTERS``.

An adapter finds what the generic link finder cannot see: list items hidden in scripts, XML or
JSON (``fragments``), and further list pages announced by CMS paging code (``next_pages``).
``crawler.discover`` runs every registered adapter on every page; one that finds nothing
returns empty lists.

Example::

    >>> from crawler.adapters import LIST_ADAPTERS
    >>> [adapter.name for adapter in LIST_ADAPTERS]
    ['hanweb', 'trs']
"""

from __future__ import annotations

from typing import Protocol

from crawler.adapters import hanweb, trs


class ListAdapter(Protocol):
    name: str

    def fragments(self, html: str) -> list[str]:
        """HTML snippets holding list items the page embeds outside its DOM (CDATA, JSON)."""
        ...

    def next_pages(self, html: str, page_url: str) -> list[str]:
        """Absolute URLs of the following list pages, in order."""
        ...


LIST_ADAPTERS: tuple[ListAdapter, ...] = (hanweb.ADAPTER, trs.ADAPTER)
