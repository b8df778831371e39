"""Settings, read once: command-line options, ``GOVWATCH_*`` environment variables, ``govwatch.yaml``.

Nothing else in govwatch reads ``os.environ``; components get keyword arguments from here.

Example::

    settings = load_settings(config="govwatch.yaml", data_dir="./data")
    settings.sites[0].interval      # 600.0 seconds, from "10m"
    settings.database_url           # "sqlite:///…/data/govwatch.sqlite3" unless GOVWATCH_DATABASE_URL is set
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from crawler.listapi import ListApi
from govwatch.errors import ConfigError
from govwatch.subscribers import Subscriber, parse_subscriber

DEFAULT_DATA_DIR = "./data"
"""Where the embedded Redis, the SQLite database and logs live unless told otherwise."""

DEFAULT_CONFIG = "govwatch.yaml"
"""The configuration file read when neither ``--config`` nor ``GOVWATCH_CONFIG`` is given."""

DEFAULT_INTERVAL = 600.0
"""Seconds between two polls of a site's list pages (10 minutes)."""

DEFAULT_WORKERS = 2
"""RQ worker processes started by ``govwatch run``."""

DEFAULT_USER_AGENT = "govwatch/0.1 (+https://github.com/govwatch/govwatch)"
"""User-Agent sent to government sites; override per site or globally with ``user_agent``."""

DEFAULT_API_HOST, DEFAULT_API_PORT = "127.0.0.1", 8080
"""Where ``govwatch api`` listens unless ``api.host``/``api.port`` or ``--host``/``--port`` say otherwise."""

MIN_API_TOKEN = 16
"""Characters an API token needs at least (``openssl rand -hex 32`` makes a good one)."""

_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)?\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, None: 1}


def parse_interval(value: Any) -> float:
    """``90s`` → 90.0, ``10m`` → 600.0, ``1h`` → 3600.0, a bare number → seconds."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value)
    else:
        m = _INTERVAL.match(str(value))
        if not m:
            raise ConfigError(f"interval {value!r} is not like 90s, 10m or 1h")
        seconds = float(m.group(1)) * _UNIT_SECONDS[m.group(2)]
    if seconds < 1:
        raise ConfigError(f"interval {value!r} is shorter than one second")
    return seconds


@dataclass(frozen=True)
class SiteConfig:
    """One monitored site. Only ``id``, ``region`` and ``list_urls`` (or ``list_api``) are required."""

    id: str
    region: str
    list_urls: tuple[str, ...]
    name: str | None = None
    interval: float = DEFAULT_INTERVAL
    item_selector: str | None = None
    max_pages: int = 3
    min_delay: float = 1.0
    user_agent: str | None = None
    paused: bool = False
    concurrency: int = 1
    tls_fallback: bool = False
    list_api: ListApi | None = None


@dataclass(frozen=True)
class SmtpConfig:
    host: str = "localhost"
    port: int = 25
    sender: str = "govwatch@localhost"
    username: str | None = None
    password: str | None = None
    security: str = "none"  # none | starttls | ssl
    timeout: float = 10.0


@dataclass(frozen=True)
class DeliveryConfig:
    """How hard govwatch tries: first retry after ``retry_base`` seconds, doubling, ``max_attempts`` in all."""

    retry_base: float = 30.0
    max_attempts: int = 10


@dataclass(frozen=True)
class ApiConfig:
    """``govwatch api``: bearer tokens (``api.tokens`` plus ``GOVWATCH_API_TOKEN``) and where to listen."""

    tokens: tuple[str, ...] = ()
    host: str = DEFAULT_API_HOST
    port: int = DEFAULT_API_PORT


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    config_path: Path | None
    redis_url: str | None  # None: start the embedded Redis under data_dir
    database_url: str
    workers: int = DEFAULT_WORKERS
    user_agent: str = DEFAULT_USER_AGENT
    log_level: str = "INFO"
    log_format: str = "text"  # text | json (one JSON object per line)
    sites: tuple[SiteConfig, ...] = ()
    subscribers: tuple[Subscriber, ...] = ()
    smtp: SmtpConfig = field(default_factory=SmtpConfig)
    delivery: DeliveryConfig = field(default_factory=DeliveryConfig)
    api: ApiConfig = field(default_factory=ApiConfig)
    allow_private_targets: bool = False  # webhooks and recrawls may reach loopback/private addresses
    lease_ttl: float = 15.0  # scheduler lease: a standby takes over this long after the leader dies
    config_mtime: float | None = None
    reload_args: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def site(self, site_id: str) -> SiteConfig:
        from govwatch.errors import UnknownSite

        for s in self.sites:
            if s.id == site_id:
                return s
        raise UnknownSite(site_id)


def load_settings(
    config: str | os.PathLike[str] | None = None,
    data_dir: str | os.PathLike[str] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    workers: int | None = None,
    require_config: bool = False,
) -> Settings:
    """Read settings: explicit arguments win over ``GOVWATCH_*`` variables, which win over defaults."""
    env = os.environ if env is None else env
    data = Path(data_dir or env.get("GOVWATCH_DATA_DIR") or DEFAULT_DATA_DIR).resolve()
    explicit = config or env.get("GOVWATCH_CONFIG")
    path = Path(explicit or DEFAULT_CONFIG)
    raw: dict[str, Any] = {}
    if path.exists():
        raw = _read_yaml(path)
    elif explicit or require_config:
        raise ConfigError(f"configuration file {path} not found (copy govwatch.example.yaml to start)")
    database_url = env.get("GOVWATCH_DATABASE_URL") or f"sqlite:///{data / 'govwatch.sqlite3'}"
    user_agent = str(raw.get("user_agent") or DEFAULT_USER_AGENT)
    return Settings(
        data_dir=data,
        config_path=path.resolve() if path.exists() else None,
        config_mtime=path.stat().st_mtime if path.exists() else None,
        reload_args={"env": dict(env), "workers": workers},
        redis_url=env.get("GOVWATCH_REDIS_URL") or None,
        database_url=_normalise_db_url(database_url),
        workers=workers or int(env.get("GOVWATCH_WORKERS") or raw.get("workers") or DEFAULT_WORKERS),
        user_agent=user_agent,
        log_level=str(env.get("GOVWATCH_LOG_LEVEL") or raw.get("log_level") or "INFO").upper(),
        log_format=_log_format(env.get("GOVWATCH_LOG_FORMAT") or raw.get("log_format") or "text"),
        sites=_sites(raw.get("sites") or []),
        subscribers=_subscribers(raw.get("subscribers") or []),
        smtp=_smtp(raw.get("smtp") or {}),
        delivery=_delivery(raw.get("delivery") or {}),
        api=_api(raw.get("api") or {}, env.get("GOVWATCH_API_TOKEN")),
        allow_private_targets=_flag(raw.get("allow_private_targets", False), "allow_private_targets"),
        lease_ttl=float((raw.get("scheduler") or {}).get("lease_ttl", 15.0)),
    )


def reload_if_changed(settings: Settings) -> Settings | None:
    """Settings read again when govwatch.yaml changed since ``settings`` were read; None otherwise.

    A file that is now invalid (half-saved, a typo) is reported and ignored: the old settings stay.
    """
    path = settings.config_path
    try:
        mtime = path.stat().st_mtime if path is not None else None
        if path is None or mtime in (settings.config_mtime, _bad_versions.get(path)):
            return None
        return load_settings(path, settings.data_dir, **settings.reload_args)
    except (OSError, ConfigError) as e:
        import logging

        _bad_versions[path] = mtime  # say it once per saved version
        logging.getLogger(__name__).error("configuration %s not reloaded: %s", path, e)
        return None


_bad_versions: dict[Path | None, float | None] = {}


def _log_format(value: str) -> str:
    if str(value).lower() not in ("text", "json"):
        raise ConfigError(f"log_format {value!r} is not text or json")
    return str(value).lower()


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as e:
        raise ConfigError(f"{path}: not valid YAML: {e}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping with 'sites' and 'subscribers'")
    return raw


def _normalise_db_url(url: str) -> str:
    # users write postgresql://…; SQLAlchemy would pick psycopg2, which we do not ship
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _require(item: Mapping[str, Any], key: str, what: str) -> Any:
    if item.get(key) in (None, "", []):
        raise ConfigError(f"{what}: missing required key {key!r}")
    return item[key]


def _sites(items: list[Any]) -> tuple[SiteConfig, ...]:
    sites, seen = [], set()
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise ConfigError(f"sites[{n}]: expected a mapping")
        sid = str(_require(item, "id", f"sites[{n}]"))
        if sid in seen:
            raise ConfigError(f"sites[{n}]: duplicate id {sid!r}")
        seen.add(sid)
        list_api = _list_api(item.get("list_api"), sid)
        urls = item.get("list_urls") or () if list_api else _require(item, "list_urls", f"site {sid}")
        urls = (urls,) if isinstance(urls, str) else tuple(str(u) for u in urls)
        for u in urls:
            if not re.match(r"^https?://", u):
                raise ConfigError(f"site {sid}: list URL {u!r} is not http(s)")
        sites.append(
            SiteConfig(
                id=sid,
                region=str(_require(item, "region", f"site {sid}")),
                list_urls=urls,
                name=item.get("name"),
                interval=parse_interval(item.get("interval", DEFAULT_INTERVAL)),
                item_selector=item.get("item_selector"),
                max_pages=int(item.get("max_pages", 3)),
                min_delay=float(item.get("min_delay", 1.0)),
                user_agent=item.get("user_agent"),
                paused=bool(item.get("paused", False)),
                concurrency=max(1, int(item.get("concurrency", 1))),
                tls_fallback=bool(item.get("tls_fallback", False)),
                list_api=list_api,
            )
        )
    return tuple(sites)


def _list_api(raw: Any, sid: str) -> ListApi | None:
    if raw is None:
        return None
    try:
        return ListApi.from_dict(raw)
    except (TypeError, ValueError) as e:
        raise ConfigError(f"site {sid}: {e}") from None


def _subscribers(items: list[Any]) -> tuple[Subscriber, ...]:
    subs: list[Subscriber] = []
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise ConfigError(f"subscribers[{n}]: expected a mapping with an id")
        sub = parse_subscriber(item)
        if any(s.id == sub.id for s in subs):
            raise ConfigError(f"subscribers[{n}]: duplicate id {sub.id!r}")
        subs.append(sub)
    return tuple(subs)


def _delivery(item: Mapping[str, Any]) -> DeliveryConfig:
    try:
        cfg = DeliveryConfig(retry_base=float(item.get("retry_base", 30.0)),
                             max_attempts=int(item.get("max_attempts", 10)))
    except (TypeError, ValueError):
        raise ConfigError("delivery: retry_base and max_attempts must be numbers") from None
    if cfg.retry_base <= 0 or cfg.max_attempts < 1:
        raise ConfigError("delivery: retry_base must be positive and max_attempts at least 1")
    return cfg


def _flag(value: Any, what: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{what}: expected true or false, not {value!r}")
    return value


def _api(item: Any, env_tokens: str | None) -> ApiConfig:
    """``api: {tokens: [...], host, port}``; ``GOVWATCH_API_TOKEN`` (comma-separated) adds tokens."""
    if not isinstance(item, Mapping):
        raise ConfigError("api: expected a mapping with tokens, host and port")
    raw = item.get("tokens") or []
    tokens = [raw] if isinstance(raw, str) else list(raw)
    tokens += [t for t in (env_tokens or "").split(",") if t.strip()]
    tokens = [str(t).strip() for t in tokens]
    if any(len(t) < MIN_API_TOKEN for t in tokens):
        raise ConfigError(f"api.tokens: every token needs at least {MIN_API_TOKEN} characters")
    try:
        port = int(item.get("port", DEFAULT_API_PORT))
    except (TypeError, ValueError):
        raise ConfigError("api.port must be a number") from None
    return ApiConfig(tokens=tuple(dict.fromkeys(tokens)), host=str(item.get("host") or DEFAULT_API_HOST), port=port)


def _smtp(item: Mapping[str, Any]) -> SmtpConfig:
    security = str(item.get("security", "none")).lower()
    if security not in ("none", "starttls", "ssl"):
        raise ConfigError(f"smtp.security {security!r} is not none, starttls or ssl")
    return SmtpConfig(
        host=str(item.get("host", "localhost")),
        port=int(item.get("port", 465 if security == "ssl" else 25)),
        sender=str(item.get("sender", "govwatch@localhost")),
        username=item.get("username"),
        password=item.get("password"),
        security=security,
        timeout=float(item.get("timeout", 10.0)),
    )
