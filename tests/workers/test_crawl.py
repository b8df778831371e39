"""The crawl job on loopback sites: page walks, 304/unchanged, list APIs, batches, blocked sites, Retry-After."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator

import pytest

from govwatch.loopback import SiteServer
from workers.crawl import BLOCK_KEY, crawl_site, crawl_sites

RUISHU = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
          '<meta id="9DhefwqGPrzGxEp9hPaoag" content="x" r="m"></head><body>'
          '<script>$_ts=window[\'$_ts\'];if(!$_ts)$_ts={};$_ts.nsd=12345;</script></body></html>')


@pytest.fixture
def site() -> Iterator[SiteServer]:
    with SiteServer() as server:
        yield server


def trs_item(n: int) -> str:
    title, day = f"关于第{n}期法治政府建设工作的通报", f"{n % 28 + 1:02d}"
    return (f'<li><a href="./202611/t202611{day}_{7000000 + n}.html" title="{title}">{title}</a>'
            f'<span>2026-11-{day}</span></li>')


def trs_page(ids: list[int], page_no: int, pages: int) -> str:
    items = "\n".join(trs_item(n) for n in ids)
    return (f'<html><head><meta charset="utf-8"><title>通知公告</title></head><body><div class="list1"><ul>{items}'
            f'</ul></div><script>createPageHTML({pages}, {page_no}, "index", "html");</script></body></html>')


def publish_trs(site: SiteServer, newest_first: list[int], per_page: int = 5, pages: int = 4) -> None:
    for p in range(pages):
        name = "index.html" if p == 0 else f"index_{p}.html"
        site.set(f"/tzgg/{name}", trs_page(newest_first[p * per_page : (p + 1) * per_page], p, pages))


def test_trs_walks_next_pages_until_max_pages_then_until_a_known_article(crawl_env, site) -> None:
    publish_trs(site, list(range(20, 0, -1)))
    rt = crawl_env.start({"id": "trs", "region": "枣庄市", "list_urls": [site.url("/tzgg/index.html")],
                          "max_pages": 3})
    assert crawl_site("trs")["new"] == 15
    assert [p for p in site.paths if p != "/robots.txt"] == [
        "/tzgg/index.html", "/tzgg/index_1.html", "/tzgg/index_2.html"]  # max_pages, not index_3
    site.clear()
    publish_trs(site, [22, 21] + list(range(20, 0, -1)))
    result = crawl_site("trs")
    assert result["new"] == 2 and result["result"] == "ok"
    assert site.paths == ["/tzgg/index.html"]  # the first page already lists known articles: stop
    assert rt.store.known_urls([site.url("/tzgg/202611/t20261123_7000022.html")])


HANWEB_LIST = """<html><head><meta charset="utf-8"><title>工作动态</title></head><body>
<div id="3001"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=2&appid=1&webid=1&path=/&columnid=1001\
&unitid=3001&webname=x&permissiontype=0">]]></nextgroup>
<recordset>{records}</recordset></datastore></script></div></body></html>"""
PROXY = ("/module/web/jpage/dataproxy.jsp?appid=1&columnid=1001&page={n}&path=%2F&permissiontype=0&unitid=3001"
         "&webid=1&webname=x")  # as canonicalized: query keys sorted


def hanweb_records(ids: list[int]) -> str:
    return "".join(f'<record><![CDATA[<li><a href="/art/2026/11/{n % 28 + 1}/art_1001_{4930000 + n}.html" '
                   f'title="黄石市司法局第{n}次法治宣传工作动态">黄石市司法局第{n}次法治宣传工作动态</a>'
                   f'<span>2026-11-{n % 28 + 1:02d}</span></li>]]></record>' for n in ids)


def test_hanweb_walks_embedded_datastore_then_dataproxy_pages(crawl_env, site) -> None:
    site.set("/col/col1001/index.html", HANWEB_LIST.format(records=hanweb_records([30, 29, 28])))
    for n, ids in ((2, [27, 26, 25]), (3, [24, 23, 22])):
        xml = f"<datastore><totalrecord>9</totalrecord><totalpage>3</totalpage><recordset>{hanweb_records(ids)}"
        site.set(PROXY.format(n=n), xml + "</recordset></datastore>", content_type="text/html; charset=utf-8")
    crawl_env.start({"id": "hw", "region": "黄石市", "list_urls": [site.url("/col/col1001/index.html")],
                     "max_pages": 2})
    assert crawl_site("hw")["new"] == 6
    pages = [p for p in site.paths if p != "/robots.txt"]
    assert pages == ["/col/col1001/index.html", PROXY.format(n=2)]


def test_304_and_unchanged_body_end_the_poll_with_no_further_work(crawl_env, site) -> None:
    publish_trs(site, list(range(5, 0, -1)), pages=1)
    site.set("/etag/index.html", trs_page([9, 8, 7], 0, 1), etag='"v1"')
    crawl_env.start({"id": "a", "region": "枣庄市", "list_urls": [site.url("/etag/index.html")]},
                    {"id": "b", "region": "枣庄市", "list_urls": [site.url("/tzgg/index.html")]})
    assert crawl_site("a")["result"] == "ok" and crawl_site("b")["result"] == "ok"
    site.clear()
    assert crawl_site("a")["result"] == "unchanged" and crawl_site("b")["result"] == "unchanged"
    requests = [r for r in site.requests if r.path != "/robots.txt"]
    assert [r.path for r in requests] == ["/etag/index.html", "/tzgg/index.html"]  # no next page, no article
    assert requests[0].headers["if-none-match"] == '"v1"'
    assert crawl_env.state("a")["last_result"] == "unchanged"
    site.clear()
    assert crawl_site("a", force=True)["result"] == "ok"  # --force ignores both checks
    assert "if-none-match" not in site.requests[-1].headers


def test_json_list_api_walks_pages(crawl_env, site) -> None:
    def answer(ids: list[int]) -> str:
        items = [{"title": f"惠州市法治政府建设第{n}号通报", "url": f"/gkmlpt/content/post_{n}.html",
                  "created_at": "2026-11-20 10:00:00"} for n in ids]
        return json.dumps({"articles": items}, ensure_ascii=False)

    for page, ids in ((1, [6, 5, 4]), (2, [3, 2, 1]), (3, [])):
        site.set(f"/gkmlpt/api/all/2?page={page}&sid=7", answer(ids), content_type="application/json")
    rt = crawl_env.start({"id": "gd", "region": "惠州市", "max_pages": 5,
                          "list_api": {"url": site.url("/gkmlpt/api/all/2?page={page}&sid=7"), "preset": "gkmlpt"}})
    result = crawl_site("gd")
    assert result["new"] == 6 and result["result"] == "ok"  # page 3 is empty: the walk ends there quietly
    assert rt.store.known_urls([site.url("/gkmlpt/content/post_1.html")])
    site.set("/gkmlpt/api/all/2?page=1&sid=7", answer([7, 6, 5]), content_type="application/json")
    site.clear()
    assert crawl_site("gd")["new"] == 1
    assert [p for p in site.paths] == ["/gkmlpt/api/all/2?page=1&sid=7"]


def test_batch_job_crawls_every_site_even_when_one_fails(crawl_env, site) -> None:
    publish_trs(site, [3, 2, 1], pages=1)
    crawl_env.start({"id": "broken", "region": "x", "list_urls": [site.url("/missing/index.html")]},
                    {"id": "fine", "region": "x", "list_urls": [site.url("/tzgg/index.html")]})
    results = crawl_sites(["broken", "nosuchsite", "fine"])
    assert [r["result"] for r in results] == ["error", "error", "ok"]
    assert "HTTP 404" in crawl_env.state("broken")["last_error"]
    assert "UnknownSite" in results[1]["errors"][0]


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def crawl_log() -> Iterator[_Records]:
    handler, log = _Records(), logging.getLogger("workers.crawl")
    old_level = log.level
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    yield handler
    log.removeHandler(handler)
    log.setLevel(old_level)


def test_blocked_site_is_recorded_warned_once_and_backed_off(crawl_env, site, crawl_log) -> None:
    site.set("/tzgg/index.html", RUISHU, status=412)
    rt = crawl_env.start({"id": "rs", "region": "x", "list_urls": [site.url("/tzgg/index.html")], "interval": "10m"})
    assert crawl_site("rs")["result"] == "blocked"
    state = crawl_env.state("rs")
    assert state["last_result"] == "blocked" and "瑞数" in state["last_error"]
    assert state["list_state"][BLOCK_KEY]["until"] > time.time() + 1000  # 2 intervals away
    site.clear()
    assert crawl_site("rs")["result"] == "skipped" and site.paths == []  # backing off: no request at all
    list_state = dict(state["list_state"], **{BLOCK_KEY: dict(state["list_state"][BLOCK_KEY], until=0)})
    rt.store.record_crawl("rs", result="blocked", error=state["last_error"], new=0, list_state=list_state,
                          baseline_done=False)
    assert crawl_site("rs")["result"] == "blocked"  # due again, still blocked
    assert crawl_env.state("rs")["list_state"][BLOCK_KEY]["count"] == 2
    warnings = [r for r in crawl_log.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and "rs" in warnings[0].getMessage() and "blocked" in warnings[0].getMessage()
    publish_trs(site, [3, 2, 1], pages=1)
    assert crawl_site("rs", force=True)["result"] == "ok"  # an operator's forced crawl goes through; reset
    assert BLOCK_KEY not in crawl_env.state("rs")["list_state"]


def test_blocked_article_is_never_stored_as_content(crawl_env, site) -> None:
    publish_trs(site, [1], pages=1)
    site.set("/tzgg/202611/t20261102_7000001.html", RUISHU, status=412)
    rt = crawl_env.start({"id": "trs", "region": "枣庄市", "list_urls": [site.url("/tzgg/index.html")]})
    crawl_site("trs")
    from rq import Queue, SimpleWorker

    from workers.queues import PARSE

    SimpleWorker([Queue(PARSE, connection=crawl_env.conn)], connection=crawl_env.conn).work(burst=True)
    row = rt.store.article_by_url(site.url("/tzgg/202611/t20261102_7000001.html"))
    assert row["status"] != "ok" and not row["text"] and not row["content_hash"]
    assert "瑞数" in (row["error"] or "")


def test_retry_after_keeps_the_host_alone_and_other_hosts_go_on(crawl_env, site) -> None:
    site.set("/tzgg/index.html", "busy", status=429, headers={"Retry-After": "120"})
    with SiteServer() as other:
        publish_trs(other, [3, 2, 1], pages=1)
        other_url = other.url("/tzgg/index.html").replace("127.0.0.1", "localhost")
        crawl_env.start({"id": "busy", "region": "x", "list_urls": [site.url("/tzgg/index.html")]},
                        {"id": "calm", "region": "x", "list_urls": [other_url]})
        first = crawl_site("busy")
        assert first["result"] == "error" and "HTTP 429" in first["errors"][0]
        site.clear()
        again = crawl_site("busy")
        assert again["result"] == "deferred" and site.paths == []  # not asked again before Retry-After
        assert "Retry-After" in crawl_env.state("busy")["last_error"]
        assert crawl_site("calm")["result"] == "ok"
