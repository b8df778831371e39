"""Durable records in SQLite (the embedded default) or PostgreSQL, through SQLAlchemy Core.

Tables: ``sites`` (crawl state), ``articles`` (text, facts, content hash), ``facts`` (per region,
for change detection), ``events`` and ``deliveries`` (the outbox: written in the same transaction
as the facts that caused them, delivered by jobs enqueued from it). Unique keys make every write
idempotent, so a re-run job changes nothing.

Example::

    store = Store.connect("sqlite:///data/govwatch.sqlite3")
    store.create_all()
    new_ids = store.add_articles("zaozhuang-sfj", "枣庄市", refs, silent=False)
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from govwatch.schema import articles, aware, deliveries, events, facts, insert_ignore, metadata, now, sites  # noqa: F401 (metadata: for tests)

logger = logging.getLogger(__name__)


def delivery_id(event_id: str, subscriber_id: str, channel: str) -> str:
    """A stable id for one event to one subscriber on one channel (becomes ``webhook-id``)."""
    digest = hashlib.sha256(f"{event_id}\x1f{subscriber_id}\x1f{channel}".encode()).hexdigest()
    return "msg_" + digest[:28]


@dataclass(frozen=True)
class NewDelivery:
    subscriber_id: str
    channel: str
    target: str
    status: str = "pending"  # or "held" until the subscriber's digest


@dataclass(frozen=True)
class NewEvent:
    id: str
    type: str
    region: str | None
    data: dict[str, Any]
    deliveries: tuple[NewDelivery, ...] = ()


class Store:
    """All database access. One instance per process; safe to share between threads."""

    def __init__(self, engine: Engine) -> None:
        from govwatch.outbox import Outbox
        from govwatch.subscribers import SubscriberStore

        self.engine = engine
        self.outbox = Outbox(engine)
        self.subscribers = SubscriberStore(engine)

    @classmethod
    def connect(cls, url: str) -> Store:
        if url.startswith("sqlite"):
            _check_sqlite()
            engine = sa.create_engine(url, connect_args={"timeout": 30})
            sa.event.listen(engine, "connect", _sqlite_pragmas)
        else:
            engine = sa.create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)
        return cls(engine)

    def create_all(self) -> None:
        """Migrate the database to the schema this code expects (creating it if empty).

        Safe when several processes start at once; adopts a database made before migrations.
        """
        from govwatch.migrate import upgrade

        if self.engine.url.get_backend_name() == "sqlite" and self.engine.url.database:
            from pathlib import Path

            Path(self.engine.url.database).parent.mkdir(parents=True, exist_ok=True)
        upgrade(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    # ---- sites -------------------------------------------------------------------------------

    def sync_sites(self, configured: Iterable[tuple[str, str, str | None]]) -> None:
        """Make sure each configured (id, region, name) has a row; keep its crawl state."""
        with self.engine.begin() as c:
            for sid, region, name in configured:
                row = c.execute(sa.select(sites.c.id).where(sites.c.id == sid)).first()
                if row is None:
                    insert_ignore(
                        c, sites, [dict(id=sid, region=region, name=name, list_state={}, baseline_done=False)], ["id"]
                    )
                else:
                    c.execute(sites.update().where(sites.c.id == sid).values(region=region, name=name))

    def site_state(self, site_id: str) -> dict[str, Any]:
        with self.engine.connect() as c:
            row = c.execute(sa.select(sites).where(sites.c.id == site_id)).mappings().first()
        if row is None:
            return {"id": site_id, "baseline_done": False, "list_state": {}}
        return dict(row)

    def record_crawl(
        self, site_id: str, *, result: str, error: str | None, new: int, list_state: dict[str, Any], baseline_done: bool
    ) -> None:
        with self.engine.begin() as c:
            c.execute(
                sites.update()
                .where(sites.c.id == site_id)
                .values(
                    last_crawl_at=now(),
                    last_result=result,
                    last_error=error,
                    last_new=new,
                    list_state=list_state,
                    baseline_done=baseline_done,
                )
            )

    def site_summaries(self) -> list[dict[str, Any]]:
        count = sa.select(articles.c.site_id, sa.func.count().label("articles")).group_by(articles.c.site_id).subquery()
        q = (
            sa.select(sites, sa.func.coalesce(count.c.articles, 0).label("articles"))
            .select_from(sites.outerjoin(count, count.c.site_id == sites.c.id))
            .order_by(sites.c.id)
        )
        with self.engine.connect() as c:
            return [dict(r) for r in c.execute(q).mappings()]

    # ---- articles ----------------------------------------------------------------------------

    def known_urls(self, urls: Sequence[str]) -> set[str]:
        if not urls:
            return set()
        with self.engine.connect() as c:
            return set(c.execute(sa.select(articles.c.url).where(articles.c.url.in_(list(urls)))).scalars())

    def add_articles(self, site_id: str, region: str, refs: Sequence[Any], *, silent: bool) -> list[int]:
        """Insert newly discovered article refs; return the ids of rows this call created."""
        created: list[int] = []
        with self.engine.begin() as c:
            for ref in refs:
                exists = c.execute(sa.select(articles.c.id).where(articles.c.url == ref.url)).first()
                if exists:
                    continue
                res = c.execute(
                    articles.insert().values(
                        site_id=site_id,
                        url=ref.url,
                        region=region,
                        list_title=ref.title,
                        list_published=ref.published,
                        status="pending",
                        silent=silent,
                        discovered_at=now(),
                    )
                )
                created.append(int(res.inserted_primary_key[0]))
        return created

    def article(self, article_id: int) -> dict[str, Any] | None:
        with self.engine.connect() as c:
            row = c.execute(sa.select(articles).where(articles.c.id == article_id)).mappings().first()
        return dict(row) if row else None

    def article_by_url(self, url: str) -> dict[str, Any] | None:
        with self.engine.connect() as c:
            row = c.execute(sa.select(articles).where(articles.c.url == url)).mappings().first()
        return dict(row) if row else None

    def add_article(self, site_id: str, region: str, url: str) -> int:
        """Return the id of the article at ``url``, creating a row if needed.

        A row created here (an operator's recrawl of a page govwatch never found on a list) is
        stored silently, like the back catalogue: its facts join the history, no release alert.
        """
        row = self.article_by_url(url)
        if row:
            return int(row["id"])
        from types import SimpleNamespace

        self.add_articles(site_id, region, [SimpleNamespace(url=url, title=None, published=None)], silent=True)
        row = self.article_by_url(url)
        assert row is not None
        return int(row["id"])

    def mark_article_error(self, article_id: int, error: str, *, retry: bool = False) -> None:
        """Record why an article could not be read; ``retry`` (a transient failure) keeps it due."""
        with self.engine.begin() as c:
            c.execute(
                articles.update()
                .where(articles.c.id == article_id)
                .values(status="retry" if retry else "error", error=error, processed_at=now())
            )

    def stalled_articles(self, grace: float) -> list[int]:
        """Articles never stored whose job should have run by now (lost enqueue, killed worker, site down)."""
        cutoff = now() - timedelta(seconds=grace)
        q = sa.select(articles.c.id).where(
            articles.c.status.in_(["pending", "retry"]),
            sa.func.coalesce(articles.c.processed_at, articles.c.discovered_at) <= cutoff,
        )
        with self.engine.connect() as c:
            return list(c.execute(q.order_by(articles.c.id)).scalars())

    def save_processed(
        self,
        article_id: int,
        *,
        fields: dict[str, Any],
        fact_rows: Sequence[dict[str, Any]],
        new_events: Sequence[NewEvent],
    ) -> list[str]:
        """Store a parsed article, its facts and the events it caused in one transaction.

        Returns the ids of deliveries to send now that this call created (existing ones are left alone).
        """
        stamp = now()
        created: list[str] = []
        with self.engine.begin() as c:
            c.execute(
                articles.update()
                .where(articles.c.id == article_id)
                .values(status="ok", error=None, processed_at=stamp, **fields)
            )
            c.execute(facts.delete().where(facts.c.article_id == article_id))
            if fact_rows:
                c.execute(facts.insert(), [dict(r, article_id=article_id, seen_at=stamp) for r in fact_rows])
            for ev in new_events:
                created += _write_event(c, ev, article_id, stamp)
        return created

    def region_history(
        self, region: str, series: Sequence[str], initiative_keys: Sequence[str], *, before_article: int
    ) -> tuple[dict[str, dict], set[str]]:
        """The latest fact per series, and the initiatives already seen, for a region (other articles)."""
        latest: dict[str, dict] = {}
        q = (
            sa.select(facts, articles.c.url.label("article_url"))
            .select_from(facts.join(articles, articles.c.id == facts.c.article_id))
            .where(
                facts.c.region == region,
                facts.c.article_id != before_article,
                sa.or_(facts.c.series.in_(list(series)), facts.c.canonical.in_(list(initiative_keys))),
            )
        )
        seen: set[str] = set()
        with self.engine.connect() as c:
            for r in c.execute(q).mappings():
                if r["kind"] == "initiative":
                    seen.add(r["canonical"])
                    continue
                cur = latest.get(r["series"])
                if cur is None or _newer(r, cur):
                    latest[r["series"]] = dict(r)
        return latest, seen

    def recent_articles(self, limit: int = 20) -> list[dict[str, Any]]:
        q = sa.select(articles).order_by(articles.c.id.desc()).limit(limit)
        with self.engine.connect() as c:
            return [dict(r) for r in c.execute(q).mappings()]


def _newer(a: Any, b: Any) -> bool:
    """Whether fact row ``a`` reports a later value than ``b``: later period, else seen later."""
    ka, kb = a["period_key"] or "", b["period_key"] or ""
    return (ka, aware(a["seen_at"]), a["id"]) > (kb, aware(b["seen_at"]), b["id"])


def _write_event(c: Connection, ev: NewEvent, article_id: int, stamp: datetime) -> list[str]:
    inserted = insert_ignore(
        c,
        events,
        [dict(id=ev.id, type=ev.type, region=ev.region, article_id=article_id, data=ev.data, created_at=stamp)],
        ["id"],
    )
    if not inserted:
        return []  # this event was already written by an earlier run of the same job
    rows = [
        dict(
            id=delivery_id(ev.id, d.subscriber_id, d.channel),
            status=d.status,
            event_id=ev.id,
            subscriber_id=d.subscriber_id,
            channel=d.channel,
            target=d.target,
            attempts=0,
            created_at=stamp,
            updated_at=stamp,
        )
        for d in ev.deliveries
    ]
    if rows:
        insert_ignore(c, deliveries, rows, ["id"])
    return [r["id"] for r in rows if r["status"] == "pending"]  # held ones wait for the digest


def _check_sqlite() -> None:
    import sqlite3

    if sqlite3.sqlite_version_info < (3, 35):
        from govwatch.errors import ConfigError

        raise ConfigError(f"SQLite {sqlite3.sqlite_version} is too old (govwatch needs 3.35 or newer); "
                          "use a newer Python build or set GOVWATCH_DATABASE_URL to PostgreSQL")


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # WAL lets readers and one writer work at once; busy_timeout waits instead of "database is locked"
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()
