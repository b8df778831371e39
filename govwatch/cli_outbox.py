"""``govwatch subscribers …`` and ``govwatch deliveries …``: who gets alerts, and what was sent."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import click

from govwatch.cli import Ctx, cli
from govwatch.errors import GovwatchError
from govwatch.netguard import check_subscriber
from govwatch.storage import Store
from govwatch.subscribers import EVENT_TYPES, Subscriber, parse_subscriber


def _store(obj: Ctx) -> Store:
    settings = obj.settings()
    store = Store.connect(settings.database_url)
    store.create_all()
    store.subscribers.sync_config(settings.subscribers, datetime.now(UTC))
    return store


def _describe(sub: Subscriber, source: str | None) -> str:
    channels = ", ".join(f"{ch} {t}" for ch, t in sub.channels()) or "no active channel"
    parts = [f"{sub.id:<18} {channels}"]
    filters = []
    if sub.regions:
        filters.append("regions " + "/".join(sub.regions))
    if tuple(sub.events) != ("release.new",):
        filters.append("events " + ",".join(sub.events))
    for name in ("keywords", "indicators"):
        if getattr(sub, name):
            filters.append(f"{name} " + "/".join(getattr(sub, name)))
    for t in sub.thresholds:
        filters.append(f"{t.indicator}" + (f" < {t.below:g}" if t.below is not None else "")
                       + (f" > {t.above:g}" if t.above is not None else ""))
    if sub.digest:
        filters.append(f"digest at {sub.digest}")
    state = "PAUSED" if sub.paused else "active"
    if sub.disabled:
        state += "; disabled: " + ", ".join(f"{k} ({v})" for k, v in sub.disabled.items())
    parts.append(f"    [{state}; from {source}] " + "; ".join(filters))
    return "\n".join(parts)


@cli.group()
def subscribers() -> None:
    """List, add, remove, pause, resume and test subscribers.

    Subscribers from govwatch.yaml are re-read at every start; those added here live in the
    database. Changes reach running workers within seconds.
    """


@subscribers.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def subscribers_list(obj: Ctx, as_json: bool) -> None:
    """Every subscriber with its channels, filters and state."""
    store = _store(obj)
    subs = store.subscribers.all()
    if as_json:
        rows = [dict(sub.spec(), id=sub.id, paused=sub.paused, disabled=sub.disabled,
                     source=store.subscribers.source(sub.id)) for sub in subs]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return
    for sub in subs:
        click.echo(_describe(sub, store.subscribers.source(sub.id)))
    if not subs:
        click.echo("no subscribers: add one to govwatch.yaml or with `govwatch subscribers add`")


@subscribers.command("add")
@click.argument("subscriber_id")
@click.option("--email", help="email address")
@click.option("--webhook", help="webhook URL")
@click.option("--secret", help="webhook signing secret (whsec_… base64)")
@click.option("--chat", multiple=True, help="chat-bot URL: wecombot://KEY, dingtalk://SECRET@TOKEN, feishu://…")
@click.option("--region", "regions", multiple=True, help="only these regions (a city covers its districts)")
@click.option("--event", "events", multiple=True, type=click.Choice([*EVENT_TYPES, "all"]),
              help="event types [default release.new]")
@click.option("--keyword", "keywords", multiple=True, help="only events mentioning this word")
@click.option("--indicator", "indicators", multiple=True, help="only metrics of this indicator")
@click.option("--below", nargs=2, multiple=True, metavar="INDICATOR VALUE", help="only when INDICATOR < VALUE")
@click.option("--above", nargs=2, multiple=True, metavar="INDICATOR VALUE", help="only when INDICATOR > VALUE")
@click.option("--digest", metavar="HH:MM", help="one digest a day at this China time instead of instant alerts")
@click.pass_obj
def subscribers_add(obj: Ctx, subscriber_id: str, email: str | None, webhook: str | None, secret: str | None,
                    chat: tuple[str, ...], regions: tuple[str, ...], events: tuple[str, ...],
                    keywords: tuple[str, ...], indicators: tuple[str, ...], below: tuple, above: tuple,
                    digest: str | None) -> None:
    """Add a subscriber (kept in the database)."""
    spec: dict[str, Any] = {"id": subscriber_id, "email": email, "chat": list(chat), "regions": list(regions),
                            "events": list(events) or None, "keywords": list(keywords),
                            "indicators": list(indicators), "digest": digest,
                            "thresholds": [{"indicator": i, "below": v} for i, v in below]
                            + [{"indicator": i, "above": v} for i, v in above]}
    if webhook:
        spec["webhook"] = {"url": webhook, "secret": secret}
    try:
        sub = parse_subscriber(spec)
        check_subscriber(obj.settings(), sub)  # no webhooks to loopback/private addresses
        store = _store(obj)
        store.subscribers.add(sub, datetime.now(UTC))
    except GovwatchError as e:
        raise click.ClickException(str(e)) from None
    click.echo(_describe(sub, "cli"))


@subscribers.command("remove")
@click.argument("subscriber_id")
@click.pass_obj
def subscribers_remove(obj: Ctx, subscriber_id: str) -> None:
    """Remove a subscriber added with `subscribers add` (edit govwatch.yaml for the others)."""
    store = _store(obj)
    source = store.subscribers.source(subscriber_id)
    if source is None:
        raise click.ClickException(f"no subscriber {subscriber_id!r}")
    if source == "config":
        raise click.ClickException(f"{subscriber_id} is defined in govwatch.yaml: remove it there "
                                   "(or pause it with `govwatch subscribers pause`)")
    store.subscribers.remove(subscriber_id)
    click.echo(f"removed {subscriber_id}")


def _set_paused(obj: Ctx, subscriber_id: str, paused: bool) -> None:
    if not _store(obj).subscribers.set_paused(subscriber_id, paused):
        raise click.ClickException(f"no subscriber {subscriber_id!r}")
    click.echo(f"{subscriber_id} {'paused' if paused else 'resumed (disabled channels re-enabled)'}")


@subscribers.command("pause")
@click.argument("subscriber_id")
@click.pass_obj
def subscribers_pause(obj: Ctx, subscriber_id: str) -> None:
    """Stop alerting a subscriber until resumed (events meanwhile are not queued for it)."""
    _set_paused(obj, subscriber_id, True)


@subscribers.command("resume")
@click.argument("subscriber_id")
@click.pass_obj
def subscribers_resume(obj: Ctx, subscriber_id: str) -> None:
    """Resume a paused subscriber, and re-enable channels disabled by a 410 answer."""
    _set_paused(obj, subscriber_id, False)


@subscribers.command("test")
@click.argument("subscriber_id")
@click.pass_obj
def subscribers_test(obj: Ctx, subscriber_id: str) -> None:
    """Send a test message to each of a subscriber's channels now, and say how it went."""
    from govwatch.channels import send_test

    settings = obj.settings()
    sub = _store(obj).subscribers.get(subscriber_id)
    if sub is None:
        raise click.ClickException(f"no subscriber {subscriber_id!r}")
    failures = 0
    for channel, target, error in send_test(settings, sub):
        click.echo(f"{channel:<8} {target}: {'ok' if error is None else 'FAILED: ' + error}")
        failures += error is not None
    if failures:
        raise SystemExit(1)


@cli.command()
@click.option("--failed", "status", flag_value="failed", help="only deliveries that gave up")
@click.option("--pending", "status", flag_value="pending", help="only deliveries waiting to be sent")
@click.option("--limit", default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.argument("action", required=False, type=click.Choice(["replay"]))
@click.argument("delivery_id", required=False)
@click.pass_obj
def deliveries(obj: Ctx, status: str | None, limit: int, as_json: bool, action: str | None,
               delivery_id: str | None) -> None:
    """List deliveries (newest first), or `deliveries replay ID` to send one again."""
    store = _store(obj)
    if action == "replay":
        _replay(obj, store, delivery_id)
        return
    rows = store.outbox.listing(status, limit)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return
    for r in rows:
        title = (r["event_data"] or {}).get("article", {}).get("title", "")
        click.echo(f"{r['id']}  {r['status']:<9} {r['attempts']:>2}×  {r['event_type']:<15} {r['subscriber_id']} "
                   f"{r['channel']} {r['target']}  {title[:40]}")
        if r["last_error"]:
            click.echo(f"    last error: {r['last_error']}")
    if not rows:
        click.echo("no deliveries" + (f" with status {status}" if status else ""))


def _replay(obj: Ctx, store: Store, delivery_id: str | None) -> None:
    from govwatch.daemon import redis_for
    from govwatch.embedded_redis import connect
    from workers.queues import enqueue_delivery

    if not delivery_id:
        raise click.UsageError("give the delivery id: govwatch deliveries replay msg_…")
    row = store.outbox.get(delivery_id)
    if row is None:
        raise click.ClickException(f"no delivery {delivery_id!r}")
    if not store.outbox.replay(delivery_id):
        raise click.ClickException(f"{delivery_id} is {row['status']}: only sent or failed deliveries are replayed")
    with redis_for(obj.settings()) as url:
        enqueue_delivery(connect(url), delivery_id)
    click.echo(f"{delivery_id}: queued to send again")
