"""The message a channel sends."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Alert:
    """One event, rendered for one subscriber.

    ``id`` is stable across retries (it becomes the ``webhook-id`` header and the email's
    Message-ID), so receivers can de-duplicate. ``timestamp`` is the event time as Unix seconds.
    ``data`` is the event body: for ``release.new`` it holds ``article`` (url, title, published,
    source, region, site_id), ``metrics`` and ``initiatives`` as dicts.
    """

    id: str
    type: str
    timestamp: int
    region: str | None
    title: str
    url: str
    data: dict[str, Any] = field(default_factory=dict)

    def payload(self) -> dict[str, Any]:
        """The JSON body a webhook receives (Standard Webhooks shape: type, timestamp, data)."""
        from datetime import UTC, datetime

        return {
            "type": self.type,
            "timestamp": datetime.fromtimestamp(self.timestamp, UTC).isoformat().replace("+00:00", "Z"),
            "data": self.data,
        }

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Alert:
        return cls(**{k: d.get(k) for k in ("id", "type", "timestamp", "region", "title", "url", "data")})
