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
    assert store.outbox.counts() == {"pending": 2}
    d = store.outbox.get(created[0])
    assert d["event_type"] == "release.new" and d["event_data"] == {"article": {"title": "t"}}
    store.outbox.mark_sent(created[0])
    assert store.outbox.get(created[0])["attempts"] == 1
    assert [r["id"] for r in store.outbox.due(grace=0)] == [created[1]]


def test_region_history_takes_the_latest_period_from_other_articles(store: Store) -> None:
    a1, a2, a3 = store.add_articles("zz", "枣庄市", [ref(f"http://a/{n}.html") for n in (1, 2, 3)], silent=False)
    row = dict(region="枣庄市", kind="metric", name="出庭应诉率", value=95.0, unit="%", period="2021年", data={},
               canonical="出庭应诉率", series="出庭应诉率|rate|%", period_key="2021-12", published="2022-01-05")
    store.save_processed(a1, fields={"content_hash": "x"}, fact_rows=[row], new_events=[])
    # a later article reporting an older period does not become "the latest"
    store.save_processed(a2, fields={"content_hash": "y"},
                         fact_rows=[dict(row, value=90.0, period="2020年", period_key="2020-12")], new_events=[])
    ini = dict(row, kind="initiative", name="无证明城市", value=None, unit=None, series=None, canonical="无证明城市")
    store.save_processed(a3, fields={"content_hash": "z"}, fact_rows=[ini], new_events=[])
    latest, seen = store.region_history("枣庄市", ["出庭应诉率|rate|%"], ["无证明城市"], before_article=a3)
    assert latest["出庭应诉率|rate|%"]["value"] == 95.0 and seen == set()  # a3's own initiative is left out
    latest, seen = store.region_history("枣庄市", ["出庭应诉率|rate|%"], ["无证明城市"], before_article=a1)
    assert latest["出庭应诉率|rate|%"]["value"] == 90.0 and seen == {"无证明城市"}  # a1's own facts are left out
    assert store.region_history("黄石市", ["出庭应诉率|rate|%"], [], before_article=a3) == ({}, set())


def test_site_summaries_count_articles(store: Store) -> None:
    store.add_articles("zz", "枣庄市", [ref("http://a/1.html"), ref("http://a/2.html")], silent=True)
    store.record_crawl("zz", result="ok", error=None, new=2, list_state={"u": {"hash": "h"}}, baseline_done=True)
    [s] = store.site_summaries()
    assert (s["id"], s["articles"], s["last_result"], s["baseline_done"]) == ("zz", 2, "ok", True)
    assert store.site_state("zz")["list_state"] == {"u": {"hash": "h"}}


def test_an_article_added_by_recrawl_is_silent(store: Store) -> None:
    aid = store.add_article("zz", "枣庄市", "http://a/unlisted.html")
    assert store.article(aid)["silent"] is True  # its facts join the history; no release.new
    assert store.add_article("zz", "枣庄市", "http://a/unlisted.html") == aid
