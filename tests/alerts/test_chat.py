from __future__ import annotations

import json
import time
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import apprise
import pytest
from apprise.plugins.dingtalk import NotifyDingTalk
from apprise.plugins.feishu import NotifyFeishu
from apprise.plugins.lark import NotifyLark
from apprise.plugins.wecombot import NotifyWeComBot

from alerts import render
from alerts.channels import CHANNELS
from alerts.channels.chat import ChatChannel
from alerts.errors import PermanentDeliveryError, TransientDeliveryError
from alerts.records import Alert
from govwatch.loopback import WebhookReceiver

EventAlert = Callable[..., Alert]

# apprise posts with requests, which respx cannot see: these tests use a real loopback receiver.


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """requests honours proxy variables; keep loopback traffic on loopback."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def channel() -> ChatChannel:
    return ChatChannel(timeout=2.0)


def test_registered_as_chat() -> None:
    assert CHANNELS["chat"] is ChatChannel


# --- URLs ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "service"),
    [
        ("wecombot://0a1b2c3d-4e5f-6789-abcd-ef0123456789", "WeCom Bot"),
        ("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=0a1b2c3d-4e5f-6789-abcd-ef0123456789", "WeCom Bot"),
        ("dingtalk://0123456789abcdef0123456789abcdef", "DingTalk"),
        ("dingtalk://SEC0123456789abcdef@0123456789abcdef0123456789abcdef", "DingTalk"),
        ("feishu://0a1b2c3d-4e5f-6789-abcd-ef0123456789", "Feishu"),
        ("lark://0a1b2c3d-4e5f-6789-abcd-ef0123456789", "Lark"),
        ("https://open.larksuite.com/open-apis/bot/v2/hook/0a1b2c3d-4e5f-6789", "Lark"),
        ("json://127.0.0.1:8080/hook", "JSON"),
        ("forms://hooks.example.org/govwatch", "Form"),
    ],
)
def test_bot_urls_parse_without_sending(channel: ChatChannel, url: str, service: str) -> None:
    assert apprise.Apprise().add(url) is True
    parsed = channel.service(url)
    assert service in str(parsed.service_name)
    assert (parsed.socket_connect_timeout, parsed.socket_read_timeout) == (2.0, 2.0)


@pytest.mark.parametrize(
    "url",
    [
        "nonsense",
        "",
        "https://example.org/hook",  # a plain https URL no apprise service claims
        "https://oapi.dingtalk.com/robot/send?access_token=0123abcd",  # apprise 2.2 does not read native DingTalk
        "wecombot://bad key!",
        "dingtalk://",
        "http://[::1",
    ],
)
def test_unparseable_urls_are_permanent(channel: ChatChannel, url: str) -> None:
    with pytest.raises(PermanentDeliveryError, match="not an apprise URL"):
        channel.service(url)


@pytest.mark.parametrize("url", ["syslog://", "mailto://user:pass@example.org", "slack://T1JJ3T3L2/A1BRTD4JD/TIiajk"])
def test_services_outside_the_chat_schemes_are_permanent(
    channel: ChatChannel, event_alert: EventAlert, url: str
) -> None:
    with pytest.raises(PermanentDeliveryError, match="is not a chat service"):
        channel.send(event_alert("test"), url)


def test_schemes_can_be_widened() -> None:
    slack = "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7F"
    assert ChatChannel(schemes={"slack"}).service(slack).service_name == "Slack"
    with pytest.raises(PermanentDeliveryError):
        ChatChannel(schemes={"slack"}).service("json://127.0.0.1/hook")


def test_errors_never_carry_the_bot_key(channel: ChatChannel, event_alert: EventAlert) -> None:
    key = "0a1b2c3d4e5f6789"
    with pytest.raises(PermanentDeliveryError) as refused:
        ChatChannel(schemes={"json"}).send(event_alert("test"), f"wecombot://{key}")
    assert key not in str(refused.value) and refused.value.target.startswith("wecombot://")
    with pytest.raises(PermanentDeliveryError) as unparsed:
        channel.send(event_alert("test"), f"wecombot://{key} with spaces")
    assert key not in str(unparsed.value) and unparsed.value.target == "wecombot://…"


# --- delivery, through apprise's generic json:// and form:// against a loopback receiver -------------


def test_json_post_carries_subject_and_markdown(
    channel: ChatChannel, receiver: WebhookReceiver, event_alert: EventAlert
) -> None:
    alert = event_alert("metric.changed")
    channel.send(alert, f"json://{receiver.host}:{receiver.port}/hook")

    [request] = receiver.wait_for(1, timeout=5)
    assert (request.method, request.path) == ("POST", "/hook")
    body = json.loads(request.body)
    assert body["title"] == "[govwatch] 枣庄市 · 出庭应诉率 97% → 100% (2021年)"
    assert body["message"] == render.markdown_body(alert)


def test_form_post_carries_subject_and_markdown(
    channel: ChatChannel, receiver: WebhookReceiver, event_alert: EventAlert
) -> None:
    alert = event_alert("digest")
    channel.send(alert, f"form://{receiver.host}:{receiver.port}/hook")

    [request] = receiver.wait_for(1, timeout=5)
    form = parse_qs(request.body.decode("ascii"))
    assert form["title"] == ["[govwatch] 摘要: 5 条更新 (2026-11-21 08:00 以来)"]
    assert form["message"] == [render.markdown_body(alert)]


@pytest.mark.parametrize("status", [500, 503, 429, 400, 404])
def test_a_refusal_is_transient_with_apprises_reason(
    channel: ChatChannel, receiver: WebhookReceiver, event_alert: EventAlert, status: int
) -> None:
    receiver.status = status
    url = f"json://{receiver.host}:{receiver.port}/hook"
    with pytest.raises(TransientDeliveryError, match=f"error={status}") as raised:
        channel.send(event_alert("test"), url)
    assert raised.value.target == f"json://{receiver.host}:{receiver.port}/hook"
    assert len(receiver.requests) == 1  # apprise does not retry on its own: the queue does


def test_connection_refused_is_transient(channel: ChatChannel, event_alert: EventAlert) -> None:
    receiver = WebhookReceiver().start()
    receiver.stop()
    with pytest.raises(TransientDeliveryError, match="Connection error"):
        channel.send(event_alert("test"), f"json://{receiver.host}:{receiver.port}/hook")


def test_a_slow_bot_times_out_as_transient(receiver: WebhookReceiver, event_alert: EventAlert) -> None:
    receiver.delay = 3.0
    started = time.monotonic()
    with pytest.raises(TransientDeliveryError):
        ChatChannel(timeout=0.3).send(event_alert("test"), f"json://{receiver.host}:{receiver.port}/hook")
    assert time.monotonic() - started < 2.0
    assert len(receiver.requests) == 1


def test_a_failure_after_a_success_names_the_failure(
    channel: ChatChannel, receiver: WebhookReceiver, event_alert: EventAlert
) -> None:
    url = f"json://{receiver.host}:{receiver.port}/hook"
    channel.send(event_alert("test"), url)
    receiver.enqueue(502)
    with pytest.raises(TransientDeliveryError, match="error=502"):
        channel.send(event_alert("test"), url)
    channel.send(event_alert("test"), url)
    assert len(receiver.requests) == 3


# --- what each bot receives: apprise's real bot payloads, its API host pointed at the receiver ------
# (``notify_url`` is apprise's class attribute holding the vendor endpoint; patching it is the one
# place these tests lean on apprise internals.)


@pytest.fixture
def bots(monkeypatch: pytest.MonkeyPatch, receiver: WebhookReceiver) -> WebhookReceiver:
    base = receiver.base_url
    monkeypatch.setattr(NotifyWeComBot, "notify_url", base + "/wecom?key={key}")
    monkeypatch.setattr(NotifyDingTalk, "notify_url", base + "/dingtalk?access_token={token}")
    monkeypatch.setattr(NotifyFeishu, "notify_url", base + "/feishu/{token}/")
    monkeypatch.setattr(NotifyLark, "notify_url", base + "/lark/")
    return receiver


def test_wecom_gets_a_text_message(channel: ChatChannel, bots: WebhookReceiver, event_alert: EventAlert) -> None:
    alert = event_alert("metric.new")
    channel.send(alert, "wecombot://0a1b2c3d-4e5f")
    [request] = bots.wait_for(1, timeout=5)
    assert request.path == "/wecom?key=0a1b2c3d-4e5f"
    body = json.loads(request.body)
    assert body["msgtype"] == "text"
    assert body["text"]["content"] == render.subject(alert) + "\r\n" + render.markdown_body(alert)


def test_dingtalk_gets_markdown_signed_when_it_has_a_secret(
    channel: ChatChannel, bots: WebhookReceiver, event_alert: EventAlert
) -> None:
    alert = event_alert("initiative.new")
    channel.send(alert, "dingtalk://SEC0123abcd@0123456789abcdef")
    [request] = bots.wait_for(1, timeout=5)
    query = parse_qs(urlsplit(request.path).query)
    assert query["access_token"] == ["0123456789abcdef"] and "sign" in query and "timestamp" in query
    markdown = json.loads(request.body)["markdown"]
    assert markdown["title"] == "[govwatch] 枣庄市 · 新举措: 《法治政府建设实施方案》"  # carries the keyword
    assert markdown["text"] == f"# {markdown['title']}\n{render.markdown_body(alert)}"


@pytest.mark.parametrize(
    ("url", "path"), [("feishu://0a1b-2c3d", "/feishu/0a1b-2c3d/"), ("lark://0a1b-2c3d", "/lark/0a1b-2c3d")]
)
def test_feishu_and_lark_get_a_markdown_card(
    channel: ChatChannel, bots: WebhookReceiver, event_alert: EventAlert, url: str, path: str
) -> None:
    alert = event_alert("release.updated")
    channel.send(alert, url)
    [request] = bots.wait_for(1, timeout=5)
    assert request.path == path
    body = json.loads(request.body)
    # apprise >= 2.3 renders Markdown for these bots only inside an interactive card
    assert body["msg_type"] == "interactive"
    card = body["card"]
    assert card["header"]["title"]["content"] == render.subject(alert)
    [element] = card["elements"]
    assert element["text"] == {"tag": "lark_md", "content": render.markdown_body(alert)}


def test_a_bot_answering_500_is_transient(channel: ChatChannel, bots: WebhookReceiver, event_alert: EventAlert) -> None:
    bots.status = 500
    with pytest.raises(TransientDeliveryError, match="WeCom Bot.*error=500") as raised:
        channel.send(event_alert("test"), "wecombot://0a1b2c3d4e5f")
    assert "0a1b2c3d4e5f" not in str(raised.value)


def test_a_lark_connection_error_does_not_leak_the_token(
    channel: ChatChannel, monkeypatch: pytest.MonkeyPatch, event_alert: EventAlert
) -> None:
    # apprise's Lark warning quotes the requests exception, which quotes the URL with the token
    receiver = WebhookReceiver().start()
    receiver.stop()
    monkeypatch.setattr(NotifyLark, "notify_url", receiver.base_url + "/open-apis/bot/v2/hook/")
    started = time.monotonic()
    with pytest.raises(TransientDeliveryError, match="Lark Exception") as raised:
        channel.send(event_alert("test"), "lark://0a1b2c3d-4e5f-6789")
    assert "0a1b2c3d-4e5f-6789" not in str(raised.value)
    assert "/open-apis/bot/v2/hook/…" in raised.value.message
    assert time.monotonic() - started < 2.0  # no apprise pacing sleep
