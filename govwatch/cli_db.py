"""``govwatch db upgrade|current|history``: the database schema's revision, and migrating it.

Every command migrates at start anyway (``Store.create_all``); ``db upgrade`` is for doing it
on purpose, before starting the new version on several machines.
"""

from __future__ import annotations

import click

from govwatch.cli import Ctx, cli
from govwatch.errors import GovwatchError
from govwatch.storage import Store


@cli.group()
def db() -> None:
    """The database schema: upgrade it, show its revision, list the migrations."""


@db.command("upgrade")
@click.pass_obj
def db_upgrade(obj: Ctx) -> None:
    """Migrate the database to the newest schema (creates it if empty; safe while others run)."""
    from govwatch.migrate import current, head

    store = Store.connect(obj.settings().database_url)
    try:
        before = current(store.engine)
        store.create_all()
    except GovwatchError as e:
        raise click.ClickException(str(e)) from None
    finally:
        store.close()
    if before == head():
        click.echo(f"already at {head()} (head)")
    else:
        click.echo(f"migrated {before or 'an empty database'} → {head()} (head)")


@db.command("current")
@click.pass_obj
def db_current(obj: Ctx) -> None:
    """Show the database's schema revision (exit 1 if it is behind this version of govwatch)."""
    from pathlib import Path

    from govwatch.migrate import current, head

    url = obj.settings().database_url
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        raise click.ClickException(f"no database at {url.removeprefix('sqlite:///')} (wrong --data-dir?)")
    store = Store.connect(url)
    try:
        rev = current(store.engine)
    finally:
        store.close()
    if rev == head():
        click.echo(f"{rev} (head)")
        return
    click.echo(f"{rev or 'none (empty or made before migrations)'}; head is {head()}: run `govwatch db upgrade`")
    raise SystemExit(1)


@db.command("history")
def db_history() -> None:
    """List the schema migrations, newest first."""
    from govwatch.migrate import head, history

    for script in history():
        mark = " (head)" if script.revision == head() else ""
        click.echo(f"{script.revision}{mark}  {(script.doc or '').strip().splitlines()[0]}")
