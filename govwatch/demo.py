"""``govwatch demo``: the whole loop, offline, in about a minute.

Starts two sample government sites (TRS and Hanweb styles), a webhook receiver and an SMTP server
on loopback, runs the monitor against them with an embedded Redis and SQLite in a scratch data
directory, publishes new releases one by one, and prints each alert as it arrives.
"""

from __future__ import annotations

import base64
import json
import secrets
import tempfile
import threading
import time
from pathlib import Path

import click
import yaml

from alerts.signing import verify
from govwatch.demo_sites import HanwebSite, TrsSite
from govwatch.loopback import SMTPCatcher, WebhookReceiver
from govwatch.settings import load_settings
from govwatch.storage import Store


def demo_config(trs: TrsSite, hanweb: HanwebSite, receiver: WebhookReceiver, smtp: SMTPCatcher, secret: str) -> dict:
    return {
        "sites": [trs.config("zaozhuang-sfj"), hanweb.config("huangshi-sfj")],
        "subscribers": [
            {"id": "analyst", "email": "analyst@example.org"},
            {"id": "zaozhuang-desk", "email": "desk@example.org", "regions": ["枣庄市"]},
            {"id": "ops-hook", "webhook": {"url": receiver.url, "secret": secret}},
        ],
        "smtp": {"host": smtp.host, "port": smtp.port, "sender": "govwatch@example.org"},
        "allow_private_targets": True,  # the receiver and the sample sites listen on 127.0.0.1
    }


def _wait_baseline(store: Store, site_ids: list[str], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(store.site_state(s).get("baseline_done") for s in site_ids):
            return True
        time.sleep(0.3)
    return False


class _Printer:
    def __init__(self, receiver: WebhookReceiver, smtp: SMTPCatcher, secret: str) -> None:
        self.receiver, self.smtp, self.secret = receiver, smtp, secret
        self.seen_hooks = self.seen_mails = 0

    def poll(self) -> None:
        for req in self.receiver.requests[self.seen_hooks :]:
            self.seen_hooks += 1
            try:
                verify(self.secret, req.headers, req.body)
                sig = "signature ok"
            except Exception as e:  # show, do not stop the demo
                sig = f"BAD SIGNATURE ({e})"
            body = json.loads(req.body)
            data = body["data"]
            click.echo(
                f"  webhook  {body['type']:<12} {data['article']['region']} · {data['article']['title']}"
                f"  ({len(data['metrics'])} metrics, {len(data['initiatives'])} initiatives; {sig})"
            )
            for m in data["metrics"][:4]:
                click.echo(f"           · {m['indicator']} = {m['value']}{m['unit']}")
        for msg in self.smtp.messages[self.seen_mails :]:
            self.seen_mails += 1
            click.echo(f"  email    to {msg['To']:<22} {msg['Subject']}")


def run_demo(*, data_dir: Path | None, duration: float = 60.0, workers: int = 2, log_level: str = "WARNING") -> None:
    from govwatch.daemon import run as run_daemon

    scratch = None
    if data_dir is None:
        scratch = tempfile.TemporaryDirectory(prefix="govwatch-demo-")
        data_dir = Path(scratch.name)
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()
    with (
        TrsSite(load_trs(), initially=3) as trs,
        HanwebSite(load_hanweb(), initially=2) as hanweb,
        WebhookReceiver() as receiver,
        SMTPCatcher() as smtp,
    ):
        config = data_dir / "govwatch.yaml"
        config.write_text(
            yaml.safe_dump(demo_config(trs, hanweb, receiver, smtp, secret), allow_unicode=True), encoding="utf-8"
        )
        settings = load_settings(
            config,
            data_dir,
            env={"GOVWATCH_LOG_LEVEL": log_level},  # the demo's own settings: no GOVWATCH_* from outside
            workers=workers,
        )
        click.echo(f"sample sites:   {trs.list_url} (TRS)   {hanweb.list_url} (Hanweb)")
        click.echo(f"webhook:        {receiver.url}    SMTP: {smtp.host}:{smtp.port}    data: {data_dir}")
        store = Store.connect(settings.database_url)
        store.create_all()
        stop = threading.Event()
        daemon = threading.Thread(target=run_daemon, args=(settings,), kwargs={"stop": stop}, daemon=True)
        daemon.start()
        try:
            _script(store, trs, hanweb, _Printer(receiver, smtp, secret), duration)
        except KeyboardInterrupt:
            click.echo("interrupted")
        finally:
            click.echo("stopping the monitor…")
            stop.set()
            daemon.join(60)
            store.close()
    if scratch is not None:
        scratch.cleanup()


def load_trs() -> list:
    from govwatch.demo_sites import load_releases

    return load_releases()["trs"]


def load_hanweb() -> list:
    from govwatch.demo_sites import load_releases

    return load_releases()["hanweb"]


def _script(store: Store, trs: TrsSite, hanweb: HanwebSite, printer: _Printer, duration: float) -> None:
    start = time.monotonic()
    click.echo("monitor starting; first crawl records the back catalogue silently…")
    if not _wait_baseline(store, ["zaozhuang-sfj", "huangshi-sfj"], timeout=min(30.0, duration)):
        click.echo("the first crawl did not finish in time; see the log above")
        return
    click.echo(
        f"baseline recorded ({len(trs.published) + len(hanweb.published)} articles, no alerts). "
        "Publishing new releases:"
    )
    sites = [trs, hanweb]
    turn = published = 0
    next_publish = time.monotonic()
    while time.monotonic() - start < duration:
        if time.monotonic() >= next_publish and any(s.pending for s in sites):
            site = sites[turn % 2] if sites[turn % 2].pending else sites[(turn + 1) % 2]
            rel = site.publish_next()
            turn += 1
            if rel:
                published += 1
                click.echo(f"published  {site.region} · {rel.title}")
            next_publish = time.monotonic() + 4.0
        printer.poll()
        if (
            not any(s.pending for s in sites)
            and printer.seen_hooks >= published
            and time.monotonic() > next_publish + 4
        ):
            break
        time.sleep(0.2)
    printer.poll()
    click.echo(f"{printer.seen_hooks} webhook(s) and {printer.seen_mails} email(s) received.")
