from __future__ import annotations

import smtplib
import threading
import time
from email.message import EmailMessage

import httpx
import pytest

from govwatch.loopback import SiteServer, SMTPCatcher, WebhookReceiver

# The servers are on loopback: keep any proxy settings from the environment out of the way.
client = httpx.Client(trust_env=False, timeout=5.0)


def _mail(subject: str) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"], msg["From"], msg["To"] = subject, "a@example.org", "b@example.org"
    msg.set_content("正文")
    return msg


# --- SMTPCatcher ---------------------------------------------------------------------------------


def test_smtp_catcher_keeps_messages_and_envelopes() -> None:
    with SMTPCatcher() as smtp:
        assert smtp.host == "127.0.0.1" and smtp.port > 0
        with smtplib.SMTP(smtp.host, smtp.port, timeout=5) as s:
            s.send_message(_mail("通知"), to_addrs=["b@example.org", "c@example.org"])
        [message] = smtp.wait_for(1, timeout=5)
        assert message["Subject"] == "通知"
        assert message.get_content().strip() == "正文"
        [envelope] = smtp.envelopes
        assert envelope.mail_from == "a@example.org"
        assert envelope.rcpt_tos == ["b@example.org", "c@example.org"]
        assert b"Subject:" in envelope.data


def test_smtp_catcher_wait_for_times_out() -> None:
    with SMTPCatcher() as smtp, pytest.raises(TimeoutError, match="got 0"):
        smtp.wait_for(1, timeout=0.05)


def test_smtp_catcher_can_refuse() -> None:
    with SMTPCatcher() as smtp:
        smtp.data_reply = "554 5.7.1 no thanks"
        with smtplib.SMTP(smtp.host, smtp.port, timeout=5) as s, pytest.raises(smtplib.SMTPDataError) as e:
            s.send_message(_mail("x"))
        assert e.value.smtp_code == 554
        assert smtp.messages == []


def test_smtp_catcher_restarts_on_the_same_port() -> None:
    smtp = SMTPCatcher().start()
    port = smtp.port
    smtp.stop()
    with pytest.raises(ConnectionRefusedError):
        smtplib.SMTP(smtp.host, port, timeout=5)
    with smtp.start():
        assert smtp.port == port
        with smtplib.SMTP(smtp.host, port, timeout=5) as s:
            s.send_message(_mail("back"))
        assert smtp.wait_for(1, timeout=5)[0]["Subject"] == "back"


# --- WebhookReceiver -----------------------------------------------------------------------------


def test_webhook_receiver_records_requests() -> None:
    with WebhookReceiver() as hooks:
        response = client.post(hooks.url, content="体".encode(), headers={"Webhook-Id": "msg_1"})
        assert response.status_code == 200
        [request] = hooks.wait_for(1, timeout=5)
        assert (request.method, request.path, request.body) == ("POST", "/hook", "体".encode())
        assert request.headers["webhook-id"] == "msg_1"
        assert request.time > 0


def test_webhook_receiver_status_and_queue() -> None:
    with WebhookReceiver() as hooks:
        hooks.status = 503
        hooks.reply_headers = {"Retry-After": "3"}
        hooks.enqueue(429, 410, headers={"Retry-After": "9"})
        answers = [client.post(hooks.url) for _ in range(3)]
        assert [(r.status_code, r.headers.get("retry-after")) for r in answers] == [
            (429, "9"),
            (410, "9"),
            (503, "3"),
        ]
        assert len(hooks.requests) == 3


def test_webhook_receiver_delay_records_the_request_before_answering() -> None:
    with WebhookReceiver() as hooks:
        hooks.delay = 1.0
        hooks.enqueue(503)
        answers: list[tuple[int, float]] = []

        def post() -> None:
            started = time.monotonic()
            status = client.post(hooks.url, content=b"x").status_code
            answers.append((status, time.monotonic() - started))

        sender = threading.Thread(target=post)
        sender.start()
        # recorded on arrival: seen well before the answer is due
        [request] = hooks.wait_for(1, timeout=0.5)
        assert request.body == b"x" and answers == []
        sender.join(timeout=5)
        [(status, elapsed)] = answers
        assert status == 503 and elapsed >= 1.0


def test_webhook_receiver_stop_refuses_and_start_reuses_the_port() -> None:
    with WebhookReceiver() as hooks:
        url = hooks.url
        hooks.stop()
        with pytest.raises(httpx.ConnectError):
            client.post(url)
        hooks.start()
        assert hooks.url == url
        assert client.post(url).status_code == 200


# --- SiteServer ----------------------------------------------------------------------------------


def test_site_serves_set_paths_and_404s_the_rest() -> None:
    with SiteServer() as site:
        site.set("/list.html", "<a href='/a.html'>通知</a>")
        site.set("/list.html?page=2", b"page 2", content_type="text/plain", headers={"X-Site": "demo"})

        first = client.get(site.url("/list.html"))
        assert first.status_code == 200
        assert first.headers["content-type"] == "text/html; charset=utf-8"
        assert first.content == "<a href='/a.html'>通知</a>".encode()

        second = client.get(site.url("/list.html?page=2"))
        assert (second.content, second.headers["x-site"]) == (b"page 2", "demo")
        assert client.get(site.url("/list.html?page=3")).status_code == 404

        site.remove("/list.html")
        assert client.get(site.url("/list.html")).status_code == 404
        assert site.paths == ["/list.html", "/list.html?page=2", "/list.html?page=3", "/list.html"]


def test_site_status_can_be_set() -> None:
    with SiteServer() as site:
        site.set("/blocked", "<script>challenge()</script>", status=412)
        assert client.get(site.url("/blocked")).status_code == 412


def test_site_answers_304_when_the_etag_matches() -> None:
    with SiteServer() as site:
        site.set("/a.html", "正文", etag='"v1"')
        first = client.get(site.url("/a.html"))
        assert (first.status_code, first.headers["etag"]) == (200, '"v1"')

        again = client.get(site.url("/a.html"), headers={"If-None-Match": '"v0", "v1"'})
        assert (again.status_code, again.content) == (304, b"")

        site.set("/a.html", "新正文", etag='"v2"')
        changed = client.get(site.url("/a.html"), headers={"If-None-Match": '"v1"'})
        assert (changed.status_code, changed.text) == (200, "新正文")


def test_site_head_has_no_body() -> None:
    with SiteServer() as site:
        site.set("/a.html", "正文")
        response = client.head(site.url("/a.html"))
        assert response.status_code == 200 and response.content == b""
        assert response.headers["content-length"] == str(len("正文".encode()))
