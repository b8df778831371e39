"""Delivery through the outbox: retries, Retry-After, 410, failures, replay, reconciliation, digests.

Real SMTP server and webhook receiver on loopback, real Redis; jobs run in this process.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from email import policy
from email.parser import BytesParser

from govwatch.demo_sites import Release
from workers.queues import enqueue_crawl
from workers.schedule import CHINA, reconcile, run_digests

HOOK = [{"id": "hook", "webhook": "receiver"}]
FAST = {"retry_base": 0.5, "max_attempts": 3}


def publish_and_crawl(m, n: int = 1) -> None:
    enqueue_crawl(m.conn, "zaozhuang-sfj")
    m.drain()  # baseline
    for _ in range(n):
        m.trs.publish_next()
    enqueue_crawl(m.conn, "zaozhuang-sfj")
    m.drain()


def wait_and_retry(m, seconds: float = 1.2) -> None:
    time.sleep(seconds)
    m.release_due()
    m.drain()


def test_receiver_down_then_up_delivers_once_with_the_same_id(monitor_with) -> None:
    m = monitor_with(subscribers=HOOK, delivery=FAST, initially=(3, 1))
    port = m.receiver.port
    m.receiver.stop()  # connection refused
    publish_and_crawl(m, 2)
    rows = m.store.outbox.listing()
    assert [r["status"] for r in rows] == ["pending", "pending"]
    assert all(r["attempts"] == 1 and "refused" in r["last_error"].lower() for r in rows), rows
    m.receiver.start()
    assert m.receiver.port == port
    m.receiver.enqueue(503)  # the first retry meets a 503: one more wait
    wait_and_retry(m)
    wait_and_retry(m, 2.0)
    ids = [r.headers["webhook-id"] for r in m.receiver.requests]
    assert sorted(set(ids)) == sorted(r["id"] for r in rows)  # every alert arrived, under its own stable id
    assert len(ids) == 3  # one 503 answered, then each alert once
    assert {r["status"] for r in m.store.outbox.listing()} == {"sent"}


def run_retries_now(m) -> int:
    """Make every scheduled delivery retry due now (instead of sleeping), then run it."""
    from rq.job import Job
    from rq.registry import ScheduledJobRegistry

    from workers.queues import DELIVER, queue

    registry = ScheduledJobRegistry(queue=queue(m.conn, DELIVER))
    ids = registry.get_job_ids()
    for jid in ids:
        registry.schedule(Job.fetch(jid, connection=m.conn), datetime.now(UTC) - timedelta(seconds=1))
    m.release_due()
    m.drain()
    return len(ids)


def test_retry_after_is_honoured_and_attempts_run_out(monitor_with) -> None:
    m = monitor_with(subscribers=HOOK, delivery=FAST)
    m.receiver.status = 503
    m.receiver.reply_headers = {"Retry-After": "30"}
    publish_and_crawl(m)
    [row] = m.store.outbox.listing()
    wait = row["next_attempt_at"].replace(tzinfo=UTC) - datetime.now(UTC)
    assert wait > timedelta(seconds=25)  # not the 0.5 s backoff: the receiver asked for 30 s
    wait_and_retry(m)  # after the backoff, before Retry-After: nothing is sent
    assert len(m.receiver.requests) == 1
    assert run_retries_now(m) == 1  # attempt 2: still 503
    assert run_retries_now(m) == 1  # attempt 3 of 3: gives up
    assert run_retries_now(m) == 0
    [row] = m.store.outbox.listing()
    assert (row["status"], row["attempts"]) == ("failed", 3) and "503" in row["last_error"]
    assert len({r.headers["webhook-id"] for r in m.receiver.requests}) == 1 and len(m.receiver.requests) == 3


def test_gone_disables_the_endpoint_until_resumed(monitor_with) -> None:
    m = monitor_with(subscribers=HOOK, delivery=FAST, initially=(3, 1))
    m.receiver.status = 410
    publish_and_crawl(m)
    assert m.store.subscribers.get("hook").disabled.keys() == {"webhook"}
    m.receiver.status = 200
    m.trs.publish_next()
    enqueue_crawl(m.conn, "zaozhuang-sfj")
    m.drain()
    assert len(m.receiver.requests) == 1  # nothing more was sent to the endpoint that said 410
    assert [r["status"] for r in m.store.outbox.listing()] == ["failed", "failed"]
    assert m.store.subscribers.set_paused("hook", False)  # `govwatch subscribers resume hook`
    assert m.store.subscribers.get("hook").disabled == {}


def test_permanent_failure_is_kept_and_replayed(monitor_with) -> None:
    from workers.queues import enqueue_delivery

    m = monitor_with(subscribers=HOOK, delivery=FAST)
    m.receiver.status = 400
    publish_and_crawl(m)
    [row] = m.store.outbox.listing("failed")
    assert row["attempts"] == 1 and "400" in row["last_error"]
    m.receiver.status = 200
    assert m.store.outbox.replay(row["id"])
    enqueue_delivery(m.conn, row["id"])
    m.drain()
    assert m.store.outbox.get(row["id"])["status"] == "sent"
    assert [r.headers["webhook-id"] for r in m.receiver.requests] == [row["id"], row["id"]]


def test_lost_queue_is_rebuilt_from_the_outbox(monitor_with) -> None:
    m = monitor_with(subscribers=HOOK, initially=(3, 1))
    enqueue_crawl(m.conn, "zaozhuang-sfj")
    m.drain()
    m.trs.publish_next()
    enqueue_crawl(m.conn, "zaozhuang-sfj")
    from rq import SimpleWorker

    from workers.queues import CRAWL, PARSE, queue

    SimpleWorker([queue(m.conn, CRAWL), queue(m.conn, PARSE)], connection=m.conn).work(burst=True)
    assert [r["status"] for r in m.store.outbox.listing()] == ["pending"]
    m.conn.flushdb()  # Redis restarted without persistence: the delivery jobs are gone
    assert reconcile(m.conn, m.store, grace=0) == 1
    assert reconcile(m.conn, m.store, grace=0) == 0  # a live job now: not enqueued twice
    m.drain()
    assert len(m.receiver.requests) == 1 and m.store.outbox.listing()[0]["status"] == "sent"


def test_article_lost_between_commit_and_enqueue_is_recovered(monitor_with) -> None:
    m = monitor_with(subscribers=HOOK, initially=(3, 1))
    enqueue_crawl(m.conn, "zaozhuang-sfj")
    m.drain()
    m.trs.publish_next()
    enqueue_crawl(m.conn, "zaozhuang-sfj")
    from rq import SimpleWorker

    from workers.queues import CRAWL, queue

    SimpleWorker([queue(m.conn, CRAWL)], connection=m.conn).work(burst=True)
    m.conn.flushdb()  # the parse job is lost; the article row says pending
    from workers.schedule import _reconcile_articles

    assert _reconcile_articles(m.conn, m.store, grace=0) == 1
    m.drain()
    assert len(m.receiver.requests) == 1


def test_title_with_newline_makes_one_well_formed_email(monitor_with) -> None:
    evil = Release(id=8100001, date="2026-11-21 09:00:00", title="枣庄市召开推进会\r\nBcc: victim@example.org",
                   source="枣庄市司法局", paragraphs=("全市共办理行政复议案件1260件。",))
    m = monitor_with([Release(id=8100000, date="2026-11-20 09:00:00", title="枣庄市法治动态", source="枣庄市司法局",
                              paragraphs=("全市办理行政处罚案件4600件。",)), evil],
                     subscribers=[{"id": "analyst", "email": "analyst@example.org"}])
    publish_and_crawl(m)
    [env] = m.smtp.envelopes
    assert env.rcpt_tos == ["analyst@example.org"]
    msg = BytesParser(policy=policy.default).parsebytes(env.data)
    assert "Bcc" not in msg and "\n" not in str(msg["Subject"]) and "推进会" in str(msg["Subject"])


def test_digest_gathers_held_events_into_one_message(monitor_with) -> None:
    m = monitor_with(subscribers=[{"id": "morning", "email": "m@example.org", "digest": "08:00"}],
                     initially=(2, 1))
    publish_and_crawl(m, 3)
    assert m.smtp.messages == []
    assert {r["status"] for r in m.store.outbox.listing()} == {"held"}
    subscribed = datetime.now(UTC) - timedelta(days=1)
    assert run_digests(m.conn, m.store, now=subscribed) == 0  # first seen: the clock starts, nothing is sent
    assert run_digests(m.conn, m.store, now=subscribed + timedelta(minutes=1)) == 0  # not digest time yet
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).astimezone(CHINA)
    china = tomorrow.replace(hour=8, minute=5, second=0, microsecond=0)  # 08:05 in Shanghai
    assert run_digests(m.conn, m.store, now=china) == 1
    assert run_digests(m.conn, m.store, now=china + timedelta(minutes=30)) == 0  # once per digest time
    m.drain()
    [mail] = m.smtp.messages
    assert "3" in str(mail["Subject"])
    body = mail.get_body(("plain",)).get_content()
    titles = [r.title for r in m.trs.published[:3]]
    assert all(t in body for t in titles), body
    assert {r["status"] for r in m.store.outbox.listing() if r["event_type"] != "digest"} == {"digested"}


def test_paused_subscriber_gets_nothing(monitor_with) -> None:
    m = monitor_with(subscribers=[{"id": "p", "email": "p@example.org", "paused": True},
                                  {"id": "a", "email": "a@example.org"}])
    publish_and_crawl(m)
    assert [msg["To"] for msg in m.smtp.messages] == ["a@example.org"]
    body = json.dumps([r["subscriber_id"] for r in m.store.outbox.listing()])
    assert "\"p\"" not in body


def test_replay_only_for_sent_or_failed_and_one_sender_at_a_time(monitor_with) -> None:
    from workers.deliver import deliver

    m = monitor_with(subscribers=HOOK, delivery=FAST)
    m.receiver.status = 503
    publish_and_crawl(m)
    [row] = m.store.outbox.listing()
    assert row["status"] == "pending" and not m.store.outbox.replay(row["id"])  # in backoff: not replayed
    m.receiver.status = 200
    m.store.outbox.retry_later(row["id"], "test", at=datetime.now(UTC))
    import threading

    claim = m.conn.lock(f"govwatch:sending:{row['id']}", timeout=30)
    claim.acquire()  # another job is sending it right now…
    results: list[dict] = []
    second = threading.Thread(target=lambda: results.append(deliver(row["id"])))
    second.start()
    time.sleep(0.5)
    assert second.is_alive() and len(m.receiver.requests) == 1  # …so this one waits for it
    m.store.outbox.mark_sent(row["id"])  # the first job succeeds
    claim.release()
    second.join(10)
    assert results == [{"delivery": row["id"], "result": "nothing to do"}]  # and this one does not send again
    assert len(m.receiver.requests) == 1
    assert m.store.outbox.replay(row["id"])  # sent: may be replayed
