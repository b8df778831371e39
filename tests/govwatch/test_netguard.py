"""SSRF guard: every spelling of a loopback/private address is refused, names are resolved, redirects checked."""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from alerts.channels.webhook import WebhookChannel
from alerts.errors import PermanentDeliveryError
from alerts.records import Alert
from govwatch.channels import make_channel
from govwatch.cli import cli
from govwatch.loopback import WebhookReceiver
from govwatch.netguard import UnsafeTarget, check_recrawl, check_redirect, check_url, guard_webhook, legacy_ipv4
from govwatch.settings import load_settings

REFUSED = {
    "http://127.0.0.1/": "loopback",
    "http://127.0.0.1./": "loopback",
    "https://localhost/": "loopback",
    "http://10.1.2.3/": "private",
    "http://172.16.0.1/": "private",
    "http://172.31.255.254/": "private",
    "http://192.168.1.1/": "private",
    "http://169.254.169.254/latest/meta-data/": "link-local",
    "http://100.64.0.1/": "not a globally routable",
    "http://0.0.0.0/": "unspecified",
    "http://0/": "unspecified",
    "http://224.0.0.1/": "multicast",
    "http://240.0.0.1/": "reserved",
    "http://[::1]/": "loopback",
    "http://[::ffff:127.0.0.1]/": "loopback",
    "http://[::ffff:a9fe:a9fe]/": "link-local",
    "http://[2002:7f00:1::]/": "loopback",
    "http://[64:ff9b::a00:1]/": "private",
    "http://[fe80::1]/": "link-local",
    "http://[fc00::1]/": "private",
    "http://2130706433/": "loopback",
    "http://0x7f.1/": "loopback",
    "http://0x7f000001/": "loopback",
    "http://017700000001/": "loopback",
    "http://0177.0.0.1/": "not a valid URL",  # httpx refuses leading zeros in a dotted quad
    "http://0177.0.1/": "loopback",
    "http://127.1/": "loopback",
    "http://3232235777:8080/": "private",
    "http://user:pw@93.184.216.34/": "user:password@",
    "http://93.184.216.34\\@127.0.0.1/": "backslash",
    "ftp://93.184.216.34/": "not an absolute http(s) URL",
    "http://256.1.1.1/": "not a valid",
    "http://1.0x100.1/": "not a valid IPv4 address",
}


@pytest.mark.parametrize("url", sorted(REFUSED))
def test_refused(url: str) -> None:
    with pytest.raises(UnsafeTarget, match=re.escape(REFUSED[url])):
        check_url(url)


@pytest.mark.parametrize("url", ["http://93.184.216.34/a.html", "https://[2606:2800:220:1:248:1893:25c8:1946]/",
                                 "http://8.8.8.8:8080/x"])
def test_public_literals_pass(url: str) -> None:
    check_url(url)


def test_legacy_ipv4_spellings() -> None:
    assert {str(legacy_ipv4(h)) for h in ("2130706433", "0x7f.1", "017700000001", "127.0.0.1", "0x7F.0.0.1")} == {
        "127.0.0.1"
    }
    assert legacy_ipv4("sfj.zaozhuang.gov.cn") is None and legacy_ipv4("1.2.3.x") is None


def test_names_are_resolved_and_every_address_checked(fake_dns: dict[str, list[str]]) -> None:
    fake_dns.update({"intranet.example.org": ["10.0.0.5"], "public.example.org": ["93.184.216.34"],
                     "mixed.example.org": ["93.184.216.34", "127.0.0.1"], "v6.example.org": ["::1"],
                     "gone.example.org": []})
    check_url("https://public.example.org/hook")
    for name in ("intranet", "mixed", "v6"):
        with pytest.raises(UnsafeTarget):
            check_url(f"https://{name}.example.org/hook")
    with pytest.raises(UnsafeTarget, match="cannot resolve"):
        check_url("https://gone.example.org/")
    check_url("https://gone.example.org/", strict_dns=False)  # fails later as a (retried) connection error


def test_redirect_hops_are_checked(fake_dns: dict[str, list[str]]) -> None:
    fake_dns.update({"public.example.org": ["93.184.216.34"], "internal.example.org": ["192.168.3.4"]})
    assert check_redirect("http://public.example.org/a", "/b") == "http://public.example.org/b"
    for location in ("http://169.254.169.254/latest/meta-data/", "http://internal.example.org/", "//127.0.0.1/x",
                     "http://0x7f.1/"):
        with pytest.raises(UnsafeTarget):
            check_redirect("http://public.example.org/a", location)


def settings_for(tmp_path: Path, extra: str = "") -> object:
    cfg = tmp_path / "govwatch.yaml"
    cfg.write_text("sites:\n  - {id: zz, region: 枣庄市, list_urls: ['http://sfj.zaozhuang.gov.cn/col/index.html']}\n"
                   "  - {id: lan, region: 某市, list_urls: ['http://127.0.0.1:8000/list.html']}\n" + extra,
                   encoding="utf-8")
    return load_settings(cfg, tmp_path / "data", env={})


def test_recrawl_url_must_belong_to_a_site_and_be_public(tmp_path: Path, fake_dns: dict[str, list[str]]) -> None:
    settings = settings_for(tmp_path)
    fake_dns["sfj.zaozhuang.gov.cn"] = ["93.184.216.34"]
    assert check_recrawl(settings, "http://SFJ.zaozhuang.gov.cn/art/1.html").id == "zz"
    with pytest.raises(UnsafeTarget, match="does not belong"):
        check_recrawl(settings, "http://evil.example.org/art/1.html")
    with pytest.raises(UnsafeTarget, match="loopback"):  # a configured site, but on loopback
        check_recrawl(settings, "http://127.0.0.1:8000/a.html")
    fake_dns["sfj.zaozhuang.gov.cn"] = ["10.9.8.7"]  # the site's name now points inside
    with pytest.raises(UnsafeTarget, match="private"):
        check_recrawl(settings, "http://sfj.zaozhuang.gov.cn/art/1.html")
    lenient = settings_for(tmp_path, "allow_private_targets: true\n")
    assert check_recrawl(lenient, "http://127.0.0.1:8000/a.html").id == "lan"
    with pytest.raises(UnsafeTarget, match="does not belong"):  # the switch never lifts the site rule
        check_recrawl(lenient, "http://10.0.0.1/a.html")


# --- the webhook channel ---------------------------------------------------------------------------------------


def alert() -> Alert:
    return Alert(id="msg_test_1", type="test", timestamp=int(time.time()), region=None, title="测试", url="",
                 data={"message": "hello"})


def test_webhook_guard_refuses_before_connecting(fake_dns: dict[str, list[str]]) -> None:
    fake_dns["hooks.example.org"] = ["10.0.0.7"]
    seen: list[httpx.Request] = []
    transport = httpx.MockTransport(lambda r: seen.append(r) or httpx.Response(204))
    with WebhookChannel(transport=transport, guard=guard_webhook) as channel:
        with pytest.raises(PermanentDeliveryError, match="refused target.*private"):
            channel.send(alert(), "https://hooks.example.org/govwatch", None)
    assert seen == []


def test_webhook_redirect_to_a_private_address_is_not_followed(fake_dns: dict[str, list[str]]) -> None:
    fake_dns["hooks.example.org"] = ["93.184.216.34"]
    seen: list[str] = []

    def app(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(302, headers={"location": "http://169.254.169.254/latest/meta-data/"})

    with WebhookChannel(transport=httpx.MockTransport(app), guard=guard_webhook) as channel:
        with pytest.raises(PermanentDeliveryError, match="redirect"):
            channel.send(alert(), "https://hooks.example.org/govwatch", None)
    assert seen == ["https://hooks.example.org/govwatch"]


def test_make_channel_guards_webhooks_unless_private_targets_are_allowed(tmp_path: Path) -> None:
    with WebhookReceiver() as receiver:
        strict = make_channel("webhook", settings_for(tmp_path))
        with pytest.raises(PermanentDeliveryError, match="loopback"):
            strict.send(alert(), receiver.url, None)
        assert receiver.requests == []
        lenient = make_channel("webhook", settings_for(tmp_path, "allow_private_targets: true\n"))
        lenient.send(alert(), receiver.url, None)
        assert len(receiver.requests) == 1


def test_cli_subscribers_add_refuses_private_webhooks(tmp_path: Path, fake_dns: dict[str, list[str]]) -> None:
    fake_dns["intranet.example.org"] = ["172.20.0.3"]
    settings_for(tmp_path)
    env = {"GOVWATCH_CONFIG": str(tmp_path / "govwatch.yaml"), "GOVWATCH_DATA_DIR": str(tmp_path / "data")}
    for url in ("http://127.0.0.1:9/hook", "http://intranet.example.org/hook", "http://[::ffff:10.0.0.1]/"):
        result = CliRunner().invoke(cli, ["subscribers", "add", "h", "--webhook", url], env=env)
        assert result.exit_code != 0 and "is a" in result.output, result.output
    result = CliRunner().invoke(cli, ["subscribers", "add", "h", "--webhook", "https://93.184.216.34/hook"], env=env)
    assert result.exit_code == 0, result.output


def test_a_public_site_cannot_redirect_the_crawler_inside(fake_dns: dict[str, list[str]]) -> None:
    from govwatch.netguard import guard_crawl_redirect

    fake_dns["sfj.example.gov.cn"] = ["93.184.216.34"]
    fake_dns["intranet.example.org"] = ["10.0.0.5"]
    guard_crawl_redirect("http://sfj.example.gov.cn/a", "http://sfj.example.gov.cn/b")  # public → public
    for target in ("http://169.254.169.254/latest/meta-data/", "http://intranet.example.org/", "http://[::1]/"):
        with pytest.raises(UnsafeTarget):
            guard_crawl_redirect("http://sfj.example.gov.cn/a", target)
    guard_crawl_redirect("http://intranet.example.org/a", "http://10.0.0.6/b")  # an intranet site, inside


def test_the_crawler_refuses_a_redirect_its_guard_refuses(fake_dns: dict[str, list[str]]) -> None:
    import respx

    from crawler.errors import NotAllowed
    from crawler.fetch import Fetcher
    from govwatch.netguard import guard_crawl_redirect

    fake_dns["sfj.example.gov.cn"] = ["93.184.216.34"]
    with respx.mock, Fetcher(robots=False, redirect_guard=guard_crawl_redirect) as fetcher:
        respx.get("http://sfj.example.gov.cn/a.html").mock(
            return_value=httpx.Response(302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}))
        metadata = respx.get("http://169.254.169.254/latest/meta-data/").mock(return_value=httpx.Response(200))
        with pytest.raises(NotAllowed, match="redirect from http://sfj.example.gov.cn/a.html refused"):
            fetcher.get("http://sfj.example.gov.cn/a.html")
        assert not metadata.called


def test_recrawl_matches_host_and_port_and_the_closest_list(tmp_path: Path) -> None:
    from govwatch.netguard import NotASite, site_for_url

    cfg = tmp_path / "govwatch.yaml"
    cfg.write_text("""
allow_private_targets: true
sites:
  - {id: a, region: 枣庄市, list_urls: ["http://127.0.0.1:18101/sfj/tzgg/index.html"]}
  - {id: b, region: 黄石市, list_urls: ["http://127.0.0.1:18102/col/col1/index.html"]}
  - {id: c, region: 滨州市, list_urls: ["http://127.0.0.1:18102/xwzx/index.html"]}
""", encoding="utf-8")
    settings = load_settings(cfg, tmp_path, env={})
    assert site_for_url(settings, "http://127.0.0.1:18101/sfj/tzgg/202611/t1.html").id == "a"
    assert site_for_url(settings, "http://127.0.0.1:18102/col/col1/art/2026/art_1.html").id == "b"
    assert site_for_url(settings, "http://127.0.0.1:18102/xwzx/202611/t2.html").id == "c"
    assert site_for_url(settings, "http://127.0.0.1:18109/x") is None  # another port on the host
    assert site_for_url(settings, "http://127.0.0.1:18102/other/x.html") is None  # b or c: ambiguous
    with pytest.raises(NotASite):
        check_recrawl(settings, "http://127.0.0.1:18109/x")
