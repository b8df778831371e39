"""Indexes for the queries that otherwise scan a growing table.

* ``facts(region, series)``: ``Store.region_history``, run for every processed article; it
  replaces ``ix_facts_region``, its prefix.
* ``deliveries(status, updated_at)``: the reconciler's ``Outbox.due`` every minute, and
  ``govwatch deliveries --failed`` / status counts.
* ``articles(status)``: ``Store.stalled_articles`` (pending/retry), run by the reconciler.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_index("ix_facts_region_series", "facts", ["region", "series"])
    op.drop_index("ix_facts_region", table_name="facts")
    op.create_index("ix_deliveries_status_updated_at", "deliveries", ["status", "updated_at"])
    op.create_index("ix_articles_status", "articles", ["status"])


def downgrade() -> None:
    op.drop_index("ix_articles_status", table_name="articles")
    op.drop_index("ix_deliveries_status_updated_at", table_name="deliveries")
    op.create_index("ix_facts_region", "facts", ["region"])
    op.drop_index("ix_facts_region_series", table_name="facts")
