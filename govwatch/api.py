"""``govwatch api``: the operator's commands over HTTP (FastAPI, served by uvicorn).

Every route needs ``Authorization: Bearer TOKEN`` with a token from ``api.tokens`` in govwatch.yaml
or ``GOVWATCH_API_TOKEN``, except ``GET /health`` (for load balancers and probes). Every error is
JSON: ``{"error": {"code": "not_found", "message": "no article 7"}}``. The routes are in
:mod:`govwatch.api_routes` and :mod:`govwatch.api_outbox`; ``GET /openapi.json`` describes them all.

Example::

    app = create_app(load_settings("govwatch.yaml"))
    # uvicorn.run(app, host="127.0.0.1", port=8080), which is what `govwatch api` does
"""

from __future__ import annotations

import contextlib
import hmac
import ipaddress
import logging
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException as StarletteHTTPException

from govwatch.api_common import ApiContext, ApiError, Ctx, error_body
from govwatch.errors import ConfigError, GovwatchError, RedisUnavailable, UnknownSite
from govwatch.netguard import NotASite, UnsafeTarget
from govwatch.settings import Settings
from govwatch.storage import Store

logger = logging.getLogger(__name__)

HEALTH_TIMEOUT = 2.0
"""Seconds ``GET /health`` waits for Redis before answering 503."""

_bearer = HTTPBearer(auto_error=False, description="a token from api.tokens or GOVWATCH_API_TOKEN")

_STATUS_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                 405: "method_not_allowed", 409: "conflict", 422: "invalid_request", 503: "unavailable"}


def token_ok(given: str, tokens: tuple[str, ...]) -> bool:
    """Whether ``given`` is one of ``tokens``, compared in constant time.

    >>> tokens = ("s3cret-token-0123456789",)
    >>> token_ok("s3cret-token-0123456789", tokens), token_ok("guess", tokens)
    (True, False)
    """
    found = False
    for token in tokens:
        found |= hmac.compare_digest(given.encode(), token.encode())
    return found


def require_token(ctx: Ctx, creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> None:
    """401 with ``WWW-Authenticate: Bearer`` unless the request carries a configured token."""
    if not ctx.auth:
        return
    if creds is None:
        raise ApiError(401, "unauthorized", "send Authorization: Bearer <token>", {"WWW-Authenticate": "Bearer"})
    if not token_ok(creds.credentials, ctx.settings.api.tokens):
        raise ApiError(401, "unauthorized", "unknown token", {"WWW-Authenticate": 'Bearer error="invalid_token"'})


def create_app(settings: Settings, *, require_auth: bool = True) -> FastAPI:
    """The API application; ``require_auth=False`` (``--no-auth``) serves without tokens.

    Raises ConfigError when authentication is required and no token is configured.
    """
    from govwatch import api_outbox, api_routes

    if require_auth and not settings.api.tokens:
        raise ConfigError("no API token configured: set api.tokens in govwatch.yaml or GOVWATCH_API_TOKEN")
    store = Store.connect(settings.database_url)
    store.create_all()
    _sync_subscribers(store, settings)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        store.close()

    app = FastAPI(title="govwatch", version=_version(), lifespan=lifespan, openapi_url=None, docs_url=None,
                  redoc_url=None, description="Operate govwatch: crawls, status, articles, facts, deliveries, "
                  "subscribers. Send `Authorization: Bearer <token>` on every route but /health.")
    app.state.govwatch = ApiContext(settings=settings, store=store, auth=require_auth)
    _add_error_handlers(app)
    app.get("/health", tags=["health"], summary="Database and Redis reachable? (no token needed)")(health)
    guarded = [Depends(require_token)]
    app.include_router(api_routes.router, dependencies=guarded)
    app.include_router(api_outbox.router, dependencies=guarded)

    @app.get("/openapi.json", include_in_schema=False, dependencies=guarded)
    def openapi() -> dict[str, Any]:
        return app.openapi()

    app.get("/metrics", tags=["health"], dependencies=guarded, response_class=Response,
            summary="Prometheus metrics (crawls, facts, events, deliveries, queues, job durations)")(metrics)

    return app


def _sync_subscribers(store: Store, settings: Settings) -> None:
    from datetime import UTC, datetime

    store.subscribers.sync_config(settings.subscribers, datetime.now(UTC))


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("govwatch")
    except PackageNotFoundError:
        return "0"


def metrics(ctx: Ctx) -> Response:
    """The Prometheus text format; scrape it with ``authorization: {credentials: <token>}``."""
    from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

    from govwatch.metrics import GovwatchCollector

    registry = CollectorRegistry()
    with ctx.redis() as conn:
        registry.register(GovwatchCollector(conn, ctx.store))
        body = generate_latest(registry)
    return Response(body, media_type=CONTENT_TYPE_LATEST)


def health(ctx: Ctx) -> JSONResponse:
    """200 ``{"status": "ok", …}`` when the database and Redis answer, else 503 with what failed."""
    checks = {"database": _database_ok(ctx.store), "redis": _redis_ok(ctx.settings)}
    ok = all(checks.values())
    body = {"status": "ok" if ok else "unavailable",
            "checks": {name: "ok" if up else "unreachable" for name, up in checks.items()}}
    return JSONResponse(body, status_code=200 if ok else 503)


def _database_ok(store: Store) -> bool:
    import sqlalchemy as sa

    try:
        with store.engine.connect() as c:
            c.execute(sa.text("SELECT 1"))
        return True
    except sa.exc.SQLAlchemyError as e:
        logger.warning("health: database unreachable: %s", e)
        return False


def _redis_ok(settings: Settings) -> bool:
    """Ping the configured Redis; with none configured, the embedded one must be running."""
    import redis

    from govwatch.embedded_redis import EmbeddedRedis

    if not settings.redis_url:
        return EmbeddedRedis(settings.data_dir).running()
    client = redis.Redis.from_url(settings.redis_url, socket_timeout=HEALTH_TIMEOUT,
                                  socket_connect_timeout=HEALTH_TIMEOUT, retry=None)
    try:
        return bool(client.ping())
    except redis.RedisError as e:  # the details go to the log, not to unauthenticated callers
        logger.warning("health: Redis unreachable: %s", e)
        return False
    finally:
        client.close()


def _json_error(status: int, code: str, message: str, headers: dict[str, str] | None = None,
                **extra: Any) -> JSONResponse:
    return JSONResponse(error_body(code, message, **extra), status_code=status, headers=headers)


_GOVWATCH_ERRORS: tuple[tuple[type[GovwatchError], int, str], ...] = (
    (UnknownSite, 404, "not_found"),
    (NotASite, 400, "not_a_site"),
    (UnsafeTarget, 400, "unsafe_target"),
    (ConfigError, 422, "invalid_request"),
    (RedisUnavailable, 503, "unavailable"),
)
"""How govwatch's own errors become answers; any other is a 500."""


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_r: Request, e: ApiError) -> JSONResponse:
        return _json_error(e.status, e.code, e.message, e.headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(r: Request, e: StarletteHTTPException) -> JSONResponse:
        message = f"{e.detail}: {r.method} {r.url.path}" if e.status_code in (404, 405) else str(e.detail)
        return _json_error(e.status_code, _STATUS_CODES.get(e.status_code, "error"), message, e.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(_r: Request, e: RequestValidationError) -> JSONResponse:
        details = [{"loc": list(err.get("loc", ())), "msg": err.get("msg", ""), "type": err.get("type", "")}
                   for err in e.errors()]
        message = "; ".join(f"{'.'.join(map(str, d['loc']))}: {d['msg']}" for d in details) or "invalid request"
        return _json_error(422, "invalid_request", message, details=details)

    @app.exception_handler(GovwatchError)
    async def govwatch_error(_r: Request, e: GovwatchError) -> JSONResponse:
        for kind, status, code in _GOVWATCH_ERRORS:
            if isinstance(e, kind):
                return _json_error(status, code, str(e))
        logger.error("API: %s", e)
        return _json_error(500, "internal_error", str(e))

    @app.exception_handler(Exception)
    async def crash(_r: Request, e: Exception) -> JSONResponse:
        logger.exception("API: unexpected error")
        return _json_error(500, "internal_error", "internal server error (see the govwatch api log)")


def auth_required(settings: Settings, host: str, no_auth: bool) -> bool:
    """Whether to require tokens; ConfigError when the combination is unsafe.

    Without a configured token the API starts only with ``--no-auth`` on a loopback address.
    """
    if settings.api.tokens:
        if no_auth:
            raise ConfigError("--no-auth: API tokens are configured (api.tokens or GOVWATCH_API_TOKEN); "
                              "remove them or leave out --no-auth")
        return True
    if not no_auth:
        raise ConfigError("no API token configured: set api.tokens in govwatch.yaml or GOVWATCH_API_TOKEN "
                          "(or, to serve 127.0.0.1 only without authentication, pass --no-auth)")
    if not _loopback(host):
        raise ConfigError(f"--no-auth is allowed only on 127.0.0.1, not on {host}: configure a token instead")
    return False


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve(settings: Settings, *, host: str | None = None, port: int | None = None, no_auth: bool = False) -> None:
    """Run the API with uvicorn until Ctrl-C (``govwatch api``)."""
    import uvicorn

    host, port = host or settings.api.host, port or settings.api.port
    require_auth = auth_required(settings, host, no_auth)
    if not require_auth:
        logger.warning("serving the API WITHOUT authentication on %s:%d", host, port)
    app = create_app(settings, require_auth=require_auth)
    uvicorn.run(app, host=host, port=port, log_level=settings.log_level.lower(), server_header=False,
                proxy_headers=False)
