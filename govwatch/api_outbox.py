"""HTTP API routes for deliveries and subscribers (all need a bearer token).

::

    GET  /deliveries?status=failed&limit=   what was sent, what failed and why
    POST /deliveries/{id}/replay            send one again                          → 202
    GET  /subscribers                       every subscriber, its channels, filters and state
    POST /subscribers  {"id": …, …}         add one (kept in the database)          → 201
    POST /subscribers/{id}/pause            stop alerting it
    POST /subscribers/{id}/resume           alert it again (re-enables channels disabled by a 410)
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from govwatch.api_common import ERRORS, ApiError, Ctx, plain
from govwatch.subscribers import Subscriber, parse_subscriber

router = APIRouter(responses=ERRORS)

DeliveryStatus = Literal["pending", "sent", "failed", "held", "digested"]


class WebhookIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(examples=["https://hooks.example.org/govwatch"])
    secret: str | None = Field(default=None, description="Standard Webhooks signing secret, whsec_ + base64")


class ThresholdIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    indicator: str
    below: float | None = None
    above: float | None = None


class SubscriberIn(BaseModel):
    """A subscriber as govwatch.yaml writes it: an email address, a webhook and/or chat URLs, and filters."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1, max_length=200, examples=["desk"])
    email: str | None = Field(default=None, examples=["desk@example.org"])
    webhook: WebhookIn | None = None
    chat: list[str] = []
    regions: list[str] = []
    events: list[str] | None = Field(default=None, examples=[["release.new", "metric.changed"]])
    keywords: list[str] = []
    indicators: list[str] = []
    thresholds: list[ThresholdIn] = []
    digest: str | None = Field(default=None, description="HH:MM China time: one digest a day", examples=["08:00"])


def _subscriber(sub: Subscriber, source: str | None) -> dict[str, Any]:
    spec = sub.spec()
    if spec.get("webhook", {}).get("secret"):  # a signing key is not for API readers
        spec["webhook"] = dict(spec["webhook"], secret="whsec_…" + spec["webhook"]["secret"][-4:])
    if sub.chat:
        spec["chat"] = [_redact_chat(u) for u in sub.chat]
    return dict(spec, id=sub.id, paused=sub.paused, disabled=sub.disabled, source=source)


def _redact_chat(url: str) -> str:
    """``dingtalk://SECRET@TOKEN`` → ``dingtalk://…``: bot keys are credentials."""
    scheme, _, _rest = url.partition("://")
    return f"{scheme}://…"


@router.get("/deliveries", tags=["deliveries"], summary="Deliveries, newest first")
def list_deliveries(ctx: Ctx, status: DeliveryStatus | None = None,
                    limit: Annotated[int, Query(ge=1, le=500)] = 50) -> list[dict[str, Any]]:
    """Each delivery with its status, attempts, last error, target and the event it carries."""
    return [plain(r) for r in ctx.store.outbox.listing(status, limit)]


@router.post("/deliveries/{delivery_id}/replay", status_code=202, tags=["deliveries"],
             summary="Send a delivery again")
def replay_delivery(delivery_id: str, ctx: Ctx) -> dict[str, Any]:
    """Make the delivery pending again (attempts start over) and queue it for sending."""
    from workers.queues import enqueue_delivery

    row = ctx.store.outbox.get(delivery_id)
    if row is None:
        raise ApiError(404, "not_found", f"no delivery {delivery_id!r}")
    if not ctx.store.outbox.replay(delivery_id):
        raise ApiError(409, "conflict",
                       f"{delivery_id} is {row['status']}: only sent or failed deliveries are replayed")
    with ctx.redis() as conn:
        queued = enqueue_delivery(conn, delivery_id)
    return {"id": delivery_id, "status": "pending", "queued": queued}


@router.get("/subscribers", tags=["subscribers"], summary="Every subscriber")
def list_subscribers(ctx: Ctx) -> list[dict[str, Any]]:
    """Channels, filters, paused/disabled state, and ``source``: config (govwatch.yaml) or cli (the database)."""
    box = ctx.store.subscribers
    return [_subscriber(s, box.source(s.id)) for s in box.all()]


@router.post("/subscribers", status_code=201, tags=["subscribers"], summary="Add a subscriber")
def add_subscriber(body: SubscriberIn, ctx: Ctx) -> dict[str, Any]:
    """Add a subscriber kept in the database (as ``govwatch subscribers add`` does).

    A webhook that is, or resolves to, a loopback/private/link-local address is refused with 400
    unless ``allow_private_targets: true``; a duplicate id is 409.
    """
    from govwatch.errors import ConfigError
    from govwatch.netguard import check_subscriber

    sub = parse_subscriber(body.model_dump(exclude_none=True))  # ConfigError: 422
    check_subscriber(ctx.settings, sub)  # UnsafeTarget: 400
    if ctx.store.subscribers.get(sub.id) is not None:
        raise ApiError(409, "conflict", f"a subscriber with id {sub.id!r} exists already")
    try:
        ctx.store.subscribers.add(sub, datetime.now(UTC))
    except ConfigError as e:  # added meanwhile by someone else
        raise ApiError(409, "conflict", str(e)) from None
    return _subscriber(sub, "cli")


def _set_paused(ctx: Ctx, subscriber_id: str, paused: bool) -> dict[str, Any]:
    if not ctx.store.subscribers.set_paused(subscriber_id, paused):
        raise ApiError(404, "not_found", f"no subscriber {subscriber_id!r}")
    sub = ctx.store.subscribers.get(subscriber_id)
    assert sub is not None
    return _subscriber(sub, ctx.store.subscribers.source(subscriber_id))


@router.post("/subscribers/{subscriber_id}/pause", tags=["subscribers"], summary="Pause a subscriber")
def pause_subscriber(subscriber_id: str, ctx: Ctx) -> dict[str, Any]:
    """Stop alerting the subscriber until resumed (events meanwhile are not queued for it)."""
    return _set_paused(ctx, subscriber_id, True)


@router.post("/subscribers/{subscriber_id}/resume", tags=["subscribers"], summary="Resume a subscriber")
def resume_subscriber(subscriber_id: str, ctx: Ctx) -> dict[str, Any]:
    """Alert the subscriber again, and re-enable channels that a 410 answer disabled."""
    return _set_paused(ctx, subscriber_id, False)
