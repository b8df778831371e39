"""Tests for crawler.fetch: respx for HTTP semantics, a loopback server for streaming limits."""

from __future__ import annotations

import gzip
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler

import httpx
import pytest
import respx

from crawler.errors import (
    BadStatus,
    Blocked,
    Deferred,
    NotAllowed,
    RedirectLoop,
    Timeout,
    TooLarge,
    TooManyRedirects,
    Unreachable,
)
from crawler.fetch import Fetcher, parse_retry_after
from crawler.politeness import LocalHostGate

SITE = "https://sfj.linchuan.gov.cn"
HTML = "text/html; charset=utf-8"
HTML_HEADERS = {"Content-Type": HTML}


def html_page(body: str) -> str:
    filler = "<p>" + "临川市法治建设持续推进，各项工作取得新成效。" * 400 + "</p>"
    return f"<html><head><title>测试</title></head><body>{body}{filler}</body></html>"


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(robots=False) as f:  # robots.txt has its own tests (test_robots.py)
        yield f


# --- respx: HTTP semantics -------------------------------------------------------------------


@respx.mock
def test_get_decodes_gbk_labelled_gb2312_and_keeps_validators(fetcher: Fetcher) -> None:
    body = "<html><body><p>朱镕基同志与王堃同志的法治讲话</p></body></html>".encode("gbk")
    respx.get(f"{SITE}/a.html").mock(return_value=httpx.Response(
        200, content=body,
        headers={"Content-Type": "text/html; charset=gb2312", "ETag": '"v1"',
                 "Last-Modified": "Mon, 05 Dec 2022"},
    ))
    page = fetcher.get(f"{SITE}/a.html")
    assert page.status == 200 and not page.not_modified
    assert "朱镕基同志与王堃同志" in page.text
    assert page.encoding == "gb18030"
    assert page.etag == '"v1"' and page.last_modified == "Mon, 05 Dec 2022"
    assert page.content == body


@respx.mock
def test_conditional_get_304_is_not_modified(fetcher: Fetcher) -> None:
    route = respx.get(f"{SITE}/list.html").mock(return_value=httpx.Response(304, headers={"ETag": '"v1"'}))
    page = fetcher.get(f"{SITE}/list.html", etag='"v1"', last_modified="Mon, 05 Dec 2022 08:00:00 GMT")
    sent = route.calls.last.request
    assert sent.headers["If-None-Match"] == '"v1"'
    assert sent.headers["If-Modified-Since"] == "Mon, 05 Dec 2022 08:00:00 GMT"
    assert page.not_modified and page.content == b"" and page.text == "" and page.status == 304


@respx.mock
def test_plain_get_sends_no_validators_and_a_user_agent() -> None:
    route = respx.get(f"{SITE}/list.html").mock(return_value=httpx.Response(200, text=html_page("")))
    with Fetcher(user_agent="govwatch-test/1", robots=False) as fetcher:
        fetcher.get(f"{SITE}/list.html")
    sent = route.calls.last.request
    assert "If-None-Match" not in sent.headers and "If-Modified-Since" not in sent.headers
    assert sent.headers["User-Agent"] == "govwatch-test/1"


@respx.mock
@pytest.mark.parametrize(
    ("status", "header", "expected"),
    [(503, "120", 120.0), (429, None, None), (404, "soon", None)],
)
def test_bad_status_carries_retry_after_seconds(
    fetcher: Fetcher, status: int, header: str | None, expected: float | None
) -> None:
    headers = {"Retry-After": header} if header else {}
    respx.get(f"{SITE}/x.html").mock(return_value=httpx.Response(status, text="busy", headers=headers))
    with pytest.raises(BadStatus) as caught:
        fetcher.get(f"{SITE}/x.html")
    assert caught.value.status == status
    assert caught.value.retry_after == expected


@respx.mock
def test_retry_after_http_date(fetcher: Fetcher) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True)
    respx.get(f"{SITE}/x.html").mock(return_value=httpx.Response(429, headers={"Retry-After": when}))
    with pytest.raises(BadStatus) as caught:
        fetcher.get(f"{SITE}/x.html")
    assert caught.value.retry_after is not None and 80 <= caught.value.retry_after <= 91


def test_parse_retry_after_past_date_is_zero() -> None:
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert parse_retry_after(None) is None


@respx.mock
@pytest.mark.parametrize(
    ("status", "page", "reason"),
    [(412, "ruishu_412.html", "瑞数"), (202, "ruishu_412.html", "瑞数"), (521, "jsl_521.html", "加速乐")],
)
def test_anti_bot_challenges_are_blocked(
    fetcher: Fetcher, page_text: Callable[[str], str], status: int, page: str, reason: str
) -> None:
    respx.get(f"{SITE}/x.html").mock(return_value=httpx.Response(status, text=page_text(page), headers={
        "Content-Type": HTML}))
    with pytest.raises(Blocked) as caught:
        fetcher.get(f"{SITE}/x.html")
    assert reason in caught.value.reason


@respx.mock
def test_521_without_cookie_script_is_a_bad_status(fetcher: Fetcher) -> None:
    respx.get(f"{SITE}/x.html").mock(return_value=httpx.Response(521, text="<html>origin down</html>"))
    with pytest.raises(BadStatus) as caught:
        fetcher.get(f"{SITE}/x.html")
    assert caught.value.status == 521


@respx.mock
@pytest.mark.parametrize("marker", ["安全验证", "访问验证", "访问过于频繁", "非法请求", "云堤"])
def test_tiny_200_challenge_page_is_blocked(fetcher: Fetcher, marker: str) -> None:
    body = f"<html><head><title>{marker}</title></head><body><p>请稍候，{marker}中……</p></body></html>"
    respx.get(f"{SITE}/x.html").mock(return_value=httpx.Response(200, text=body, headers=HTML_HEADERS))
    with pytest.raises(Blocked):
        fetcher.get(f"{SITE}/x.html")


@respx.mock
def test_real_article_mentioning_a_marker_is_not_blocked(fetcher: Fetcher) -> None:
    body = html_page("<p>市公安局提醒市民注意网络安全验证码诈骗，遇到非法请求及时报警。</p>")
    respx.get(f"{SITE}/x.html").mock(return_value=httpx.Response(200, text=body, headers=HTML_HEADERS))
    assert "安全验证码" in fetcher.get(f"{SITE}/x.html").text


@respx.mock
def test_follows_redirects_within_the_limit() -> None:
    respx.get(f"{SITE}/a").mock(return_value=httpx.Response(302, headers={"Location": "/b"}))
    respx.get(f"{SITE}/b").mock(return_value=httpx.Response(301, headers={"Location": f"{SITE}/c"}))
    respx.get(f"{SITE}/c").mock(return_value=httpx.Response(200, text=html_page("终点页面")))
    with Fetcher(max_redirects=2, robots=False) as fetcher:
        page = fetcher.get(f"{SITE}/a")
    assert page.url == f"{SITE}/c" and "终点页面" in page.text


@respx.mock
def test_too_many_redirects() -> None:
    for n in range(4):
        respx.get(f"{SITE}/r{n}").mock(return_value=httpx.Response(302, headers={"Location": f"/r{n + 1}"}))
    with Fetcher(max_redirects=2, robots=False) as fetcher, pytest.raises(TooManyRedirects):
        fetcher.get(f"{SITE}/r0")


@respx.mock
def test_redirect_to_other_scheme_is_not_allowed(fetcher: Fetcher) -> None:
    respx.get(f"{SITE}/a").mock(return_value=httpx.Response(302, headers={"Location": "ftp://files.example/x"}))
    with pytest.raises(NotAllowed):
        fetcher.get(f"{SITE}/a")


@pytest.mark.parametrize("url", ["ftp://sfj.linchuan.gov.cn/a", "file:///etc/passwd", "javascript:alert(1)"])
def test_only_http_and_https(fetcher: Fetcher, url: str) -> None:
    with pytest.raises(NotAllowed):
        fetcher.get(url)


@respx.mock
@pytest.mark.parametrize(
    ("exc", "expected"),
    [(httpx.ConnectError("refused"), Unreachable), (httpx.ReadTimeout("slow"), Timeout),
     (httpx.ConnectTimeout("slow"), Timeout), (httpx.RemoteProtocolError("bad"), Unreachable)],
)
def test_httpx_errors_are_translated(fetcher: Fetcher, exc: Exception, expected: type[Exception]) -> None:
    respx.get(f"{SITE}/x.html").mock(side_effect=exc)
    with pytest.raises(expected) as caught:
        fetcher.get(f"{SITE}/x.html")
    assert caught.value.__suppress_context__ and caught.value.__cause__ is None
    assert caught.value.url == f"{SITE}/x.html"


@respx.mock
def test_false_content_length_over_cap_is_too_large() -> None:
    respx.get(f"{SITE}/big").mock(return_value=httpx.Response(200, content=b"x" * 10, headers={
        "Content-Length": "999999999"}))
    with Fetcher(max_bytes=1000, robots=False) as fetcher, pytest.raises(TooLarge):
        fetcher.get(f"{SITE}/big")


@respx.mock
def test_binary_content_is_not_decoded(fetcher: Fetcher) -> None:
    respx.get(f"{SITE}/f.pdf").mock(return_value=httpx.Response(200, content=b"%PDF-1.7 \xff\xfe", headers={
        "Content-Type": "application/pdf"}))
    page = fetcher.get(f"{SITE}/f.pdf")
    assert page.content.startswith(b"%PDF") and page.text == "" and page.content_type == "application/pdf"


@respx.mock
def test_min_delay_spaces_requests_to_one_host_only() -> None:
    respx.get(f"{SITE}/a").mock(return_value=httpx.Response(200, text=html_page("")))
    respx.get("https://www.other.gov.cn/a").mock(return_value=httpx.Response(200, text=html_page("")))
    with Fetcher(min_delay=0.4, robots=False) as fetcher:
        first = time.monotonic()  # the delay runs from the start of the previous request
        fetcher.get(f"{SITE}/a")
        started = time.monotonic()
        fetcher.get("https://www.other.gov.cn/a")
        assert time.monotonic() - started < 0.3
        fetcher.get(f"{SITE}/a")
        assert time.monotonic() - first >= 0.4


# --- loopback server: streaming limits and cookies ------------------------------------------


def _drip(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", HTML)
    handler.end_headers()
    try:
        for _ in range(60):
            handler.wfile.write(b"<")
            handler.wfile.flush()
            time.sleep(0.25)
    except OSError:
        pass  # the client gave up, as it should


def test_drip_server_hits_the_deadline(loopback: Callable[..., str]) -> None:
    base = loopback({"/drip": _drip})
    started = time.monotonic()
    with Fetcher(deadline=1.0, read_timeout=5.0) as fetcher, pytest.raises(Timeout):
        fetcher.get(f"{base}/drip")
    assert time.monotonic() - started < 3.0


BOMB = gzip.compress(b"\0" * 30_000_000, compresslevel=9)
"""About 30 KB on the wire, 30 MB once inflated."""


def _gzip_bomb(handler: BaseHTTPRequestHandler) -> None:
    body = BOMB
    handler.send_response(200)
    handler.send_header("Content-Type", HTML)
    handler.send_header("Content-Encoding", "gzip")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    try:
        handler.wfile.write(body)
    except OSError:
        pass


def _endless(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", HTML)
    handler.end_headers()  # no Content-Length: the body runs until the server closes
    try:
        handler.wfile.write(b"a" * 3_000_000)
    except OSError:
        pass


def _small_gzip(handler: BaseHTTPRequestHandler) -> None:
    body = gzip.compress("<html><body><p>压缩传输的法治新闻正文</p></body></html>".encode())
    handler.send_response(200)
    handler.send_header("Content-Type", HTML)
    handler.send_header("Content-Encoding", "gzip")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def test_gzip_bomb_hits_max_bytes_without_inflating_it(loopback: Callable[..., str]) -> None:
    base = loopback({"/bomb": _gzip_bomb})
    tracemalloc.start()
    try:
        with Fetcher(max_bytes=1_000_000) as fetcher, pytest.raises(TooLarge) as caught:
            fetcher.get(f"{base}/bomb")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert caught.value.limit == 1_000_000
    assert peak < 10_000_000  # never held the 30 MB, only about max_bytes


def test_undeclared_oversized_body_hits_max_bytes(loopback: Callable[..., str]) -> None:
    base = loopback({"/endless": _endless})
    with Fetcher(max_bytes=1_000_000) as fetcher, pytest.raises(TooLarge):
        fetcher.get(f"{base}/endless")


def test_gzip_body_is_decoded(loopback: Callable[..., str]) -> None:
    base = loopback({"/gz": _small_gzip})
    with Fetcher() as fetcher:
        assert "压缩传输的法治新闻正文" in fetcher.get(f"{base}/gz").text


def _cookie_gate(handler: BaseHTTPRequestHandler) -> None:
    if "wzws_sessionid=abc123" not in (handler.headers.get("Cookie") or ""):
        handler.send_response(302)
        handler.send_header("Set-Cookie", "wzws_sessionid=abc123; Path=/")
        handler.send_header("Location", handler.path)
        handler.send_header("Content-Length", "0")
        handler.end_headers()
        return
    body = "<html><body><p>通过会话验证后的栏目列表</p></body></html>".encode()
    handler.send_response(200)
    handler.send_header("Content-Type", HTML)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def test_cookie_gate_redirecting_to_itself_passes(loopback: Callable[..., str]) -> None:
    base = loopback({"/col/col1/index.html": _cookie_gate})
    with Fetcher(max_redirects=2) as fetcher:
        page = fetcher.get(f"{base}/col/col1/index.html")
    assert page.status == 200 and "通过会话验证后的栏目列表" in page.text


def test_unreachable_port(loopback: Callable[..., str]) -> None:
    with Fetcher(connect_timeout=2.0) as fetcher, pytest.raises(Unreachable):
        fetcher.get("http://127.0.0.1:9/")


@respx.mock
def test_cookies_are_kept_across_requests_to_one_site(fetcher: Fetcher) -> None:
    respx.get(f"{SITE}/first").mock(return_value=httpx.Response(
        200, text=html_page(""), headers={"Set-Cookie": "__jsluid_s=abc; Path=/"}))
    second = respx.get(f"{SITE}/second").mock(return_value=httpx.Response(200, text=html_page("")))
    fetcher.get(f"{SITE}/first")
    fetcher.get(f"{SITE}/second")
    assert "__jsluid_s=abc" in second.calls.last.request.headers.get("Cookie", "")


# --- politeness: Retry-After, shared gates; safety: redirect loops, TLS fallback ----------------


@respx.mock
@pytest.mark.parametrize("header", ["120", "HTTP-DATE"])
def test_retry_after_defers_that_host_only(header: str) -> None:
    if header == "HTTP-DATE":
        header = format_datetime(datetime.now(UTC) + timedelta(seconds=120), usegmt=True)
    busy = respx.get(f"{SITE}/a").mock(return_value=httpx.Response(429, headers={"Retry-After": header}))
    respx.get("https://www.other.gov.cn/a").mock(return_value=httpx.Response(200, text=html_page("")))
    gate = LocalHostGate()
    with Fetcher(robots=False, gate=gate) as fetcher, Fetcher(robots=False, gate=gate) as second:
        with pytest.raises(BadStatus):
            fetcher.get(f"{SITE}/a")
        for f in (fetcher, second):  # every fetcher sharing the gate stays away
            with pytest.raises(Deferred) as caught:
                f.get(f"{SITE}/b")
            assert 100 < caught.value.retry_after <= 121
        assert fetcher.get("https://www.other.gov.cn/a").status == 200
    assert busy.call_count == 1


@respx.mock
def test_503_without_retry_after_does_not_defer(fetcher: Fetcher) -> None:
    route = respx.get(f"{SITE}/a").mock(return_value=httpx.Response(503))
    for _ in range(2):
        with pytest.raises(BadStatus):
            fetcher.get(f"{SITE}/a")
    assert route.call_count == 2


@respx.mock
def test_shared_gate_spaces_requests_of_two_fetchers() -> None:
    respx.get(f"{SITE}/a").mock(return_value=httpx.Response(200, text=html_page("")))
    gate = LocalHostGate()
    with Fetcher(min_delay=0.4, robots=False, gate=gate) as one, Fetcher(min_delay=0.4, robots=False,
                                                                           gate=gate) as two:
        started = time.monotonic()
        one.get(f"{SITE}/a")
        two.get(f"{SITE}/a")
        assert time.monotonic() - started >= 0.4


@pytest.mark.parametrize(("concurrency", "overlap"), [(1, False), (2, True)])
def test_gate_limits_concurrent_requests_per_host(concurrency: int, overlap: bool) -> None:
    gate, running, peak = LocalHostGate(), [0], [0]

    def request() -> None:
        with gate.turn("sfj.example.gov.cn", min_delay=0.0, concurrency=concurrency):
            running[0] += 1
            peak[0] = max(peak[0], running[0])
            time.sleep(0.1)
            running[0] -= 1

    threads = [threading.Thread(target=request) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert (peak[0] > 1) is overlap and peak[0] <= concurrency


@respx.mock
def test_redirect_loop_is_detected_before_the_hop_limit() -> None:
    respx.get(f"{SITE}/a").mock(return_value=httpx.Response(302, headers={"Location": "/b"}))
    respx.get(f"{SITE}/b").mock(return_value=httpx.Response(302, headers={"Location": "/a"}))
    with Fetcher(max_redirects=10, robots=False) as fetcher, pytest.raises(RedirectLoop) as caught:
        fetcher.get(f"{SITE}/a")
    assert "redirect loop" in str(caught.value)
    assert len(respx.calls) == 2


def test_tls_failure_falls_back_to_http_when_allowed(loopback: Callable[..., str]) -> None:
    base = loopback({"/list.html": _small_gzip})  # a plain-HTTP server: a TLS handshake with it fails
    https = base.replace("http://", "https://") + "/list.html"
    with Fetcher(robots=False) as strict, pytest.raises(Unreachable):
        strict.get(https)
    with Fetcher(robots=False, tls_fallback=True) as lenient:
        page = lenient.get(https)
        assert page.url == base + "/list.html" and "压缩传输的法治新闻正文" in page.text
        assert lenient.get(https).url.startswith("http://")  # remembered for the host
