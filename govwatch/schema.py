"""The database schema: tables shared by SQLite (the embedded default) and PostgreSQL.

``sites`` (crawl state), ``articles`` (text, facts, content hash), ``facts`` (per region, with
the canonical indicator and period used for change detection), ``events`` and ``deliveries``
(the outbox), ``subscribers`` (from govwatch.yaml and from ``govwatch subscribers add``).

A change here needs a migration in ``govwatch/migrations/versions/`` (see the README there);
``tests/govwatch/test_migrate.py`` fails until the migrated schema matches this one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

metadata = sa.MetaData()

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")  # SQLite autoincrements INTEGER only

sites = sa.Table(
    "sites",
    metadata,
    sa.Column("id", sa.String(200), primary_key=True),
    sa.Column("region", sa.String(100), nullable=False),
    sa.Column("name", sa.String(200)),
    sa.Column("baseline_done", sa.Boolean, nullable=False, default=False),
    sa.Column("last_crawl_at", sa.DateTime(timezone=True)),
    sa.Column("last_result", sa.String(40)),
    sa.Column("last_error", sa.Text),
    sa.Column("last_new", sa.Integer, default=0),
    sa.Column("list_state", sa.JSON, nullable=False, default=dict),
)

articles = sa.Table(
    "articles",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("site_id", sa.String(200), nullable=False, index=True),
    sa.Column("url", sa.String(2000), nullable=False, unique=True),
    sa.Column("region", sa.String(100)),
    sa.Column("list_title", sa.Text),
    sa.Column("list_published", sa.String(40)),
    sa.Column("title", sa.Text),
    sa.Column("published", sa.String(40)),
    sa.Column("source", sa.Text),
    sa.Column("text", sa.Text),
    sa.Column("content_hash", sa.String(64)),
    sa.Column("facts", sa.JSON),
    sa.Column("status", sa.String(20), nullable=False, default="pending"),
    sa.Column("error", sa.Text),
    sa.Column("silent", sa.Boolean, nullable=False, default=False),
    sa.Column("discovered_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("processed_at", sa.DateTime(timezone=True)),
    sa.Index("ix_articles_status", "status"),  # stalled_articles: pending/retry
)

facts = sa.Table(
    "facts",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("article_id", BigId, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("region", sa.String(100)),
    sa.Column("kind", sa.String(20), nullable=False),  # metric | initiative
    sa.Column("name", sa.Text, nullable=False),  # indicator or initiative name
    sa.Column("value", sa.Float),
    sa.Column("unit", sa.String(40)),
    sa.Column("period", sa.String(80)),
    sa.Column("data", sa.JSON, nullable=False),
    sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("canonical", sa.Text),  # canonical indicator (or initiative) name
    sa.Column("series", sa.Text, index=True),  # canonical|kind|unit: the values that can be compared
    sa.Column("period_key", sa.String(20)),  # "2021-12", sortable; from period, else publication date
    sa.Column("published", sa.String(40)),
    sa.Index("ix_facts_region_series", "region", "series"),  # region_history
)

events = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.String(120), primary_key=True),
    sa.Column("type", sa.String(40), nullable=False),
    sa.Column("region", sa.String(100)),
    sa.Column("article_id", BigId, index=True),
    sa.Column("data", sa.JSON, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

deliveries = sa.Table(
    "deliveries",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),  # also the webhook-id: stable across retries
    sa.Column("event_id", sa.String(120), sa.ForeignKey("events.id"), nullable=False, index=True),
    sa.Column("subscriber_id", sa.String(200), nullable=False),
    sa.Column("channel", sa.String(20), nullable=False),
    sa.Column("target", sa.Text, nullable=False),
    # pending | sent | failed | held (waiting for the subscriber's digest) | digested
    sa.Column("status", sa.String(20), nullable=False, default="pending"),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("last_error", sa.Text),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("sent_at", sa.DateTime(timezone=True)),
    sa.Column("next_attempt_at", sa.DateTime(timezone=True)),
    sa.UniqueConstraint("event_id", "subscriber_id", "channel", name="uq_delivery"),
    sa.Index("ix_deliveries_status_updated_at", "status", "updated_at"),  # Outbox.due, counts
)


subscribers = sa.Table(
    "subscribers",
    metadata,
    sa.Column("id", sa.String(200), primary_key=True),
    sa.Column("source", sa.String(20), nullable=False, default="cli"),  # config | cli
    sa.Column("spec", sa.JSON, nullable=False),  # channels and filters, as in govwatch.yaml
    sa.Column("paused", sa.Boolean, nullable=False, default=False),
    sa.Column("disabled", sa.JSON, nullable=False, default=dict),  # channel -> reason (410 Gone…)
    sa.Column("last_digest_at", sa.DateTime(timezone=True)),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)


def insert_ignore(c: Connection, table: sa.Table, rows: list[dict[str, Any]], keys: list[str]) -> int:
    """INSERT … ON CONFLICT DO NOTHING on SQLite and PostgreSQL; returns the number of rows inserted."""
    if c.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(table).on_conflict_do_nothing(index_elements=keys).returning(table.c[keys[0]])
    # RETURNING tells which rows went in; rowcount is not reliable across drivers
    return sum(len(c.execute(stmt, row).all()) for row in rows)


def now() -> datetime:
    """The time every row is stamped with: UTC."""
    return datetime.now(UTC)


def aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything we store is UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)
