"""Build alert channels from settings, and send a subscriber a test message."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

from alerts.errors import DeliveryError
from alerts.records import Alert
from govwatch.settings import Settings
from govwatch.subscribers import Subscriber


def make_channel(name: str, settings: Settings) -> Any:
    """The channel object for ``email``, ``webhook`` or ``chat``, configured from settings."""
    if name == "email":
        from alerts.channels.email import EmailChannel

        s = settings.smtp
        return EmailChannel(host=s.host, port=s.port, sender=s.sender, username=s.username, password=s.password,
                            security=s.security, timeout=s.timeout)
    if name == "webhook":
        from alerts.channels.webhook import WebhookChannel
        from govwatch.netguard import webhook_guard

        return WebhookChannel(user_agent=settings.user_agent, guard=webhook_guard(settings))
    if name == "chat":
        from alerts.channels.chat import ChatChannel

        return ChatChannel()
    raise ValueError(f"unknown channel {name!r}")


def send_to(channel: Any, name: str, alert: Alert, target: str, sub: Subscriber) -> None:
    if name == "email":
        channel.send(alert, to=target)
    elif name == "webhook":
        channel.send(alert, target, sub.webhook.secret if sub.webhook else None)
    else:
        channel.send(alert, target)


def send_test(settings: Settings, sub: Subscriber) -> Iterator[tuple[str, str, str | None]]:
    """Send a ``test`` alert on each channel; yield (channel, target, error or None)."""
    alert = Alert(id=f"msg_test_{uuid.uuid4().hex[:20]}", type="test", timestamp=int(time.time()), region=None,
                  title="govwatch 测试消息", url="", data={"message": f"govwatch test message for {sub.id}"})
    for name, target in sub.channels():
        try:
            send_to(make_channel(name, settings), name, alert, target, sub)
            yield name, target, None
        except (DeliveryError, ValueError, OSError) as e:
            yield name, target, str(e)
