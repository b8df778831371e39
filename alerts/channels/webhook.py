"""Webhook channel: POST the alert as JSON, with Standard Webhooks headers.

The body is ``alert.payload()`` as UTF-8 JSON (Chinese is sent as is, not ``\\u`` escaped).
``webhook-id`` is ``alert.id``, so every retry of one alert carries the same id and receivers can
de-duplicate; ``webhook-timestamp`` is the time of each attempt and the signature is made afresh,
so a retry hours later still passes a receiver's five-minute tolerance (the event's own time is
the body's ``timestamp``); ``webhook-signature`` is added when the endpoint has a secret (see
:mod:`alerts.signing`).

    >>> with WebhookChannel(timeout=5.0) as channel:  # doctest: +SKIP
    ...     channel.send(alert, "https://hooks.example.org/govwatch", secret="whsec_MfKQ9r8GKYqrTwjUPD8I...")

How answers map to :mod:`alerts.errors`:

======================================  ==========================================
2xx                                     delivered
3xx                                     PermanentDeliveryError (redirects are not followed)
410                                     EndpointGone
408, 429, 5xx, timeout, connection      TransientDeliveryError, ``retry_after`` from Retry-After
other 4xx, bad URL                      PermanentDeliveryError
refused by ``guard`` (SSRF check)       PermanentDeliveryError, before any connection
======================================  ==========================================
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType

import httpx

from alerts import signing
from alerts.errors import DeliveryError, EndpointGone, PermanentDeliveryError, TransientDeliveryError
from alerts.records import Alert

RETRYABLE_STATUSES = frozenset({408, 429})
"""4xx answers that mean "later", not "never"; every 5xx is retryable too."""

ERROR_SNIPPET = 200
"""Characters of an error response's body kept in the error message."""


class WebhookChannel:
    """POST alerts to webhook URLs with one reusable HTTP client. See the module docstring."""

    def __init__(
        self,
        *,
        timeout: float = 10.0,
        user_agent: str = "govwatch/0.1",
        transport: httpx.BaseTransport | None = None,
        guard: Callable[[str], None] | None = None,
    ) -> None:
        self._guard = guard  # raises ValueError for a URL that must not be reached (loopback, private…)
        self._client = httpx.Client(
            timeout=timeout,
            follow_redirects=False,
            transport=transport,
            headers={"user-agent": user_agent},
            trust_env=False,
        )

    def __enter__(self) -> WebhookChannel:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def send(self, alert: Alert, url: str, secret: str | None) -> None:
        """Deliver ``alert`` to ``url`` once; raise from :mod:`alerts.errors` on failure."""
        body = json.dumps(alert.payload(), ensure_ascii=False).encode("utf-8")
        headers = request_headers(alert, body, secret)
        if self._guard is not None:
            try:
                self._guard(url)  # every request: a name may resolve elsewhere than last time
            except ValueError as exc:
                raise PermanentDeliveryError(url, f"refused target: {exc}") from exc
        try:
            with self._client.stream("POST", url, content=body, headers=headers) as response:
                _check(response, url)
        except httpx.HTTPError as exc:
            raise _translate(exc, url) from exc
        except httpx.InvalidURL as exc:
            raise PermanentDeliveryError(url, f"invalid URL: {exc}") from exc


def request_headers(alert: Alert, body: bytes, secret: str | None, *, now: int | None = None) -> dict[str, str]:
    """Content type plus ``webhook-id``/``-timestamp`` (now), and ``webhook-signature`` when there is a secret."""
    stamp = int(time.time()) if now is None else now
    if secret:
        headers = signing.headers(secret, alert.id, stamp, body)
    else:
        headers = {"webhook-id": alert.id, "webhook-timestamp": str(stamp)}
    return {"content-type": "application/json", **headers}


def _check(response: httpx.Response, url: str) -> None:
    status = response.status_code
    if 200 <= status < 300:
        return
    if 300 <= status < 400:
        location = response.headers.get("location", "")
        raise PermanentDeliveryError(url, f"HTTP {status} redirect to {location!r} not followed")
    message = f"HTTP {status}{_snippet(response)}"
    if status == 410:
        raise EndpointGone(url, message)
    if status in RETRYABLE_STATUSES or status >= 500:
        raise TransientDeliveryError(url, message, retry_after(response.headers.get("retry-after")))
    raise PermanentDeliveryError(url, message)


def _snippet(response: httpx.Response) -> str:
    # Read a little of an error body for the log, never the whole of whatever the receiver sends.
    chunk = b""
    try:
        for part in response.iter_bytes():
            chunk += part
            if len(chunk) >= ERROR_SNIPPET:
                break
    except httpx.HTTPError:
        pass
    text = " ".join(chunk[:ERROR_SNIPPET].decode("utf-8", "replace").split())
    return f": {text}" if text else ""


def retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delay-seconds or HTTP-date); ``None`` if absent/bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = datetime.now(UTC).timestamp() if now is None else now
    return max(0.0, when.timestamp() - current)


def _translate(exc: httpx.HTTPError, url: str) -> DeliveryError:
    """The one place httpx errors become :mod:`alerts.errors`."""
    if isinstance(exc, httpx.UnsupportedProtocol):
        return PermanentDeliveryError(url, f"unsupported URL: {exc}")
    if isinstance(exc, httpx.TimeoutException):
        return TransientDeliveryError(url, f"timed out: {type(exc).__name__}")
    return TransientDeliveryError(url, f"{type(exc).__name__}: {exc}")
