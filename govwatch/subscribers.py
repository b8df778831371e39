"""Subscribers: who hears about what, on which channels, and how often.

A subscriber comes from ``govwatch.yaml`` (``source = config``, re-read at every start) or from
``govwatch subscribers add`` (``source = cli``, kept in the database). Both live in the
``subscribers`` table, so every worker on every machine sees the same list, and pausing or adding
one from the CLI takes effect without a restart.

Example::

    sub = parse_subscriber({"id": "analyst", "email": "a@example.org", "regions": ["枣庄市"],
                            "events": ["release.new", "metric.changed"],
                            "thresholds": [{"indicator": "出庭应诉率", "below": 100}],
                            "digest": "08:00"})
    sub.channels()      # [("email", "a@example.org")]
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from govwatch.errors import ConfigError
from govwatch.schema import insert_ignore
from govwatch.schema import subscribers as table

EVENT_TYPES = ("release.new", "release.updated", "metric.new", "metric.changed", "initiative.new")
"""Every event type a subscriber can ask for."""

DEFAULT_EVENTS = ("release.new",)
"""What a subscriber gets unless it lists ``events``: one alert per newly published release."""

_DIGEST_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class WebhookTarget:
    url: str
    secret: str | None = None


@dataclass(frozen=True)
class Threshold:
    """Only metrics of ``indicator`` below and/or above a value (出庭应诉率 below 100)."""

    indicator: str
    below: float | None = None
    above: float | None = None

    def passes(self, value: float) -> bool:
        return (self.below is None or value < self.below) and (self.above is None or value > self.above)


@dataclass(frozen=True)
class Subscriber:
    id: str
    email: str | None = None
    webhook: WebhookTarget | None = None
    chat: tuple[str, ...] = ()  # apprise URLs: wecombot://…, dingtalk://…, feishu://…
    regions: tuple[str, ...] = ()
    events: tuple[str, ...] = DEFAULT_EVENTS
    keywords: tuple[str, ...] = ()
    indicators: tuple[str, ...] = ()
    thresholds: tuple[Threshold, ...] = ()
    digest: str | None = None  # "HH:MM" China time: one message a day instead of one per event
    paused: bool = False
    disabled: dict[str, str] = field(default_factory=dict)  # channel -> why (410 Gone)

    def channels(self) -> list[tuple[str, str]]:
        """(channel, target) pairs this subscriber receives on, minus disabled ones."""
        out = [("email", self.email)] if self.email else []
        if self.webhook:
            out.append(("webhook", self.webhook.url))
        out += [("chat", url) for url in self.chat]
        return [(ch, t) for ch, t in out if ch not in self.disabled]

    def spec(self) -> dict[str, Any]:
        """The subscriber as govwatch.yaml would write it (for the database and the CLI)."""
        d = asdict(self)
        for key in ("id", "paused", "disabled"):
            d.pop(key)
        return {k: v for k, v in d.items() if v not in (None, (), [], {})}


def _strings(value: Any, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list | tuple):
        raise ConfigError(f"{what}: expected a list")
    return tuple(str(v) for v in value)


def _webhook(value: Any, sid: str) -> WebhookTarget | None:
    if value is None:
        return None
    hook = {"url": value} if isinstance(value, str) else dict(value)
    if not re.match(r"^https?://", str(hook.get("url", ""))):
        raise ConfigError(f"subscriber {sid}: webhook needs an http(s) url")
    secret = hook.get("secret")
    if secret is not None:
        _check_secret(str(secret), sid)
    return WebhookTarget(url=str(hook["url"]), secret=secret)


def _check_secret(secret: str, sid: str) -> None:
    import base64
    import binascii

    try:
        base64.b64decode(secret.removeprefix("whsec_"), validate=True)
    except (binascii.Error, ValueError):
        raise ConfigError(f"subscriber {sid}: webhook secret is not base64 (like whsec_MfKQ9r8GKYqr…)") from None


def _thresholds(value: Any, sid: str) -> tuple[Threshold, ...]:
    out = []
    for item in value or ():
        if not isinstance(item, dict) or "indicator" not in item or not ({"below", "above"} & set(item)):
            raise ConfigError(f"subscriber {sid}: a threshold needs an indicator and below and/or above")
        below, above = item.get("below"), item.get("above")
        out.append(
            Threshold(
                str(item["indicator"]), None if below is None else float(below), None if above is None else float(above)
            )
        )
    return tuple(out)


def parse_subscriber(item: Any, *, paused: bool = False, disabled: dict[str, str] | None = None) -> Subscriber:
    """Build a subscriber from its YAML/CLI form; ConfigError says what is wrong."""
    if not isinstance(item, dict) or not item.get("id"):
        raise ConfigError("a subscriber needs an id")
    sid = str(item["id"])
    events = _strings(item.get("events"), f"subscriber {sid}: events") or DEFAULT_EVENTS
    if events == ("all",):
        events = EVENT_TYPES
    unknown = [e for e in events if e not in EVENT_TYPES]
    if unknown:
        raise ConfigError(
            f"subscriber {sid}: unknown event type(s) {', '.join(unknown)}; choose from {', '.join(EVENT_TYPES)} or all"
        )
    digest = item.get("digest")
    if digest is not None and not _DIGEST_TIME.match(str(digest)):
        raise ConfigError(f"subscriber {sid}: digest {digest!r} is not a time like 08:00")
    sub = Subscriber(
        id=sid,
        email=item.get("email"),
        webhook=_webhook(item.get("webhook"), sid),
        chat=_strings(item.get("chat"), f"subscriber {sid}: chat"),
        regions=_strings(item.get("regions"), f"subscriber {sid}: regions"),
        events=events,
        keywords=_strings(item.get("keywords"), f"subscriber {sid}: keywords"),
        indicators=_strings(item.get("indicators"), f"subscriber {sid}: indicators"),
        thresholds=_thresholds(item.get("thresholds"), sid),
        digest=None if digest is None else str(digest),
        paused=bool(item.get("paused", paused)),
        disabled=dict(disabled or {}),
    )
    if sub.email is not None and "@" not in sub.email:
        raise ConfigError(f"subscriber {sid}: {sub.email!r} is not an email address")
    if not sub.email and not sub.webhook and not sub.chat:
        raise ConfigError(f"subscriber {sid}: give an email address, a webhook or a chat URL")
    return sub


class SubscriberStore:
    """The ``subscribers`` table."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def sync_config(self, configured: tuple[Subscriber, ...], now: datetime) -> None:
        """Make the config-sourced rows match govwatch.yaml; keep pause/disable state and CLI rows."""
        with self.engine.begin() as c:
            existing = {r.id: r for r in c.execute(sa.select(table))}
            for sub in configured:
                row = existing.get(sub.id)
                if row is None:  # several processes may sync at once: insert-or-ignore
                    insert_ignore(
                        c,
                        table,
                        [
                            dict(
                                id=sub.id,
                                source="config",
                                spec=sub.spec(),
                                paused=sub.paused,
                                disabled={},
                                created_at=now,
                            )
                        ],
                        ["id"],
                    )
                else:
                    c.execute(table.update().where(table.c.id == sub.id).values(spec=sub.spec(), source="config"))
            keep = {s.id for s in configured}
            gone = [sid for sid, r in existing.items() if r.source == "config" and sid not in keep]
            if gone:
                c.execute(table.delete().where(table.c.id.in_(gone)))

    def all(self) -> list[Subscriber]:
        with self.engine.connect() as c:
            rows = list(c.execute(sa.select(table).order_by(table.c.id)))
        return [self._from_row(r) for r in rows]

    def get(self, sid: str) -> Subscriber | None:
        with self.engine.connect() as c:
            row = c.execute(sa.select(table).where(table.c.id == sid)).first()
        return self._from_row(row) if row else None

    def source(self, sid: str) -> str | None:
        with self.engine.connect() as c:
            return c.execute(sa.select(table.c.source).where(table.c.id == sid)).scalar()

    @staticmethod
    def _from_row(row: Any) -> Subscriber:
        return parse_subscriber(dict(row.spec, id=row.id), paused=row.paused, disabled=row.disabled or {})

    def add(self, sub: Subscriber, now: datetime) -> None:
        with self.engine.begin() as c:
            if c.execute(sa.select(table.c.id).where(table.c.id == sub.id)).first():
                raise ConfigError(f"a subscriber with id {sub.id!r} exists already")
            c.execute(
                table.insert().values(
                    id=sub.id, source="cli", spec=sub.spec(), paused=sub.paused, disabled={}, created_at=now
                )
            )

    def remove(self, sid: str) -> bool:
        with self.engine.begin() as c:
            return bool(c.execute(table.delete().where(table.c.id == sid)).rowcount)

    def set_paused(self, sid: str, paused: bool) -> bool:
        """Pause or resume; resuming also re-enables channels disabled by a 410."""
        values: dict[str, Any] = {"paused": paused}
        if not paused:
            values["disabled"] = {}
        with self.engine.begin() as c:
            return bool(c.execute(table.update().where(table.c.id == sid).values(**values)).rowcount)

    def disable_channel(self, sid: str, channel: str, reason: str) -> None:
        with self.engine.begin() as c:
            row = c.execute(sa.select(table.c.disabled).where(table.c.id == sid)).first()
            if row is not None:
                c.execute(table.update().where(table.c.id == sid).values(disabled={**(row[0] or {}), channel: reason}))

    def last_digest(self, sid: str) -> datetime | None:
        with self.engine.connect() as c:
            return c.execute(sa.select(table.c.last_digest_at).where(table.c.id == sid)).scalar()

    def mark_digest(self, sid: str, when: datetime) -> None:
        with self.engine.begin() as c:
            c.execute(table.update().where(table.c.id == sid).values(last_digest_at=when))
