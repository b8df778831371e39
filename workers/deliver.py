"""The delivery job: send one alert to one subscriber on one channel, exactly once if it can.

A delivery row that is no longer ``pending`` makes the job a no-op, so a duplicate enqueue or a
re-run after a killed worker sends nothing twice (short of a kill between the send and the
commit: receivers de-duplicate on ``webhook-id``, which stays the same across retries).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from rq import get_current_job

from alerts.errors import PermanentDeliveryError, TransientDeliveryError
from alerts.records import Alert
from govwatch.settings import SubscriberConfig
from workers import runtime

logger = logging.getLogger(__name__)


def _timestamp(value: datetime) -> int:
    if value.tzinfo is None:  # SQLite hands back naive datetimes; we store UTC
        value = value.replace(tzinfo=UTC)
    return int(value.timestamp())


def build_alert(d: dict[str, Any]) -> Alert:
    data = d["event_data"] or {}
    article = data.get("article", {})
    return Alert(
        id=d["id"],
        type=d["event_type"],
        timestamp=_timestamp(d["event_created_at"]),
        region=d["event_region"],
        title=article.get("title") or "",
        url=article.get("url") or "",
        data=data,
    )


def _subscriber(d: dict[str, Any]) -> SubscriberConfig | None:
    return next((s for s in runtime.get().settings.subscribers if s.id == d["subscriber_id"]), None)


def deliver(delivery_id: str) -> dict[str, Any]:
    """RQ job: send one pending delivery; transient failures raise so RQ retries with backoff."""
    rt = runtime.get()
    d = rt.store.delivery(delivery_id)
    if d is None or d["status"] != "pending":
        return {"delivery": delivery_id, "result": "nothing to do"}
    sub = _subscriber(d)
    if sub is None:
        rt.store.mark_delivery(delivery_id, status="failed", error="subscriber no longer configured", attempted=False)
        return {"delivery": delivery_id, "result": "failed"}
    alert = build_alert(d)
    try:
        if d["channel"] == "email":
            rt.channel("email").send(alert, to=d["target"])
        else:
            secret = sub.webhook.secret if sub.webhook else None
            rt.channel("webhook").send(alert, d["target"], secret)
    except TransientDeliveryError as e:
        job = get_current_job()
        last = job is None or not job.retries_left
        rt.store.mark_delivery(delivery_id, status="failed" if last else "pending", error=str(e))
        logger.warning(
            "delivery %s to %s (%s) failed%s: %s",
            delivery_id,
            d["target"],
            d["channel"],
            "" if last else ", will retry",
            e,
        )
        raise
    except PermanentDeliveryError as e:
        rt.store.mark_delivery(delivery_id, status="failed", error=str(e))
        logger.error("delivery %s to %s (%s) failed for good: %s", delivery_id, d["target"], d["channel"], e)
        return {"delivery": delivery_id, "result": "failed", "error": str(e)}
    rt.store.mark_delivery(delivery_id, status="sent")
    logger.info("delivered %s %s to %s (%s)", alert.type, delivery_id, d["target"], d["channel"])
    return {"delivery": delivery_id, "result": "sent"}
