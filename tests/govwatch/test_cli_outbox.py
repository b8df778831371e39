"""`govwatch subscribers …` and `govwatch deliveries …` as an operator uses them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from govwatch.cli import cli
from govwatch.loopback import SMTPCatcher, WebhookReceiver
from govwatch.storage import NewDelivery, NewEvent, Store

CONFIG = """
subscribers:
  - id: from-config
    email: analyst@example.org
smtp: {{host: 127.0.0.1, port: {port}, sender: govwatch@example.org}}
allow_private_targets: true  # the test's webhook receiver listens on 127.0.0.1
"""


@pytest.fixture
def smtp() -> SMTPCatcher:
    with SMTPCatcher() as s:
        yield s


@pytest.fixture
def env(tmp_path: Path, smtp: SMTPCatcher, redis_url: str, redis_conn: object) -> dict[str, str]:
    cfg = tmp_path / "govwatch.yaml"
    cfg.write_text(CONFIG.format(port=smtp.port), encoding="utf-8")
    return {"GOVWATCH_CONFIG": str(cfg), "GOVWATCH_DATA_DIR": str(tmp_path / "data"), "GOVWATCH_REDIS_URL": redis_url,
            "GOVWATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}


def invoke(env: dict[str, str], *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.stdout if "--json" in args else result.output


def test_add_list_pause_resume_remove(env: dict[str, str]) -> None:
    code, out = invoke(env, "subscribers", "add", "desk", "--email", "desk@example.org", "--region", "枣庄市",
                       "--event", "release.new", "--event", "metric.changed", "--below", "出庭应诉率", "100",
                       "--digest", "08:00")
    assert code == 0, out
    assert "regions 枣庄市" in out and "出庭应诉率 < 100" in out and "digest at 08:00" in out
    code, out = invoke(env, "subscribers", "list", "--json")
    rows = {r["id"]: r for r in json.loads(out)}
    assert rows["from-config"]["source"] == "config" and rows["desk"]["source"] == "cli"
    assert rows["desk"]["events"] == ["release.new", "metric.changed"]
    assert invoke(env, "subscribers", "pause", "desk")[0] == 0
    assert "PAUSED" in invoke(env, "subscribers", "list")[1]
    assert invoke(env, "subscribers", "resume", "desk")[0] == 0
    code, out = invoke(env, "subscribers", "remove", "from-config")
    assert code != 0 and "govwatch.yaml" in out
    code, out = invoke(env, "subscribers", "add", "desk", "--email", "x@example.org")
    assert code != 0 and "exists already" in out
    code, out = invoke(env, "subscribers", "add", "bad", "--webhook", "http://h/", "--secret", "whsec_%%%")
    assert code != 0 and "not base64" in out
    assert invoke(env, "subscribers", "remove", "desk")[0] == 0
    assert "desk" not in invoke(env, "subscribers", "list")[1]


def test_subscriber_test_message(env: dict[str, str], smtp: SMTPCatcher) -> None:
    code, out = invoke(env, "subscribers", "test", "from-config")
    assert code == 0 and "email    analyst@example.org: ok" in out
    [msg] = smtp.wait_for(1)
    assert msg["To"] == "analyst@example.org"
    with WebhookReceiver() as hook:
        hook.status = 500
        invoke(env, "subscribers", "add", "hook", "--webhook", hook.url)
        code, out = invoke(env, "subscribers", "test", "hook")
        assert code == 1 and "FAILED" in out and "500" in out


def test_deliveries_failed_and_replay(env: dict[str, str], smtp: SMTPCatcher) -> None:
    store = Store.connect(env["GOVWATCH_DATABASE_URL"])
    store.create_all()
    store.sync_sites([("zz", "枣庄市", None)])
    invoke(env, "subscribers", "list")  # syncs the configured subscribers
    [aid] = store.add_articles("zz", "枣庄市", [type("Ref", (), {"url": "http://a/1.html", "title": "t",
                                                                  "published": None})()], silent=False)
    ev = NewEvent(id="evt_1", type="release.new", region="枣庄市",
                  data={"article": {"url": "http://a/1.html", "title": "枣庄市发布通知", "region": "枣庄市"},
                        "metrics": [], "initiatives": []},
                  deliveries=(NewDelivery("from-config", "email", "analyst@example.org"),))
    [did] = store.save_processed(aid, fields={"content_hash": "h"}, fact_rows=[], new_events=[ev])
    store.outbox.mark_failed(did, "SMTP 550 mailbox unavailable")
    code, out = invoke(env, "deliveries", "--failed")
    assert did in out and "SMTP 550 mailbox unavailable" in out
    code, out = invoke(env, "deliveries", "replay", did)
    assert code == 0 and "queued to send again" in out
    assert store.outbox.get(did)["status"] == "pending"
    code, out = invoke(env, "deliveries", "replay", "msg_nope")
    assert code != 0 and "no delivery" in out
