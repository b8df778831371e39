"""What every HTTP API route shares: the context it works in, its one error type, JSON-safe rows.

Example::

    @router.get("/things/{tid}")
    def thing(tid: int, ctx: Ctx) -> dict[str, Any]:
        row = ctx.store.article(tid)
        if row is None:
            raise ApiError(404, "not_found", f"no article {tid}")
        return plain(row)
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

import redis
from fastapi import Depends, Request
from pydantic import BaseModel

from govwatch.settings import Settings
from govwatch.storage import Store


class ApiError(Exception):
    """An answer other than success: ``{"error": {"code", "message"}}`` with ``status``."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorBody(BaseModel):
    """Every error the API answers, whatever its status: ``{"error": {"code": "not_found", "message": "…"}}``."""

    error: ErrorDetail


ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": what}
    for status, what in ((401, "no or wrong bearer token"), (404, "no such thing"), (422, "invalid request"),
                         (503, "Redis or the database is unreachable"))
}
"""Error answers listed in the OpenAPI document for every authenticated route."""


@dataclass
class ApiContext:
    """The settings and the store one API process works with; ``auth`` is False only for ``--no-auth``."""

    settings: Settings
    store: Store
    auth: bool = True

    @contextlib.contextmanager
    def redis(self) -> Iterator[redis.Redis]:
        """A connection to the monitor's Redis (the embedded one is started for the moment if down, as the CLI does)."""
        from govwatch.daemon import redis_for
        from govwatch.embedded_redis import connect

        with redis_for(self.settings) as url:
            conn = connect(url)
            try:
                yield conn
            finally:
                conn.close()


def context(request: Request) -> ApiContext:
    return request.app.state.govwatch


Ctx = Annotated[ApiContext, Depends(context)]
"""A route parameter that receives the :class:`ApiContext`."""


def plain(row: Mapping[str, Any]) -> dict[str, Any]:
    """A database row as JSON-ready values: datetimes as ISO 8601 in UTC (SQLite returns them naive)."""
    return {k: _value(v) for k, v in row.items()}


def _value(v: Any) -> Any:
    if isinstance(v, datetime):
        return (v if v.tzinfo else v.replace(tzinfo=UTC)).isoformat()
    return v


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    """The body of every error answer.

    >>> error_body("not_found", "no article 7")
    {'error': {'code': 'not_found', 'message': 'no article 7'}}
    """
    return {"error": {"code": code, "message": message, **extra}}
