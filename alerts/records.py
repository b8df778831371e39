"""The message a channel sends."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Alert:
    """One event, rendered for one subscriber.

    ``id`` is stable across retries (it becomes the ``webhook-id`` header and the email's
    Message-ID), so receivers can de-duplicate. ``timestamp`` is the event time as Unix seconds.
    ``data`` is the event body, by ``type`` (``article`` is {url, title, published, source, region,
    site_id}; a metric is {indicator, value, unit, approx, kind, period, text}, an initiative
    {name, kind, text}):

    * ``release.new``: article, metrics (each may carry ``previous`` {value, unit, period}), initiatives
    * ``release.updated``: article, changes {metrics_added, metrics_removed, metrics_changed
      [{indicator, from, to}], initiatives_added, initiatives_removed}
    * ``metric.new``: article, metric
    * ``metric.changed``: article, metric, previous {value, unit, period, article_url, published}
    * ``initiative.new``: article, initiative
    * ``digest``: since, until (ISO times), events [{id, type, region, created_at, data}]; ``region``
      is None and ``url`` ""
    * ``test``: message

    How each is shown: :mod:`alerts.views` and :mod:`alerts.render`.
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
