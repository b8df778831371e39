"""Read-only queries behind ``GET /articles`` and ``GET /facts`` (SQLAlchemy Core, SQLite and PostgreSQL).

Example::

    rows = list_articles(store.engine, site="zaozhuang-sfj", region=None, limit=20)
    facts = list_facts(store.engine, region="枣庄市", indicator="出庭应诉率", kind=None, limit=50)
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from govwatch.api_common import plain
from govwatch.schema import articles, facts

_ARTICLE_SUMMARY = (
    articles.c.id, articles.c.site_id, articles.c.url, articles.c.region,
    sa.func.coalesce(articles.c.title, articles.c.list_title).label("title"),
    sa.func.coalesce(articles.c.published, articles.c.list_published).label("published"),
    articles.c.source, articles.c.status, articles.c.error, articles.c.discovered_at, articles.c.processed_at,
)  # fmt: skip
"""Columns of an article in a listing: everything but its text and facts."""

_FACT_COLUMNS = (
    facts.c.id, facts.c.article_id, facts.c.region, facts.c.kind, facts.c.name, facts.c.canonical, facts.c.value,
    facts.c.unit, facts.c.period, facts.c.published, facts.c.data, facts.c.seen_at,
)  # fmt: skip


def list_articles(
    engine: Engine, *, site: str | None, region: str | None, limit: int, offset: int = 0
) -> list[dict[str, Any]]:
    """Articles newest first (by id), optionally of one site and/or one region."""
    q = sa.select(*_ARTICLE_SUMMARY).order_by(articles.c.id.desc()).limit(limit).offset(offset)
    if site:
        q = q.where(articles.c.site_id == site)
    if region:
        q = q.where(articles.c.region == region)
    with engine.connect() as c:
        return [plain(r) for r in c.execute(q).mappings()]


def article_with_facts(engine: Engine, article_id: int) -> dict[str, Any] | None:
    """One article with its text and the fact rows extracted from it; None if there is none."""
    with engine.connect() as c:
        row = c.execute(sa.select(articles).where(articles.c.id == article_id)).mappings().first()
        if row is None:
            return None
        q = sa.select(*_FACT_COLUMNS).where(facts.c.article_id == article_id).order_by(facts.c.id)
        rows = [plain(r) for r in c.execute(q).mappings()]
    out = plain(row)
    out["extracted"] = out.pop("facts")  # the extraction result as stored; "facts" below are the fact rows
    out["facts"] = rows
    return out


def list_facts(
    engine: Engine, *, region: str | None, indicator: str | None, kind: str | None, limit: int, offset: int = 0
) -> list[dict[str, Any]]:
    """Facts newest first, with their article's URL and title; ``indicator`` matches the name or canonical name."""
    q = (
        sa.select(*_FACT_COLUMNS, articles.c.url.label("article_url"),
                  sa.func.coalesce(articles.c.title, articles.c.list_title).label("article_title"))
        .select_from(facts.join(articles, articles.c.id == facts.c.article_id))
        .order_by(facts.c.id.desc())
        .limit(limit)
        .offset(offset)
    )  # fmt: skip
    if region:
        q = q.where(facts.c.region == region)
    if indicator:
        q = q.where(sa.or_(facts.c.name == indicator, facts.c.canonical == indicator))
    if kind:
        q = q.where(facts.c.kind == kind)
    with engine.connect() as c:
        return [plain(r) for r in c.execute(q).mappings()]
