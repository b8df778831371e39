from __future__ import annotations

import socket
from collections.abc import Callable, Iterator

import pytest

from alerts import render
from alerts.channels.email import EmailChannel
from alerts.errors import PermanentDeliveryError, TransientDeliveryError
from alerts.records import Alert
from govwatch.loopback import SMTPCatcher

MakeAlert = Callable[..., Alert]
TO = "analyst@example.org"


def channel_for(smtp: SMTPCatcher, **kwargs: object) -> EmailChannel:
    return EmailChannel(host=smtp.host, port=smtp.port, sender="govwatch@example.org", timeout=2.0, **kwargs)


def test_sends_one_multipart_message_with_text_and_html(smtp: SMTPCatcher, make_alert: MakeAlert) -> None:
    alert = make_alert()
    channel_for(smtp).send(alert, TO)

    [message] = smtp.wait_for(1, timeout=5)
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert message.get_body(("plain",)).get_content().replace("\r\n", "\n") == render.text_body(alert)
    assert "<td>地区生产总值</td>" in message.get_body(("html",)).get_content()
    assert message["From"] == "govwatch@example.org"
    assert message["To"] == TO
    assert message["Date"].datetime is not None


def test_chinese_subject_is_rfc2047_encoded_and_decodes_back_exactly(
    smtp: SMTPCatcher, make_alert: MakeAlert
) -> None:
    alert = make_alert()
    channel_for(smtp).send(alert, TO)

    smtp.wait_for(1, timeout=5)
    [envelope] = smtp.envelopes
    envelope.data.decode("ascii")  # every byte on the wire is 7-bit: headers encoded, bodies too
    assert b"=?utf-8?" in envelope.data
    assert smtp.messages[0]["Subject"] == "[govwatch] 北京 · 关于印发《2024年政府工作报告重点任务分工》的通知"


def test_message_id_is_derived_from_the_alert_id(smtp: SMTPCatcher, make_alert: MakeAlert) -> None:
    channel = channel_for(smtp)
    channel.send(make_alert(id="alr_1"), TO)
    channel.send(make_alert(id="alr_1"), TO)
    channel.send(make_alert(id="alr_2"), TO)

    ids = [m["Message-ID"] for m in smtp.wait_for(3, timeout=5)]
    assert ids[0] == ids[1] == "<alr_1@example.org>"
    assert ids[2] == "<alr_2@example.org>"


def test_an_id_a_message_id_cannot_carry_is_hashed_stably(make_alert: MakeAlert) -> None:
    channel = EmailChannel(host="unused", sender="govwatch@example.org")
    first = channel.message(make_alert(id="a b>\r\n<c"), TO)["Message-ID"]
    assert first == channel.message(make_alert(id="a b>\r\n<c"), TO)["Message-ID"]
    assert first.startswith("<") and " " not in first and "\n" not in first


def test_a_title_with_crlf_cannot_inject_headers(smtp: SMTPCatcher, make_alert: MakeAlert) -> None:
    alert = make_alert(title="通知\r\nBcc: evil@example.org\r\nX-Injected: yes")
    channel_for(smtp).send(alert, TO)

    [message] = smtp.wait_for(1, timeout=5)
    [envelope] = smtp.envelopes
    assert envelope.rcpt_tos == [TO]
    assert message["Bcc"] is None and message["X-Injected"] is None
    assert message["Subject"] == "[govwatch] 北京 · 通知 Bcc: evil@example.org X-Injected: yes"
    headers = envelope.data.split(b"\r\n\r\n", 1)[0]
    assert not any(line.lower().startswith((b"bcc:", b"x-injected:")) for line in headers.split(b"\r\n"))


@pytest.mark.parametrize(
    "to", ["analyst@example.org\r\nBcc: evil@example.org", "a@example.org, b@example.org", "nobody", ""]
)
def test_a_bad_address_is_permanent_and_sends_nothing(
    smtp: SMTPCatcher, make_alert: MakeAlert, to: str
) -> None:
    with pytest.raises(PermanentDeliveryError, match="bad address"):
        channel_for(smtp).send(make_alert(), to)
    assert smtp.envelopes == []


def test_server_down_is_transient(make_alert: MakeAlert) -> None:
    catcher = SMTPCatcher().start()
    catcher.stop()  # the port is now closed: connection refused
    with pytest.raises(TransientDeliveryError):
        channel_for(catcher).send(make_alert(), TO)


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never says a word."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        yield server.getsockname()[1]


def test_a_server_that_never_greets_times_out_as_transient(silent_port: int, make_alert: MakeAlert) -> None:
    channel = EmailChannel(host="127.0.0.1", port=silent_port, sender="govwatch@example.org", timeout=0.2)
    with pytest.raises(TransientDeliveryError, match="timed out"):
        channel.send(make_alert(), TO)


@pytest.mark.parametrize(
    ("attribute", "reply", "error"),
    [
        ("data_reply", "550 5.7.1 Message rejected as spam", PermanentDeliveryError),
        ("data_reply", "451 4.3.0 Try again later", TransientDeliveryError),
        ("rcpt_reply", "550 5.1.1 No such user", PermanentDeliveryError),
        ("rcpt_reply", "450 4.2.1 Mailbox busy", TransientDeliveryError),
    ],
)
def test_smtp_reply_codes_decide_transient_or_permanent(
    smtp: SMTPCatcher, make_alert: MakeAlert, attribute: str, reply: str, error: type[Exception]
) -> None:
    setattr(smtp, attribute, reply)
    with pytest.raises(error, match=reply.split()[0]) as raised:
        channel_for(smtp).send(make_alert(), TO)
    assert type(raised.value) is error
    assert smtp.envelopes == []


def test_login_with_credentials() -> None:
    with SMTPCatcher(username="gw", password="s3cret") as smtp:
        channel_for(smtp, username="gw", password="s3cret").send(_alert(), TO)
        assert len(smtp.wait_for(1, timeout=5)) == 1
        with pytest.raises(PermanentDeliveryError, match="535"):
            channel_for(smtp, username="gw", password="wrong").send(_alert(), TO)


def test_starttls_against_a_server_without_it_is_permanent(smtp: SMTPCatcher, make_alert: MakeAlert) -> None:
    with pytest.raises(PermanentDeliveryError, match="STARTTLS"):
        channel_for(smtp, security="starttls").send(make_alert(), TO)


def test_sender_may_have_a_display_name(smtp: SMTPCatcher, make_alert: MakeAlert) -> None:
    channel = EmailChannel(host=smtp.host, port=smtp.port, sender="政务监测 <gw@example.org>", timeout=2.0)
    channel.send(make_alert(), TO)
    [message] = smtp.wait_for(1, timeout=5)
    assert message["From"].addresses[0].display_name == "政务监测"
    assert smtp.envelopes[0].mail_from == "gw@example.org"


def test_constructor_refuses_bad_settings() -> None:
    with pytest.raises(ValueError):
        EmailChannel(host="h", sender="govwatch@example.org", security="tls")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        EmailChannel(host="h", sender="not an address")


def _alert() -> Alert:
    return Alert(id="alr_login", type="release.new", timestamp=0, region=None, title="t", url="https://x.cn/")


def test_every_event_type_goes_out_as_a_decodable_message(
    smtp: SMTPCatcher, event_alert: Callable[..., Alert]
) -> None:
    types = ["release.new", "release.updated", "metric.new", "metric.changed", "initiative.new", "test", "digest"]
    alerts = [event_alert(t) for t in types]
    channel = channel_for(smtp)
    for alert in alerts:
        channel.send(alert, TO)

    messages = smtp.wait_for(len(alerts), timeout=5)
    for alert, message, envelope in zip(alerts, messages, smtp.envelopes, strict=True):
        envelope.data.decode("ascii")
        assert message["Subject"] == render.subject(alert)
        assert message["X-Govwatch-Event"] == alert.type
        assert message.get_body(("plain",)).get_content().replace("\r\n", "\n") == render.text_body(alert)
        assert message.get_body(("html",)).get_content().replace("\r\n", "\n") == render.html_body(alert)
    assert [m["Subject"] for m in messages] == [
        "[govwatch] 枣庄市 · 枣庄市2021年法治政府建设情况报告",
        "[govwatch] 枣庄市 · 已更新: 枣庄市2021年法治政府建设情况报告",
        "[govwatch] 枣庄市 · 新指标: 行政复议案件 ≈1234件 (2021年)",
        "[govwatch] 枣庄市 · 出庭应诉率 97% → 100% (2021年)",
        "[govwatch] 枣庄市 · 新举措: 《法治政府建设实施方案》",
        "[govwatch] 测试消息: 这是一条测试消息，收到即表示配置正确。",
        "[govwatch] 摘要: 5 条更新 (2026-11-21 08:00 以来)",
    ]
