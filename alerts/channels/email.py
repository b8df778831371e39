"""Email channel: one multipart/alternative message (text + HTML) per alert, over SMTP.

Headers are built with :class:`email.message.EmailMessage` under an SMTP policy, so a Chinese
subject goes out RFC 2047-encoded and a header value can never carry a line break; the subject is
also flattened to one line by :func:`alerts.render.subject`. The envelope recipient is given to
the server explicitly, so nothing in a header can add one. The Message-ID is derived from
``alert.id``: a retried send carries the same id and mail clients can de-duplicate.

    >>> channel = EmailChannel(host="smtp.example.org", port=587, sender="govwatch <gw@example.org>",
    ...                        username="govwatch", password="...", security="starttls")
    >>> channel.send(alert, "analyst@example.org")  # doctest: +SKIP

Errors (see :mod:`alerts.errors`): connection refused, timeouts, a dropped connection and SMTP
4xx replies raise ``TransientDeliveryError``; SMTP 5xx replies, a refused recipient, a malformed
address and TLS certificate failures raise ``PermanentDeliveryError``.
"""

from __future__ import annotations

import hashlib
import re
import smtplib
import ssl
from datetime import UTC, datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Literal

from alerts import render
from alerts.errors import DeliveryError, PermanentDeliveryError, TransientDeliveryError
from alerts.records import Alert

Security = Literal["none", "starttls", "ssl"]

POLICY = policy.SMTP.clone(cte_type="7bit")
"""CRLF line ends, RFC 2047 headers, and bodies in 7-bit transfer encodings (any relay takes them)."""

_SAFE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


class EmailChannel:
    """Send alerts by SMTP to one address at a time. See the module docstring for an example.

    ``sender`` is an address, optionally with a display name (``"govwatch <gw@example.org>"``).
    """

    def __init__(
        self,
        *,
        host: str,
        port: int = 25,
        sender: str,
        username: str | None = None,
        password: str | None = None,
        security: Security = "none",
        timeout: float = 10.0,
    ) -> None:
        if security not in ("none", "starttls", "ssl"):
            raise ValueError(f"security must be 'none', 'starttls' or 'ssl', not {security!r}")
        self.host = host
        self.port = port
        display_name, addr_spec = parseaddr(sender)
        self.sender = _address(addr_spec).addr_spec
        self._from = Address(display_name=display_name, addr_spec=self.sender)
        self.username = username
        self.password = password
        self.security = security
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"EmailChannel(host={self.host!r}, port={self.port}, security={self.security!r})"

    def message(self, alert: Alert, to: str) -> EmailMessage:
        """The message :meth:`send` would send to ``to``."""
        domain = self.sender.rpartition("@")[2] or "govwatch.invalid"
        msg = EmailMessage(policy=POLICY)
        msg["Subject"] = render.subject(alert)
        msg["From"] = self._from
        msg["To"] = to
        msg["Date"] = format_datetime(datetime.now(UTC))
        msg["Message-ID"] = f"<{_id_part(alert.id)}@{domain}>"
        msg["X-Govwatch-Event"] = _token(alert.type)
        msg.set_content(render.text_body(alert))
        msg.add_alternative(render.html_body(alert), subtype="html")
        return msg

    def send(self, alert: Alert, to: str) -> None:
        """Deliver ``alert`` to ``to`` once; raise from :mod:`alerts.errors` on failure."""
        try:
            to = _address(to).addr_spec
        except ValueError as exc:
            raise PermanentDeliveryError(repr(to), f"bad address: {exc}") from None
        msg = self.message(alert, to)
        try:
            with self._connect() as smtp:
                if self.username:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(msg, from_addr=self.sender, to_addrs=[to])
        except (smtplib.SMTPException, OSError) as exc:
            raise _translate(exc, to) from exc

    def _connect(self) -> smtplib.SMTP:
        if self.security == "ssl":
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=_tls())
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.security == "starttls":
            try:
                smtp.starttls(context=_tls())
            except BaseException:
                smtp.close()
                raise
        return smtp


def _tls() -> ssl.SSLContext:
    return ssl.create_default_context()


def _address(value: str) -> Address:
    """One plain ``local@domain`` address; anything else (lists, display names, CR/LF) is refused."""
    if not isinstance(value, str) or not value or value != value.strip() or "," in value:
        raise ValueError(f"not a single email address: {value!r}")
    address = Address(addr_spec=value)
    if not address.username or not address.domain:
        raise ValueError(f"not a single email address: {value!r}")
    return address


def _id_part(alert_id: str) -> str:
    if _SAFE_ID.fullmatch(alert_id):
        return alert_id
    # An id with characters a Message-ID cannot carry is hashed: still stable across retries.
    return hashlib.sha256(alert_id.encode("utf-8")).hexdigest()[:40]


def _token(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", value)[:64]


def _translate(exc: BaseException, to: str) -> DeliveryError:
    """The one place smtplib and socket errors become :mod:`alerts.errors`."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, reply = next(iter(exc.recipients.values()), (550, b"recipient refused"))
        return _by_code(to, code, f"recipient refused: {code} {_text(reply)}")
    if isinstance(exc, smtplib.SMTPResponseException):
        return _by_code(to, exc.smtp_code, f"SMTP {exc.smtp_code} {_text(exc.smtp_error)}")
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return PermanentDeliveryError(to, f"server does not support what this message needs: {exc}")
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return TransientDeliveryError(to, f"connection dropped: {exc}")
    if isinstance(exc, smtplib.SMTPException):
        # no reply code: a client-side refusal (e.g. no usable AUTH method), retrying will not help
        return PermanentDeliveryError(to, f"{type(exc).__name__}: {exc}")
    if isinstance(exc, ssl.SSLCertVerificationError):
        return PermanentDeliveryError(to, f"TLS certificate rejected: {exc}")
    if isinstance(exc, TimeoutError):
        return TransientDeliveryError(to, f"timed out: {exc}")
    return TransientDeliveryError(to, f"{type(exc).__name__}: {exc}")


def _by_code(to: str, code: int, message: str) -> DeliveryError:
    # 5xx is a final no; 4xx (and a garbled code) means "try later"
    if 500 <= code < 600:
        return PermanentDeliveryError(to, message)
    return TransientDeliveryError(to, message)


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
