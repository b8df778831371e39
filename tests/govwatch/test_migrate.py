"""Schema migrations on SQLite and PostgreSQL: from empty, from the previous revision with data,
adopting a database made before migrations, and several processes upgrading at once."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from govwatch import migrate
from govwatch.schema import metadata
from govwatch.storage import NewDelivery, NewEvent, Store

INDEXES_0002 = {"ix_facts_region_series", "ix_deliveries_status_updated_at", "ix_articles_status"}


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    s = Store.connect(database_url)
    yield s
    s.close()


def schema_diffs(store: Store) -> list:
    """What Alembic finds different between the database and govwatch.schema.metadata."""
    with store.engine.connect() as c:
        return compare_metadata(MigrationContext.configure(c, opts={"compare_type": True}), metadata)


def columns(store: Store) -> dict[str, set[str]]:
    inspector = sa.inspect(store.engine)
    return {t: {c["name"] for c in inspector.get_columns(t)} for t in inspector.get_table_names()}


def indexes(store: Store, table: str) -> set[str]:
    return {ix["name"] for ix in sa.inspect(store.engine).get_indexes(table)}


def fill(store: Store) -> int:
    """One site, article, fact, event and delivery, written by the store as the workers write them."""
    store.sync_sites([("zz", "枣庄市", "枣庄市司法局")])
    [aid] = store.add_articles("zz", "枣庄市", [SimpleNamespace(url="http://zz.example/a.html", title="t",
                                                               published="2026-11-20")], silent=False)
    fact = dict(region="枣庄市", kind="metric", name="出庭应诉率", value=100.0, unit="%", period="2025年",
                data={"indicator": "出庭应诉率"}, canonical="出庭应诉率", series="出庭应诉率|rate|%", period_key="2025")
    event = NewEvent(id="ev1", type="release.new", region="枣庄市", data={"n": 1},
                     deliveries=(NewDelivery("analyst", "email", "a@example.org"),))
    store.save_processed(aid, fields={"title": "标题", "text": "正文"}, fact_rows=[fact], new_events=[event])
    return aid


def test_empty_database_migrates_to_exactly_the_schema(store: Store) -> None:
    assert migrate.current(store.engine) is None
    store.create_all()
    assert migrate.current(store.engine) == migrate.head()
    assert {t: c for t, c in columns(store).items() if t != "alembic_version"} == {
        t.name: set(t.columns.keys()) for t in metadata.sorted_tables
    }
    assert schema_diffs(store) == []  # a schema.py change without a migration fails here


def test_revision_0001_is_what_adoption_checks_for(store: Store) -> None:
    migrate.upgrade(store.engine, "0001")
    assert migrate.current(store.engine) == "0001"
    got = {t: c for t, c in columns(store).items() if t != "alembic_version"}
    assert got == {t: set(c) for t, c in migrate.REVISION_0001_TABLES.items()}
    assert "ix_facts_region" in indexes(store, "facts") and not INDEXES_0002 & indexes(store, "facts")


def test_upgrade_from_0001_keeps_the_data_and_adds_the_indexes(store: Store) -> None:
    migrate.upgrade(store.engine, "0001")
    aid = fill(store)
    assert migrate.upgrade(store.engine) == "0001"
    assert migrate.current(store.engine) == migrate.head()
    assert schema_diffs(store) == []
    assert {"ix_facts_region_series"} <= indexes(store, "facts")
    assert {"ix_deliveries_status_updated_at"} <= indexes(store, "deliveries")
    row = store.article(aid)
    assert row and row["title"] == "标题" and row["status"] == "ok"
    latest, _ = store.region_history("枣庄市", ["出庭应诉率|rate|%"], [], before_article=-1)
    assert latest["出庭应诉率|rate|%"]["value"] == 100.0
    assert store.outbox.counts() == {"pending": 1}


def test_downgrade_to_0001_and_up_again(store: Store) -> None:
    store.create_all()
    fill(store)
    from alembic import command

    with store.engine.begin() as c:
        command.downgrade(migrate.alembic_config(connection=c), "0001")
    assert migrate.current(store.engine) == "0001"
    assert "ix_facts_region" in indexes(store, "facts") and "ix_articles_status" not in indexes(store, "articles")
    store.create_all()
    assert schema_diffs(store) == [] and store.outbox.counts() == {"pending": 1}


def old_create_all(store: Store) -> None:
    """What ``Store.create_all`` did before migrations: ``metadata.create_all`` of that day's schema."""
    old = sa.MetaData()
    for table in metadata.sorted_tables:
        table.to_metadata(old)
    for table in old.tables.values():
        for ix in [ix for ix in table.indexes if ix.name in INDEXES_0002]:
            table.indexes.discard(ix)
    sa.Index("ix_facts_region", old.tables["facts"].c.region)
    old.create_all(store.engine)


def test_adopts_a_database_made_by_the_old_create_all(store: Store) -> None:
    old_create_all(store)
    aid = fill(store)
    assert migrate.current(store.engine) is None
    store.create_all()
    assert migrate.current(store.engine) == migrate.head()
    assert schema_diffs(store) == []
    assert store.article(aid)["title"] == "标题" and store.outbox.counts() == {"pending": 1}


def test_refuses_to_adopt_a_schema_that_is_not_0001(store: Store) -> None:
    old_create_all(store)
    with store.engine.begin() as c:
        c.execute(sa.text("DROP TABLE subscribers"))
    with pytest.raises(migrate.MigrationError, match="missing: subscribers"):
        store.create_all()
    assert migrate.current(store.engine) is None  # not stamped


def test_a_database_from_a_newer_govwatch_is_an_error(store: Store) -> None:
    store.create_all()
    with store.engine.begin() as c:
        c.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(migrate.MigrationError, match="9999"):
        store.create_all()


UPGRADE_AT = """
import sys, time
from govwatch.storage import Store
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))  # all start together
Store.connect(sys.argv[1]).create_all()
"""


@pytest.mark.parametrize("start", ["empty", "old create_all"])
def test_processes_upgrading_at_once_all_succeed(store: Store, database_url: str, start: str) -> None:
    if start == "old create_all":
        old_create_all(store)
    at = str(time.time() + 3.0)  # after every interpreter has imported govwatch
    procs = [subprocess.Popen([sys.executable, "-c", UPGRADE_AT, database_url, at], stderr=subprocess.PIPE)
             for _ in range(4)]
    errors = [p.communicate(timeout=120)[1].decode() for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, "\n".join(errors)
    assert migrate.current(store.engine) == migrate.head()
    assert schema_diffs(store) == []


def test_db_commands(database_url: str, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from govwatch.cli import cli

    env = {"GOVWATCH_DATABASE_URL": database_url, "GOVWATCH_DATA_DIR": str(tmp_path / "data"),
           "GOVWATCH_CONFIG": ""}
    run = CliRunner().invoke
    if database_url.startswith("sqlite"):
        res = run(cli, ["db", "current"], env=env)
        assert res.exit_code == 1 and "no database at" in res.output
        path = Path(database_url.removeprefix("sqlite:///"))
        assert not path.exists()  # a wrong --data-dir does not leave an empty database behind
        sqlite3.connect(path).close()
    res = run(cli, ["db", "current"], env=env)
    assert res.exit_code == 1 and "govwatch db upgrade" in res.output
    res = run(cli, ["db", "upgrade"], env=env)
    assert res.exit_code == 0 and f"→ {migrate.head()} (head)" in res.output
    res = run(cli, ["db", "current"], env=env)
    assert res.exit_code == 0 and res.output.strip() == f"{migrate.head()} (head)"
    res = run(cli, ["db", "history"], env=env)
    assert res.output.splitlines()[0].startswith(f"{migrate.head()} (head)")
    assert [line.split()[0] for line in res.output.splitlines()][-1] == "0001"
