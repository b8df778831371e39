"""Records passed between the crawler's stages and onto the queue."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class FetchedPage:
    """One HTTP response, decoded.

    ``url`` is the final URL after redirects; ``text`` is the body decoded with ``encoding``.
    ``not_modified`` is True for a 304 answer to a conditional GET (``content`` is then empty).
    """

    url: str
    status: int
    content: bytes
    text: str
    encoding: str
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False


@dataclass(frozen=True)
class ArticleRef:
    """An article link found on a list page: canonical absolute URL, full title if known, list date."""

    url: str
    title: str | None = None
    published: str | None = None  # ISO date "2022-12-16" as printed next to the link
    list_url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ArticleRef:
        return cls(**{k: d.get(k) for k in ("url", "title", "published", "list_url")})


@dataclass(frozen=True)
class ListPage:
    """What discovery found on one list page: article links, and further list pages to walk."""

    refs: tuple[ArticleRef, ...]
    next_pages: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Article:
    """A parsed article page.

    ``published`` is ISO 8601: "2022-06-28T11:59:00+08:00" when a time is printed, "2022-06-28"
    when only a date is, None when the page has none we trust. ``text`` is the cleaned body,
    paragraphs separated by newlines.
    """

    url: str
    title: str
    text: str
    published: str | None = None
    source: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Article:
        return cls(**{k: d.get(k) for k in ("url", "title", "text", "published", "source")})
