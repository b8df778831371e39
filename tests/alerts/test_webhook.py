from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from email.utils import format_datetime

import httpx
import pytest
import respx

from alerts.channels.webhook import WebhookChannel, retry_after
from alerts.errors import EndpointGone, PermanentDeliveryError, TransientDeliveryError
from alerts.records import Alert
from alerts.signing import verify
from govwatch.loopback import WebhookReceiver

MakeAlert = Callable[..., Alert]
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


@pytest.fixture
def channel() -> Iterator[WebhookChannel]:
    with WebhookChannel(timeout=2.0) as ch:
        yield ch


def test_posts_utf8_json_with_a_valid_signature(
    channel: WebhookChannel, receiver: WebhookReceiver, make_alert: MakeAlert
) -> None:
    alert = make_alert()
    channel.send(alert, receiver.url, SECRET)

    [request] = receiver.wait_for(1, timeout=5)
    assert request.method == "POST" and request.path == "/hook"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["user-agent"] == "govwatch/0.1"
    assert request.headers["webhook-id"] == alert.id
    assert abs(int(request.headers["webhook-timestamp"]) - time.time()) < 5  # signed when sent
    assert "关于印发".encode() in request.body  # sent as UTF-8, not \u-escaped
    assert json.loads(request.body) == alert.payload()
    verify(SECRET, request.headers, request.body)


def test_without_a_secret_there_is_no_signature(
    channel: WebhookChannel, receiver: WebhookReceiver, make_alert: MakeAlert
) -> None:
    channel.send(make_alert(), receiver.url, None)
    [request] = receiver.wait_for(1, timeout=5)
    assert "webhook-signature" not in request.headers
    assert request.headers["webhook-id"] == "alr_01HQ3K5Z8X"


def test_a_retry_carries_the_same_id_and_signature(
    channel: WebhookChannel, receiver: WebhookReceiver, make_alert: MakeAlert
) -> None:
    alert = make_alert()
    receiver.enqueue(503)
    with pytest.raises(TransientDeliveryError):
        channel.send(alert, receiver.url, SECRET)
    channel.send(alert, receiver.url, SECRET)

    first, second = receiver.wait_for(2, timeout=5)
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == alert.id
    assert first.body == second.body
    verify(SECRET, first.headers, first.body)
    verify(SECRET, second.headers, second.body)


def test_a_retry_long_after_the_event_still_verifies(
    channel: WebhookChannel, receiver: WebhookReceiver, make_alert: MakeAlert
) -> None:
    """Each attempt is stamped and signed when sent: a receiver's 5-minute tolerance holds hours later."""
    alert = make_alert()
    old = dataclasses.replace(alert, timestamp=int(time.time()) - 4 * 3600)
    channel.send(old, receiver.url, SECRET)
    [request] = receiver.wait_for(1, timeout=5)
    verify(SECRET, request.headers, request.body)  # default tolerance 300 s
    assert json.loads(request.body)["timestamp"] == old.payload()["timestamp"]  # the event's own time


@pytest.mark.parametrize(
    ("status", "header", "expected"),
    [(503, "7", 7.0), (429, "120", 120.0), (500, None, None), (502, "soon", None), (408, None, None)],
)
def test_retryable_statuses_are_transient_with_retry_after(
    channel: WebhookChannel,
    receiver: WebhookReceiver,
    make_alert: MakeAlert,
    status: int,
    header: str | None,
    expected: float | None,
) -> None:
    receiver.status = status
    receiver.reply_headers = {"Retry-After": header} if header else {}
    with pytest.raises(TransientDeliveryError, match=str(status)) as raised:
        channel.send(make_alert(), receiver.url, SECRET)
    assert raised.value.retry_after == expected


def test_retry_after_as_an_http_date(
    channel: WebhookChannel, receiver: WebhookReceiver, make_alert: MakeAlert
) -> None:
    later = datetime.fromtimestamp(datetime.now(UTC).timestamp() + 90, UTC)
    receiver.enqueue(429, headers={"Retry-After": format_datetime(later, usegmt=True)})
    with pytest.raises(TransientDeliveryError) as raised:
        channel.send(make_alert(), receiver.url, None)
    assert raised.value.retry_after is not None and 85 <= raised.value.retry_after <= 90


def test_410_means_the_endpoint_is_gone(
    channel: WebhookChannel, receiver: WebhookReceiver, make_alert: MakeAlert
) -> None:
    receiver.status = 410
    with pytest.raises(EndpointGone, match="410"):
        channel.send(make_alert(), receiver.url, SECRET)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 413, 422])
def test_other_4xx_are_permanent(
    channel: WebhookChannel, receiver: WebhookReceiver, make_alert: MakeAlert, status: int
) -> None:
    receiver.status = status
    with pytest.raises(PermanentDeliveryError, match=str(status)) as raised:
        channel.send(make_alert(), receiver.url, None)
    assert type(raised.value) is PermanentDeliveryError


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_redirects_are_not_followed_and_are_permanent(
    channel: WebhookChannel, receiver: WebhookReceiver, make_alert: MakeAlert, status: int
) -> None:
    receiver.enqueue(status, headers={"Location": receiver.base_url + "/elsewhere"})
    with pytest.raises(PermanentDeliveryError, match="not followed") as raised:
        channel.send(make_alert(), receiver.url, SECRET)
    assert type(raised.value) is PermanentDeliveryError
    assert [r.path for r in receiver.requests] == ["/hook"]


def test_receiver_down_is_transient_then_delivery_resumes(
    channel: WebhookChannel, receiver: WebhookReceiver, make_alert: MakeAlert
) -> None:
    receiver.stop()
    with pytest.raises(TransientDeliveryError, match="ConnectError") as raised:
        channel.send(make_alert(), receiver.url, SECRET)
    assert raised.value.retry_after is None
    receiver.start()
    channel.send(make_alert(), receiver.url, SECRET)
    assert len(receiver.wait_for(1, timeout=5)) == 1


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (httpx.ReadTimeout("read timed out"), "timed out"),
        (httpx.ConnectTimeout("connect timed out"), "timed out"),
        (httpx.RemoteProtocolError("server hung up"), "RemoteProtocolError"),
    ],
)
def test_transport_failures_are_transient(make_alert: MakeAlert, error: Exception, expected: str) -> None:
    with respx.mock(assert_all_called=True) as router:
        router.post("https://hooks.example.org/gw").mock(side_effect=error)
        with WebhookChannel() as channel, pytest.raises(TransientDeliveryError, match=expected):
            channel.send(make_alert(), "https://hooks.example.org/gw", SECRET)


def test_respx_sees_the_signed_request(make_alert: MakeAlert) -> None:
    alert = make_alert()
    with respx.mock(assert_all_called=True) as router:
        route = router.post("https://hooks.example.org/gw").respond(204)
        with WebhookChannel(user_agent="govwatch-test") as channel:
            channel.send(alert, "https://hooks.example.org/gw", SECRET)
    request = route.calls.last.request
    assert request.headers["user-agent"] == "govwatch-test"
    verify(SECRET, request.headers, request.content)


def test_a_custom_transport_is_used(make_alert: MakeAlert) -> None:
    seen: list[httpx.Request] = []

    def app(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200)

    with WebhookChannel(transport=httpx.MockTransport(app)) as channel:
        channel.send(make_alert(), "https://hooks.example.org/gw", None)
    assert [str(r.url) for r in seen] == ["https://hooks.example.org/gw"]


@pytest.mark.parametrize(
    "url", ["ftp://hooks.example.org/gw", "hooks.example.org/gw", "http://", "http://hooks.example.org:abc/"]
)
def test_unusable_urls_are_permanent(channel: WebhookChannel, make_alert: MakeAlert, url: str) -> None:
    with pytest.raises(PermanentDeliveryError):
        channel.send(make_alert(), url, None)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("30", 30.0),
        ("0", 0.0),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 60.0),
        ("Wed, 21 Oct 2015 07:26:00 GMT", 0.0),  # in the past: now
        ("-5", None),
        ("tomorrow", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_parsing(value: str | None, expected: float | None) -> None:
    now = datetime(2015, 10, 21, 7, 27, tzinfo=UTC).timestamp()
    assert retry_after(value, now=now) == expected
