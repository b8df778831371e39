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

from govwatch.errors import ConfigError

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
    """One monitored site. Only ``id``, ``region`` and ``list_urls`` are required."""

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


@dataclass(frozen=True)
class WebhookTarget:
    url: str
    secret: str | None = None


@dataclass(frozen=True)
class SubscriberConfig:
    """Who hears about what: an email address and/or a webhook, optionally filtered by region."""

    id: str
    email: str | None = None
    webhook: WebhookTarget | None = None
    regions: tuple[str, ...] = ()

    def wants(self, region: str | None) -> bool:
        # a region filter matches the region itself and names it contains (枣庄市 ⊂ "枣庄市峄城区")
        return not self.regions or bool(region and any(r in region or region in r for r in self.regions))


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
class Settings:
    data_dir: Path
    config_path: Path | None
    redis_url: str | None  # None: start the embedded Redis under data_dir
    database_url: str
    workers: int = DEFAULT_WORKERS
    user_agent: str = DEFAULT_USER_AGENT
    log_level: str = "INFO"
    sites: tuple[SiteConfig, ...] = ()
    subscribers: tuple[SubscriberConfig, ...] = ()
    smtp: SmtpConfig = field(default_factory=SmtpConfig)

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
        redis_url=env.get("GOVWATCH_REDIS_URL") or None,
        database_url=_normalise_db_url(database_url),
        workers=workers or int(env.get("GOVWATCH_WORKERS") or raw.get("workers") or DEFAULT_WORKERS),
        user_agent=user_agent,
        log_level=str(env.get("GOVWATCH_LOG_LEVEL") or raw.get("log_level") or "INFO").upper(),
        sites=_sites(raw.get("sites") or []),
        subscribers=_subscribers(raw.get("subscribers") or []),
        smtp=_smtp(raw.get("smtp") or {}),
    )


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
        urls = _require(item, "list_urls", f"site {sid}")
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
            )
        )
    return tuple(sites)


def _subscribers(items: list[Any]) -> tuple[SubscriberConfig, ...]:
    subs, seen = [], set()
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise ConfigError(f"subscribers[{n}]: expected a mapping")
        sid = str(_require(item, "id", f"subscribers[{n}]"))
        if sid in seen:
            raise ConfigError(f"subscribers[{n}]: duplicate id {sid!r}")
        seen.add(sid)
        hook = item.get("webhook")
        if isinstance(hook, str):
            hook = {"url": hook}
        if hook is not None and not re.match(r"^https?://", str(hook.get("url", ""))):
            raise ConfigError(f"subscriber {sid}: webhook needs an http(s) url")
        if not item.get("email") and not hook:
            raise ConfigError(f"subscriber {sid}: give an email address, a webhook, or both")
        regions = item.get("regions") or ()
        subs.append(
            SubscriberConfig(
                id=sid,
                email=item.get("email"),
                webhook=WebhookTarget(url=str(hook["url"]), secret=hook.get("secret")) if hook else None,
                regions=(regions,) if isinstance(regions, str) else tuple(str(r) for r in regions),
            )
        )
    return tuple(subs)


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
