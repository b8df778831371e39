"""Errors raised while delivering an alert.

* DeliveryError(target, message)
  + TransientDeliveryError(retry_after)   try again later: connection refused, timeout, 429, 5xx, SMTP 4xx
  + PermanentDeliveryError                 do not retry: 4xx other than 429, 3xx, SMTP 5xx, bad address
    + EndpointGone                         410: the receiver asked us to stop; disable the endpoint

Library errors (httpx, smtplib) are translated into this tree inside each channel's ``send``.
"""

from __future__ import annotations


class DeliveryError(Exception):
    def __init__(self, target: str, message: str) -> None:
        super().__init__(f"{target}: {message}")
        self.target = target
        self.message = message


class TransientDeliveryError(DeliveryError):
    def __init__(self, target: str, message: str, retry_after: float | None = None) -> None:
        super().__init__(target, message)
        self.retry_after = retry_after


class PermanentDeliveryError(DeliveryError):
    pass


class EndpointGone(PermanentDeliveryError):
    pass
