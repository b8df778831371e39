"""Read-only queries for the operator commands: article listings, one article, and export rows.

They take an :class:`~sqlalchemy.engine.Engine` (``Store(...).engine``) and never write. The export
queries are generators that stream their result (server-side cursor on PostgreSQL), so an export
of a million facts holds one batch in memory, not the whole table.

Example::

    rows = list_articles(store.engine, ArticleFilter(region="枣庄市", status="error"), limit=20)
    for row in export_rows(store.engine, "facts", ExportFilter(since="2026-01-01")):
        ...
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from govwatch.schema import articles, facts

STREAM_BATCH = 1000
"""Rows fetched from the database at a time while exporting."""

ARTICLE_COLUMNS = ("url", "site", "region", "title", "published", "source", "text_length", "status")
"""Columns of ``govwatch export --what articles``, in order."""

FACT_COLUMNS = ("region", "kind", "name", "value", "unit", "period", "canonical", "article_url", "published",
                "evidence")
"""Columns of ``govwatch export --what facts``, in order; ``evidence`` is the sentence the fact came from."""


@dataclass(frozen=True)
class ArticleFilter:
    site: str | None = None
    region: str | None = None
    status: str | None = None  # ok | error | pending | retry


@dataclass(frozen=True)
class ExportFilter:
    region: str | None = None
    since: str | None = None  # YYYY-MM-DD: published on or after


def _title() -> sa.ColumnElement[Any]:
    return sa.func.coalesce(articles.c.title, articles.c.list_title)


def _published() -> sa.ColumnElement[Any]:
    return sa.func.coalesce(articles.c.published, articles.c.list_published)


def list_articles(engine: Engine, where: ArticleFilter, *, limit: int) -> list[dict[str, Any]]:
    """The newest articles matching ``where``, with their number of facts."""
    counts = sa.select(facts.c.article_id, sa.func.count().label("n")).group_by(facts.c.article_id).subquery()
    q = (
        sa.select(articles.c.id, articles.c.site_id, articles.c.region, _published().label("published"),
                  _title().label("title"), articles.c.status, articles.c.error,
                  sa.func.coalesce(counts.c.n, 0).label("facts"))
        .select_from(articles.outerjoin(counts, counts.c.article_id == articles.c.id))
        .order_by(articles.c.id.desc())
        .limit(limit)
    )
    for column, value in ((articles.c.site_id, where.site), (articles.c.region, where.region),
                          (articles.c.status, where.status)):
        if value:
            q = q.where(column == value)
    with engine.connect() as c:
        return [dict(r) for r in c.execute(q).mappings()]


def find_article(engine: Engine, key: str) -> dict[str, Any] | None:
    """One article by id (digits) or URL, as given or canonicalized."""
    from crawler.urls import canonicalize

    if key.isdigit():
        cond = articles.c.id == int(key)
    else:
        cond = articles.c.url.in_({key, canonicalize(key)})
    with engine.connect() as c:
        row = c.execute(sa.select(articles).where(cond)).mappings().first()
    return dict(row) if row else None


def export_rows(engine: Engine, what: str, where: ExportFilter) -> Iterator[dict[str, Any]]:
    """Stream ``articles`` or ``facts`` rows, oldest article first, as dicts keyed by the export columns."""
    if what == "articles":
        q, shape = _articles_query(where), _article_row
    elif what == "facts":
        q, shape = _facts_query(where), _fact_row
    else:
        raise ValueError(f"cannot export {what!r}")
    with engine.connect() as c:
        result = c.execution_options(stream_results=True, yield_per=STREAM_BATCH).execute(q)
        for row in result.mappings():
            yield shape(row)


def _filtered(q: sa.Select[Any], where: ExportFilter, region: sa.ColumnElement[Any]) -> sa.Select[Any]:
    if where.region:
        q = q.where(region == where.region)
    if where.since:
        # ISO dates and datetimes sort as text: "2026-11-20T16:20:00+08:00" >= "2026-11-20"
        q = q.where(_published() >= where.since)
    return q


def _articles_query(where: ExportFilter) -> sa.Select[Any]:
    q = sa.select(articles.c.id, articles.c.url, articles.c.site_id, articles.c.region, _title().label("title"),
                  _published().label("published"), articles.c.source,
                  sa.func.length(articles.c.text).label("text_length"), articles.c.status)
    return _filtered(q, where, articles.c.region).order_by(articles.c.id)


def _facts_query(where: ExportFilter) -> sa.Select[Any]:
    q = (
        sa.select(facts.c.id, facts.c.region, facts.c.kind, facts.c.name, facts.c.value, facts.c.unit,
                  facts.c.period, facts.c.canonical, facts.c.data, articles.c.url.label("article_url"),
                  _published().label("published"))
        .select_from(facts.join(articles, articles.c.id == facts.c.article_id))
    )
    return _filtered(q, where, facts.c.region).order_by(facts.c.article_id, facts.c.id)


def _article_row(r: Any) -> dict[str, Any]:
    return {"url": r["url"], "site": r["site_id"], "region": r["region"], "title": r["title"],
            "published": r["published"], "source": r["source"], "text_length": r["text_length"] or 0,
            "status": r["status"]}


def _fact_row(r: Any) -> dict[str, Any]:
    data = r["data"] if isinstance(r["data"], dict) else {}
    row = {k: r[k] for k in FACT_COLUMNS if k != "evidence"}
    row["evidence"] = data.get("text")
    return row
