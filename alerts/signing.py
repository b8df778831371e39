"""Standard Webhooks signatures (https://www.standardwebhooks.com, spec v1.0.0).

The signed content is ``f"{msg_id}.{timestamp}.{body}"``; the signature is the base64 of its
HMAC-SHA256 under the secret's key, prefixed with the version: ``v1,<base64>``. A secret is
``whsec_`` followed by the base64 of the key; a secret pasted without the prefix is accepted too.
Several signatures may share one ``webhook-signature`` header, separated by spaces (key rotation).

    >>> secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    >>> body = b'{"test": 2432232314}'
    >>> sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body)
    'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='
    >>> h = headers(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body)
    >>> verify(secret, h, body, now=1614265330)  # returns None, raises InvalidSignature otherwise
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import time
from collections.abc import Mapping

SECRET_PREFIX = "whsec_"
"""The prefix Standard Webhooks puts before the base64 key of a symmetric secret."""

DEFAULT_TOLERANCE = 300
"""Seconds a timestamp may lie from now, either way, before :func:`verify` calls it stale."""


class InvalidSignature(ValueError):
    """The headers are missing, stale, or carry no signature that matches the body."""


def _key(secret: str) -> bytes:
    encoded = secret.removeprefix(SECRET_PREFIX)
    try:
        return base64.b64decode(encoded, validate=True)
    except binascii.Error as exc:
        raise ValueError("webhook secret is not base64 (expected 'whsec_<base64>')") from exc


def _as_bytes(body: bytes | str) -> bytes:
    return body.encode("utf-8") if isinstance(body, str) else body


def sign(secret: str, msg_id: str, timestamp: int, body: bytes | str) -> str:
    """The ``webhook-signature`` value for one message: ``v1,<base64 HMAC-SHA256>``."""
    content = f"{msg_id}.{int(timestamp)}.".encode() + _as_bytes(body)
    digest = hmac.new(_key(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def headers(secret: str, msg_id: str, timestamp: int, body: bytes | str) -> dict[str, str]:
    """The three Standard Webhooks headers for one message."""
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(timestamp)),
        "webhook-signature": sign(secret, msg_id, timestamp, body),
    }


def verify(
    secret: str,
    headers: Mapping[str, str],
    body: bytes | str,
    *,
    tolerance: int = DEFAULT_TOLERANCE,
    now: float | None = None,
) -> None:
    """Check a received message; raise :class:`InvalidSignature` unless one ``v1`` signature matches.

    Header names are matched case-insensitively. ``now`` (Unix seconds) is for tests.
    """
    lowered = {k.lower(): v for k, v in headers.items()}
    msg_id = lowered.get("webhook-id")
    raw_timestamp = lowered.get("webhook-timestamp")
    signatures = lowered.get("webhook-signature")
    if not (msg_id and raw_timestamp and signatures):
        raise InvalidSignature("missing webhook-id, webhook-timestamp or webhook-signature header")
    timestamp = _check_timestamp(raw_timestamp, tolerance, time.time() if now is None else now)
    expected = sign(secret, msg_id, timestamp, body).encode("ascii")
    for candidate in signatures.split():
        # Other versions (v1a is asymmetric) are skipped, not failed: a sender may send several.
        given = candidate.encode("ascii", "replace")
        if candidate.startswith("v1,") and hmac.compare_digest(given, expected):
            return
    raise InvalidSignature("no matching v1 signature")


def _check_timestamp(raw: str, tolerance: int, now: float) -> int:
    try:
        timestamp = int(raw)
    except ValueError:
        raise InvalidSignature(f"webhook-timestamp is not an integer: {raw!r}") from None
    if abs(now - timestamp) > tolerance:
        raise InvalidSignature(f"webhook-timestamp {timestamp} is more than {tolerance}s from now")
    return timestamp
