"""The delivery job: send one alert to one subscriber on one channel, exactly once if it can.

A delivery row that is no longer ``pending`` makes the job a no-op, so a duplicate enqueue or a
re-run after a killed worker sends nothing twice (short of a kill between the send and the
commit: receivers de-duplicate on ``webhook-id``, which stays the same across retries).

Transient failures (connection refused, timeouts, 429, 5xx, SMTP 4xx) are retried with
exponential backoff and jitter over about four hours, never sooner than a ``Retry-After`` asks;
each retry is a new job scheduled for its time (``deliver-<id>-<attempt>``). A 410 disables the
subscriber's channel; other permanent failures, or running out of attempts, leave the delivery
``failed`` with its last error for ``govwatch deliveries --failed`` and ``replay``.
"""

from __future__ import annotations

import logging
import random
from datetime import timedelta
from typing import Any

from alerts.errors import EndpointGone, PermanentDeliveryError, TransientDeliveryError
from alerts.records import Alert
from govwatch.channels import send_to
from govwatch.schema import aware, now
from govwatch.subscribers import Subscriber
from workers import metrics, runtime
from workers.queues import enqueue_delivery

logger = logging.getLogger(__name__)

RETRY_BASE = 30.0
"""Seconds before the first retry; each later retry waits twice as long (with ±20% jitter)."""

RETRY_CAP = 2 * 3600.0
"""No wait between two attempts is longer than two hours."""

SEND_CLAIM = 40
"""Seconds one job may hold a delivery while sending it (longer than any channel's timeouts)."""


def backoff(attempt: int, retry_after: float | None = None, *, base: float = RETRY_BASE) -> float:
    """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
    delay = min(RETRY_CAP, base * 2 ** (attempt - 1)) * random.uniform(0.8, 1.2)
    return max(delay, retry_after or 0.0)


CLAIM_PREFIX = "govwatch:sending:"


def claim_token() -> str:
    """``<worker name>|<random>``: the supervisor frees the claims of a worker it saw die."""
    import uuid

    from rq import get_current_job

    job = get_current_job()
    return f"{(job.worker_name if job else None) or '-'}|{uuid.uuid4().hex}"


def build_alert(d: dict[str, Any]) -> Alert:
    data = d["event_data"] or {}
    article = data.get("article", {})
    title = article.get("title") or ""
    if d["event_type"] == "digest":
        title = f"{len(data.get('events', []))} 条更新"
    return Alert(
        id=d["id"],
        type=d["event_type"],
        timestamp=int(aware(d["event_created_at"]).timestamp()),
        region=d["event_region"],
        title=title,
        url=article.get("url") or "",
        data=data,
    )


def deliver(delivery_id: str) -> dict[str, Any]:
    """RQ job: send one pending delivery; schedule a retry or record the failure."""
    rt = runtime.get()
    with metrics.timed(rt.redis, "deliver"):
        result = _deliver(rt, delivery_id)
    if result["result"] in ("sent", "retry", "failed") and "channel" in result:
        metrics.count(rt.redis, "deliveries_total", channel=result.pop("channel"), result=result["result"])
    return result


def _deliver(rt: Any, delivery_id: str) -> dict[str, Any]:
    d = rt.store.outbox.get(delivery_id)
    if d is None or d["status"] != "pending":
        return {"delivery": delivery_id, "result": "nothing to do"}
    sub = rt.store.subscribers.get(d["subscriber_id"])
    if sub is None or d["channel"] in sub.disabled:
        why = "subscriber removed" if sub is None else f"channel disabled: {sub.disabled[d['channel']]}"
        rt.store.outbox.mark_failed(delivery_id, why, attempted=False)
        return {"delivery": delivery_id, "result": "failed", "error": why}
    where = f"{d['target']} ({d['channel']}, subscriber {d['subscriber_id']})"
    # two jobs for one delivery (a replay beside a scheduled retry) must not both send: claim it
    # (the claim expires by itself if its holder is killed: the job put back then waits for it)
    claim = rt.redis.lock(f"{CLAIM_PREFIX}{delivery_id}", timeout=SEND_CLAIM, blocking_timeout=SEND_CLAIM + 5)
    if not claim.acquire(token=claim_token()):
        return {"delivery": delivery_id, "result": "nothing to do"}
    try:
        d = rt.store.outbox.get(delivery_id)  # read again under the claim
        if d is None or d["status"] != "pending":
            return {"delivery": delivery_id, "result": "nothing to do"}
        return _send(rt, d, sub, where)
    finally:
        claim.release()


def _send(rt: Any, d: dict[str, Any], sub: Subscriber, where: str) -> dict[str, Any]:
    delivery_id = d["id"]
    try:
        send_to(rt.channel(d["channel"]), d["channel"], build_alert(d), d["target"], sub)
    except TransientDeliveryError as e:
        return _retry_or_fail(d, where, e)
    except EndpointGone as e:
        rt.store.subscribers.disable_channel(sub.id, d["channel"], f"410 Gone at {now():%Y-%m-%d %H:%M} UTC")
        rt.store.outbox.mark_failed(delivery_id, str(e))
        logger.error("delivery %s to %s: endpoint gone (410); channel disabled until resumed", delivery_id, where)
        return {"delivery": delivery_id, "channel": d["channel"], "result": "failed", "error": str(e)}
    except (PermanentDeliveryError, ValueError) as e:
        # ValueError: a target or secret the channel cannot use; retrying would not help
        rt.store.outbox.mark_failed(delivery_id, str(e))
        logger.error("delivery %s to %s failed for good: %s", delivery_id, where, e)
        return {"delivery": delivery_id, "channel": d["channel"], "result": "failed", "error": str(e)}
    rt.store.outbox.mark_sent(delivery_id)
    logger.info("delivered %s %s to %s", d["event_type"], delivery_id, where)
    return {"delivery": delivery_id, "channel": d["channel"], "result": "sent"}


def _retry_or_fail(d: dict[str, Any], where: str, e: TransientDeliveryError) -> dict[str, Any]:
    rt = runtime.get()
    attempt = int(d["attempts"]) + 1
    if attempt >= rt.settings.delivery.max_attempts:
        rt.store.outbox.mark_failed(d["id"], str(e))
        logger.error("delivery %s to %s failed after %d attempts: %s", d["id"], where, attempt, e)
        return {"delivery": d["id"], "channel": d["channel"], "result": "failed", "error": str(e)}
    delay = backoff(attempt, e.retry_after, base=rt.settings.delivery.retry_base)
    rt.store.outbox.retry_later(d["id"], str(e), at=now() + timedelta(seconds=delay))
    enqueue_delivery(rt.redis, d["id"], attempt=attempt, delay=delay)
    logger.warning("delivery %s to %s failed (%s); retry %d in %.0fs", d["id"], where, e, attempt, delay)
    return {"delivery": d["id"], "channel": d["channel"], "result": "retry", "in": delay}
