"""Chat channel: a short Markdown message to a group-chat bot (WeCom, DingTalk, Feishu, Lark) via apprise.

The message is :func:`alerts.render.markdown_body` with :func:`alerts.render.subject` as its title.
`apprise <https://github.com/caronc/apprise>`_ already speaks each bot's API (and keeps up with
their changes), so a target is an apprise URL rather than a hand-written client per vendor:

==========  ======================================  ==================================================
WeCom       ``wecombot://BOTKEY``                   BOTKEY is the ``key=`` of the bot's webhook
                                                    ``https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=BOTKEY``,
                                                    which is also accepted as is
DingTalk    ``dingtalk://TOKEN``                    TOKEN is the ``access_token=`` of the robot's
            ``dingtalk://SECRET@TOKEN``             webhook; SECRET is its 加签 secret (``SEC…``)
Feishu      ``feishu://TOKEN``                      TOKEN ends ``https://open.feishu.cn/open-apis/bot/v2/hook/TOKEN``
Lark        ``lark://TOKEN``                        or ``https://open.larksuite.com/open-apis/bot/v2/hook/TOKEN`` as is
generic     ``json://host:port/path``, ``jsons://``  POST ``{"title", "message", ...}`` as JSON
            ``form://…``, ``forms://…``             or as a form (``…s://`` is https)
==========  ======================================  ==================================================

(Checked with apprise 2.2 and 2.3: each form above gives ``apprise.Apprise().add(url) is True``; the
native DingTalk and Feishu webhook URLs are *not* recognised, write them as above.)

    >>> channel = ChatChannel(timeout=5.0)
    >>> channel.send(alert, "wecombot://BOTKEY")  # doctest: +SKIP
    >>> channel.send(alert, "dingtalk://SECabc123@0123456789abcdef")  # doctest: +SKIP

What the bots show: DingTalk gets a Markdown message, Feishu and Lark an interactive card (the
subject in its header, the Markdown rendered; apprise 2.3 and later), WeCom a text message with the
Markdown as typed (it is kept light for that reason). A DingTalk robot secured by a
keyword (自定义关键词) needs the keyword ``govwatch``: every title starts with ``[govwatch]``.

Errors (see :mod:`alerts.errors`):

* a URL apprise cannot parse, or a service outside ``schemes`` (:data:`CHAT_SCHEMES` by default:
  apprise also knows ``syslog://``, ``mailto://``, desktop notifications…) → ``PermanentDeliveryError``;
* apprise reporting failure (connection refused, timeout, any non-200 answer) →
  ``TransientDeliveryError`` with apprise's last warning, e.g. ``… error=503.``

apprise does not say which failures are final, so every failure counts as transient; and WeCom and
DingTalk answer a rejected message with HTTP 200 and an ``errcode``, which apprise 2.2 counts as
delivered. The warning is read with apprise's ``LogCapture``, which listens on the shared
``apprise`` logger: with sends in several threads at once, a message may name another send's
failure. Error targets are apprise's redacted URL (``wecombot://a...3/``), and every piece of the
URL long enough to be a key is cut out of the message.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

import apprise
from apprise import LogCapture, NotifyBase, NotifyFormat

from alerts import render
from alerts.errors import PermanentDeliveryError, TransientDeliveryError
from alerts.records import Alert

CHAT_SCHEMES = frozenset({"wecombot", "dingtalk", "feishu", "lark", "json", "jsons", "form", "forms"})
"""apprise services a :class:`ChatChannel` sends to unless told otherwise."""


class ChatChannel:
    """Send alerts to group-chat bots named by apprise URLs. See the module docstring.

    ``timeout`` (seconds) bounds both connecting and each read; ``schemes`` lists the apprise
    services this channel may use.
    """

    def __init__(self, *, timeout: float = 10.0, schemes: Iterable[str] = CHAT_SCHEMES) -> None:
        self.timeout = timeout
        self.schemes = frozenset(schemes)

    def __repr__(self) -> str:
        return f"ChatChannel(timeout={self.timeout!r})"

    def send(self, alert: Alert, url: str) -> None:
        """Deliver ``alert`` to the bot at ``url`` once; raise from :mod:`alerts.errors` on failure."""
        service = self.service(url)
        with LogCapture(level=logging.WARNING, fmt="%(message)s") as log:
            delivered = service.notify(
                body=render.markdown_body(alert),
                title=render.subject(alert),
                body_format=NotifyFormat.MARKDOWN,
            )
        if not delivered:
            raise TransientDeliveryError(_redacted(service), _scrub(_last_line(log.getvalue()), url))

    def service(self, url: str) -> NotifyBase:
        """The apprise service for ``url`` with this channel's timeout; ``PermanentDeliveryError`` if unusable."""
        # apprise's own complaint is not kept: some name the key they refused
        service = apprise.Apprise.instantiate(url) if isinstance(url, str) else None
        if service is None:
            raise PermanentDeliveryError(_scheme(url), "not an apprise URL this version can parse")
        if not set(service.schemas()) & self.schemes:
            raise PermanentDeliveryError(_redacted(service), f"{service.service_name} is not a chat service")
        service.socket_connect_timeout = service.socket_read_timeout = self.timeout
        # apprise paces repeated sends per service object; this one sends once (and Lark's throttles
        # twice per send, a 5.5 s sleep), so pacing is left to the queue
        service.request_rate_per_sec = 0
        return service


def _redacted(service: NotifyBase) -> str:
    return service.url(privacy=True).partition("?")[0]


def _scheme(url: object) -> str:
    """What an error may say about a URL it could not parse: the scheme only (the rest may be a key)."""
    try:
        scheme = urlsplit(url).scheme if isinstance(url, str) else ""
    except ValueError:
        scheme = ""
    return f"{scheme}://…" if scheme else "(not a URL)"


def _scrub(message: str, url: str) -> str:
    """``message`` without any long piece of ``url``: some apprise warnings quote the request URL."""
    for piece in sorted(set(re.split(r"[/:@?&=#]+", url)), key=len, reverse=True):
        if len(piece) >= 8:
            message = message.replace(piece, "…")
    return message


def _last_line(log: str) -> str:
    lines = [line.strip() for line in log.splitlines() if line.strip()]
    return lines[-1] if lines else "apprise reported a failed delivery"
