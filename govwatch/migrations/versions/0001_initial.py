"""The initial schema: sites, articles, facts, events, deliveries, subscribers.

What ``metadata.create_all`` made before migrations existed; such databases are stamped 0001
(``govwatch.migrate``) instead of running this.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")  # SQLite autoincrements INTEGER only
Stamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "sites",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("region", sa.String(100), nullable=False),
        sa.Column("name", sa.String(200)),
        sa.Column("baseline_done", sa.Boolean, nullable=False),
        sa.Column("last_crawl_at", Stamp),
        sa.Column("last_result", sa.String(40)),
        sa.Column("last_error", sa.Text),
        sa.Column("last_new", sa.Integer),
        sa.Column("list_state", sa.JSON, nullable=False),
    )
    _articles()
    _facts()
    op.create_table(
        "events",
        sa.Column("id", sa.String(120), primary_key=True),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("region", sa.String(100)),
        sa.Column("article_id", BigId),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("created_at", Stamp, nullable=False),
    )
    op.create_index("ix_events_article_id", "events", ["article_id"])
    _deliveries()
    op.create_table(
        "subscribers",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("spec", sa.JSON, nullable=False),
        sa.Column("paused", sa.Boolean, nullable=False),
        sa.Column("disabled", sa.JSON, nullable=False),
        sa.Column("last_digest_at", Stamp),
        sa.Column("created_at", Stamp, nullable=False),
    )


def _articles() -> None:
    op.create_table(
        "articles",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("site_id", sa.String(200), nullable=False),
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
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("silent", sa.Boolean, nullable=False),
        sa.Column("discovered_at", Stamp, nullable=False),
        sa.Column("processed_at", Stamp),
    )
    op.create_index("ix_articles_site_id", "articles", ["site_id"])


def _facts() -> None:
    op.create_table(
        "facts",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("article_id", BigId, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("region", sa.String(100)),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("value", sa.Float),
        sa.Column("unit", sa.String(40)),
        sa.Column("period", sa.String(80)),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("seen_at", Stamp, nullable=False),
        sa.Column("canonical", sa.Text),
        sa.Column("series", sa.Text),
        sa.Column("period_key", sa.String(20)),
        sa.Column("published", sa.String(40)),
    )
    op.create_index("ix_facts_article_id", "facts", ["article_id"])
    op.create_index("ix_facts_region", "facts", ["region"])
    op.create_index("ix_facts_series", "facts", ["series"])


def _deliveries() -> None:
    op.create_table(
        "deliveries",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("event_id", sa.String(120), sa.ForeignKey("events.id"), nullable=False),
        sa.Column("subscriber_id", sa.String(200), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("target", sa.Text, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("created_at", Stamp, nullable=False),
        sa.Column("updated_at", Stamp, nullable=False),
        sa.Column("sent_at", Stamp),
        sa.Column("next_attempt_at", Stamp),
        sa.UniqueConstraint("event_id", "subscriber_id", "channel", name="uq_delivery"),
    )
    op.create_index("ix_deliveries_event_id", "deliveries", ["event_id"])


def downgrade() -> None:
    for table in ("subscribers", "deliveries", "events", "facts", "articles", "sites"):
        op.drop_table(table)  # their indexes go with them
