"""Shared fixtures: a real Redis and a real database for every test that needs one.

* Redis: ``GOVWATCH_TEST_REDIS_URL`` when set (CI points it at localhost:6379), otherwise the
  embedded redis-server that govwatch itself uses, started once per test session.
* Database: SQLite in a temporary directory always; PostgreSQL too when
  ``GOVWATCH_TEST_DATABASE_URL`` is set (CI), so storage tests run on both.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa

from govwatch.embedded_redis import EmbeddedRedis

PG_URL = os.environ.get("GOVWATCH_TEST_DATABASE_URL")


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = os.environ.get("GOVWATCH_TEST_REDIS_URL")
    if url:
        yield url
        return
    server = EmbeddedRedis(tmp_path_factory.mktemp("redis"))
    yield server.start()
    server.stop()


@pytest.fixture
def redis_conn(redis_url: str) -> Iterator[redis.Redis]:
    conn = redis.Redis.from_url(redis_url)
    conn.flushdb()
    yield conn
    conn.flushdb()
    conn.close()


def _reset_pg(url: str) -> None:
    from govwatch.storage import metadata

    engine = sa.create_engine(url)
    metadata.drop_all(engine)
    with engine.begin() as c:  # else the next test's migration would find the schema "at head" with no tables
        c.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()


@pytest.fixture(params=["sqlite"] + (["postgresql"] if PG_URL else []))
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'govwatch.sqlite3'}"
        return
    assert PG_URL
    _reset_pg(PG_URL)
    yield PG_URL
    _reset_pg(PG_URL)
