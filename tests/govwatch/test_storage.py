from __future__ import annotations

from types import SimpleNamespace

import pytest

from govwatch.storage import NewDelivery, NewEvent, Store, delivery_id


@pytest.fixture
def store(database_url: str) -> Store:
    s = Store.connect(database_url)
    s.create_all()
    s.sync_sites([("zz", "枣庄市", "枣庄市司法局")])
    yield s
    s.close()


def ref(url: str) -> SimpleNamespace:
    return SimpleNamespace(url=url, title="标题", published="2026-11-20")


def test_add_articles_is_idempotent(store: Store) -> None:
    first = store.add_articles("zz", "枣庄市", [ref("http://a/1.html"), ref("http://a/2.html")], silent=True)
    again = store.add_articles("zz", "枣庄市", [ref("http://a/2.html"), ref("http://a/3.html")], silent=False)
    assert len(first) == 2 and len(again) == 1
    assert store.known_urls(["http://a/1.html", "http://a/3.html", "http://a/9.html"]) == {
        "http://a/1.html",
        "http://a/3.html",
    }
    assert store.article(first[0])["silent"] is True
    assert store.article(again[0])["silent"] is False


def test_outbox_written_once(store: Store) -> None:
    [aid] = store.add_articles("zz", "枣庄市", [ref("http://a/1.html")], silent=False)
    ev = NewEvent(
        id=f"release.new:{aid}",
        type="release.new",
        region="枣庄市",
        data={"article": {"title": "t"}},
        deliveries=(NewDelivery("analyst", "email", "a@example.org"), NewDelivery("hook", "webhook", "http://h/")),
    )
    fields = dict(title="t", text="正文", content_hash="h1", facts={}, region="枣庄市")
    rows = [dict(region="枣庄市", kind="metric", name="出庭应诉率", value=100.0, unit="%", period=None, data={})]
    created = store.save_processed(aid, fields=fields, fact_rows=rows, new_events=[ev])
    assert sorted(created) == sorted([delivery_id(ev.id, "analyst", "email"), delivery_id(ev.id, "hook", "webhook")])
    # the same job run again: facts replaced, no second event or delivery
    assert store.save_processed(aid, fields=fields, fact_rows=rows, new_events=[ev]) == []
    assert store.delivery_counts() == {"pending": 2}
    d = store.delivery(created[0])
    assert d["event_type"] == "release.new" and d["event_data"] == {"article": {"title": "t"}}
    store.mark_delivery(created[0], status="sent")
    assert store.delivery(created[0])["attempts"] == 1
    assert store.pending_deliveries() == [created[1]]


def test_latest_facts_ignores_the_article_itself(store: Store) -> None:
    a1, a2 = store.add_articles("zz", "枣庄市", [ref("http://a/1.html"), ref("http://a/2.html")], silent=False)
    row = dict(region="枣庄市", kind="metric", name="出庭应诉率", value=95.0, unit="%", period="2020年", data={})
    store.save_processed(a1, fields={"content_hash": "x"}, fact_rows=[row], new_events=[])
    store.save_processed(a2, fields={"content_hash": "y"}, fact_rows=[dict(row, value=97.0)], new_events=[])
    assert store.latest_facts("枣庄市", "metric", ["出庭应诉率"], before_article=a2)["出庭应诉率"]["value"] == 95.0
    assert store.latest_facts("黄石市", "metric", ["出庭应诉率"], before_article=a2) == {}


def test_site_summaries_count_articles(store: Store) -> None:
    store.add_articles("zz", "枣庄市", [ref("http://a/1.html"), ref("http://a/2.html")], silent=True)
    store.record_crawl("zz", result="ok", error=None, new=2, list_state={"u": {"hash": "h"}}, baseline_done=True)
    [s] = store.site_summaries()
    assert (s["id"], s["articles"], s["last_result"], s["baseline_done"]) == ("zz", 2, "ok", True)
    assert store.site_state("zz")["list_state"] == {"u": {"hash": "h"}}
