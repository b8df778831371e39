"""The outbox: delivery rows written with the facts that caused them, and their progress.

A delivery is ``pending`` (to send; ``next_attempt_at`` says when), ``sent``, ``failed`` (with its
last error; ``govwatch deliveries replay ID`` sends it again), ``held`` (waiting for the
subscriber's digest) or ``digested`` (gathered into a digest delivery).

Example::

    outbox = Outbox(engine)
    row = outbox.get("msg_…")            # with the event's type, region and data
    outbox.retry_later("msg_…", "HTTP 503", at=now() + timedelta(minutes=2))
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from govwatch.schema import aware, deliveries, events, insert_ignore, now


class Outbox:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _select(self) -> sa.Select:
        return sa.select(
            deliveries,
            events.c.type.label("event_type"),
            events.c.data.label("event_data"),
            events.c.region.label("event_region"),
            events.c.created_at.label("event_created_at"),
        ).select_from(deliveries.join(events, events.c.id == deliveries.c.event_id))

    def get(self, did: str) -> dict[str, Any] | None:
        with self.engine.connect() as c:
            row = c.execute(self._select().where(deliveries.c.id == did)).mappings().first()
        return dict(row) if row else None

    def _update(self, did: str, **values: Any) -> None:
        with self.engine.begin() as c:
            c.execute(deliveries.update().where(deliveries.c.id == did).values(updated_at=now(), **values))

    def mark_sent(self, did: str) -> None:
        self._update(
            did, status="sent", last_error=None, sent_at=now(), next_attempt_at=None, attempts=deliveries.c.attempts + 1
        )

    def mark_failed(self, did: str, error: str, *, attempted: bool = True) -> None:
        extra = {"attempts": deliveries.c.attempts + 1} if attempted else {}
        self._update(did, status="failed", last_error=error, next_attempt_at=None, **extra)

    def retry_later(self, did: str, error: str, *, at: datetime) -> None:
        self._update(did, status="pending", last_error=error, next_attempt_at=at, attempts=deliveries.c.attempts + 1)

    def replay(self, did: str) -> bool:
        """Make a sent or failed delivery pending again (attempts start over); False for any other."""
        with self.engine.begin() as c:
            res = c.execute(
                deliveries.update()
                .where(deliveries.c.id == did, deliveries.c.status.in_(["sent", "failed"]))
                .values(status="pending", attempts=0, next_attempt_at=None, last_error=None, updated_at=now())
            )
        return bool(res.rowcount)

    def due(self, grace: float) -> list[dict[str, Any]]:
        """Pending deliveries whose next attempt is more than ``grace`` seconds overdue (or never set)."""
        cutoff = now() - timedelta(seconds=grace)
        q = (
            sa.select(deliveries.c.id, deliveries.c.attempts)
            .where(
                deliveries.c.status == "pending",
                deliveries.c.updated_at <= cutoff,
                sa.or_(deliveries.c.next_attempt_at.is_(None), deliveries.c.next_attempt_at <= cutoff),
            )
            .order_by(deliveries.c.created_at)
        )
        with self.engine.connect() as c:
            return [dict(r) for r in c.execute(q).mappings()]

    def counts(self) -> dict[str, int]:
        q = sa.select(deliveries.c.status, sa.func.count()).group_by(deliveries.c.status)
        with self.engine.connect() as c:
            return {s: int(n) for s, n in c.execute(q)}

    def listing(self, status: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
        q = self._select().order_by(deliveries.c.created_at.desc()).limit(limit)
        if status:
            q = q.where(deliveries.c.status == status)
        with self.engine.connect() as c:
            return [dict(r) for r in c.execute(q).mappings()]

    def held(self, subscriber_id: str, until: datetime | None = None) -> list[dict[str, Any]]:
        """Deliveries waiting for a subscriber's digest, of events up to ``until``."""
        q = (
            self._select()
            .where(deliveries.c.subscriber_id == subscriber_id, deliveries.c.status == "held")
            .order_by(events.c.created_at)
        )
        if until is not None:
            q = q.where(events.c.created_at <= until)
        with self.engine.connect() as c:
            return [dict(r) for r in c.execute(q).mappings()]


def _digest_items(held: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each held event once (a subscriber with two channels holds one delivery per channel)."""
    items: dict[str, dict[str, Any]] = {}
    for row in held:
        items.setdefault(row["event_id"], {
            "id": row["event_id"], "type": row["event_type"], "region": row["event_region"],
            "created_at": aware(row["event_created_at"]).isoformat(), "data": row["event_data"]})
    return list(items.values())


def make_digest(engine: Engine, subscriber_id: str, channels: list[tuple[str, str]], *, since: datetime | None,
                until: datetime) -> list[str]:
    """Gather a subscriber's held deliveries into one digest delivery per channel (one transaction).

    Returns the new delivery ids; none when nothing was held.
    """
    from govwatch.storage import delivery_id

    held = Outbox(engine).held(subscriber_id, until)
    if not held:
        return []
    stamp = now()
    eid = f"digest:{subscriber_id}:{until.strftime('%Y%m%dT%H%M')}"
    data = {"since": since.isoformat() if since else None, "until": until.isoformat(), "events": _digest_items(held)}
    created = []
    with engine.begin() as c:
        event = dict(id=eid, type="digest", region=None, article_id=None, data=data, created_at=stamp)
        if insert_ignore(c, events, [event], ["id"]):
            for channel, target in channels:
                did = delivery_id(eid, subscriber_id, channel)
                row = dict(id=did, event_id=eid, subscriber_id=subscriber_id, channel=channel, target=target,
                           status="pending", attempts=0, created_at=stamp, updated_at=stamp)
                insert_ignore(c, deliveries, [row], ["id"])
                created.append(did)
        c.execute(deliveries.update().where(deliveries.c.id.in_([r["id"] for r in held]))
                  .values(status="digested", updated_at=stamp))
    return created
