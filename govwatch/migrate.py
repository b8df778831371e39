"""Schema migrations: bring any govwatch database to the schema this code expects.

The migration scripts live in ``govwatch/migrations/versions/`` (Alembic, shipped inside the
package); no ``alembic.ini`` is needed, the configuration is built here. Every process calls
:func:`upgrade` at start (through ``Store.create_all``), so it must be safe to run from several
processes at once:

* PostgreSQL: a transaction-scoped ``pg_advisory_xact_lock`` serialises the upgrades, and the DDL
  commits with the version stamp or not at all;
* SQLite: ``BEGIN IMMEDIATE`` takes the database's write lock before looking at the version (the
  others wait for it through ``busy_timeout``), and SQLite's DDL is transactional too.

A database made by ``metadata.create_all`` before migrations existed (tables, no
``alembic_version``) is adopted: its tables are checked against revision 0001, stamped 0001, then
upgraded like any other.

Example::

    upgrade(engine)            # to head; a no-op when already there
    current(engine)            # "0002"
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import Script, ScriptDirectory
from alembic.util import CommandError
from sqlalchemy.engine import Connection, Engine

from govwatch.errors import GovwatchError

logger = logging.getLogger(__name__)


class _QuietProbe(logging.Filter):
    """Alembic announces its dialect on every version check, i.e. at every process start: drop that."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(("Context impl", "Will assume"))


logging.getLogger("alembic.runtime.migration").addFilter(_QuietProbe())


class MigrationError(GovwatchError):
    """The database cannot be brought to this code's schema (unknown revision, a foreign schema)."""


MIGRATIONS_DIR = Path(__file__).parent / "migrations"
"""The Alembic environment (env.py, script.py.mako, versions/), package data of govwatch."""

ADVISORY_LOCK_KEY = 0x676F7677_61746368 >> 1
"""A constant 63-bit key for ``pg_advisory_xact_lock`` ("govwatch"), the same in every process."""

ADOPTED_REVISION = "0001"
"""What a database made by the old ``metadata.create_all`` is: revision 0001's schema."""

REVISION_0001_TABLES: dict[str, frozenset[str]] = {
    "sites": frozenset({"id", "region", "name", "baseline_done", "last_crawl_at", "last_result", "last_error",
                        "last_new", "list_state"}),
    "articles": frozenset({"id", "site_id", "url", "region", "list_title", "list_published", "title", "published",
                           "source", "text", "content_hash", "facts", "status", "error", "silent", "discovered_at",
                           "processed_at"}),
    "facts": frozenset({"id", "article_id", "region", "kind", "name", "value", "unit", "period", "data", "seen_at",
                        "canonical", "series", "period_key", "published"}),
    "events": frozenset({"id", "type", "region", "article_id", "data", "created_at"}),
    "deliveries": frozenset({"id", "event_id", "subscriber_id", "channel", "target", "status", "attempts",
                             "last_error", "created_at", "updated_at", "sent_at", "next_attempt_at"}),
    "subscribers": frozenset({"id", "source", "spec", "paused", "disabled", "last_digest_at", "created_at"}),
}
"""Tables and columns of revision 0001, checked before adopting an unversioned database."""


def alembic_config(url: str | None = None, connection: Connection | None = None) -> Config:
    """An Alembic configuration pointing at the packaged scripts (and at ``url`` or ``connection``)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))  # configparser interpolation
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@lru_cache(maxsize=1)
def scripts() -> ScriptDirectory:
    """The packaged revisions (read once per process)."""
    return ScriptDirectory.from_config(alembic_config())


def head() -> str:
    """The newest revision this code knows."""
    rev = scripts().get_current_head()
    assert rev is not None, f"no revisions under {MIGRATIONS_DIR}"
    return rev


def history() -> list[Script]:
    """Every revision, newest first."""
    return list(scripts().walk_revisions())


def current(engine: Engine) -> str | None:
    """The database's revision: None for an empty (or never migrated) database."""
    with engine.connect() as c:
        return _current(c)


def _current(c: Connection) -> str | None:
    return MigrationContext.configure(c).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> str | None:
    """Migrate the database to ``revision`` (default: head); returns the revision it was at before.

    Safe to call from many processes at once: one migrates, the others wait and find nothing to do.
    """
    target = head() if revision == "head" else revision
    before = current(engine)
    if before == target:
        return before  # the common case at every start: no lock, no writes
    with _locked(engine) as c:
        before = _current(c)
        if before is None:
            before = _adopt(c)
        if before != target:
            logger.info("migrating the database from %s to %s", before or "empty", target)
            try:
                command.upgrade(alembic_config(connection=c), target)
            except CommandError as e:
                raise MigrationError(f"cannot migrate the database from {before} to {target}: {e}") from None
    return before


@contextlib.contextmanager
def _locked(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction that holds the database's migration lock until commit."""
    with engine.connect() as c:
        if c.dialect.name == "postgresql":
            c.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
        elif c.dialect.name == "sqlite":
            c.exec_driver_sql("BEGIN IMMEDIATE")  # the write lock: other writers wait (busy_timeout)
        try:
            yield c
        except BaseException:
            c.rollback()
            raise
        c.commit()


def _adopt(c: Connection) -> str | None:
    """Stamp a database made by the old ``metadata.create_all`` as 0001; leave an empty one alone."""
    inspector = sa.inspect(c)
    present = set(inspector.get_table_names()) & set(REVISION_0001_TABLES)
    if not present:
        return None
    missing = [table for table in REVISION_0001_TABLES if table not in present]
    for table in sorted(present):
        have = {col["name"] for col in inspector.get_columns(table)}
        missing += [f"{table}.{col}" for col in sorted(REVISION_0001_TABLES[table] - have)]
    if missing:
        raise MigrationError("the database has govwatch tables but not revision 0001's schema "
                             f"(missing: {', '.join(missing)}); repair or recreate it by hand")
    logger.info("adopting a database made before migrations: stamping it %s", ADOPTED_REVISION)
    command.stamp(alembic_config(connection=c), ADOPTED_REVISION)
    return ADOPTED_REVISION
