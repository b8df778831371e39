"""Alembic environment for govwatch, run by ``govwatch.migrate`` (no alembic.ini).

``govwatch.migrate`` hands over a connection that is already in a transaction and holds the
migration lock (``config.attributes["connection"]``); Alembic then runs inside that transaction
and the caller commits. Without one (a developer calling ``alembic.command.revision`` with
``autogenerate=True``, see README.md here) it connects to ``sqlalchemy.url`` itself.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from govwatch.schema import metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite has almost no ALTER TABLE: later revisions alter through batch mode (copy and swap)
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def main() -> None:
    if context.is_offline_mode():
        raise SystemExit("govwatch migrations run against a database; offline (--sql) mode is not supported")
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from govwatch.storage import Store

    store = Store.connect(context.config.get_main_option("sqlalchemy.url") or "")
    try:
        with store.engine.connect() as connection:
            _run(connection)
            connection.commit()
    finally:
        store.close()


main()
