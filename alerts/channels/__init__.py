"""Delivery channels (email, webhook, group-chat bots), one file each, registered here by the name subscriptions use.

    >>> channel = CHANNELS["webhook"](timeout=5.0)
    >>> sorted(CHANNELS)
    ['chat', 'email', 'webhook']

Each channel has ``send(alert, target, ...)`` and raises from :mod:`alerts.errors`.
"""

from __future__ import annotations

from alerts.channels.chat import ChatChannel
from alerts.channels.email import EmailChannel
from alerts.channels.webhook import WebhookChannel

CHANNELS: dict[str, type[ChatChannel] | type[EmailChannel] | type[WebhookChannel]] = {
    "chat": ChatChannel,
    "email": EmailChannel,
    "webhook": WebhookChannel,
}

__all__ = ["CHANNELS", "ChatChannel", "EmailChannel", "WebhookChannel"]
