"""Tests for crawler.urls: cases as data, one parametrized test each."""

from __future__ import annotations

import pytest

from crawler.urls import canonicalize, same_site

LIST = "http://sfj.linchuan.gov.cn/zwgk/tzgg/index.html"

CANONICAL = [
    ("./202212/t20221216_1234567.html", LIST, "http://sfj.linchuan.gov.cn/zwgk/tzgg/202212/t20221216_1234567.html"),
    ("../../art/2022/12/16/art_1_2.html", LIST, "http://sfj.linchuan.gov.cn/art/2022/12/16/art_1_2.html"),
    ("HTTPS://SFJ.Linchuan.GOV.CN:443/a.html#top", None, "https://sfj.linchuan.gov.cn/a.html"),
    ("http://sfj.linchuan.gov.cn:80/a.html", None, "http://sfj.linchuan.gov.cn/a.html"),
    ("http://sfj.linchuan.gov.cn:8080/a.html", None, "http://sfj.linchuan.gov.cn:8080/a.html"),
    ("http://sfj.linchuan.gov.cn//zwgk///a.html", None, "http://sfj.linchuan.gov.cn/zwgk/a.html"),
    ("http://sfj.linchuan.gov.cn/zwgk/./x/../a.html", None, "http://sfj.linchuan.gov.cn/zwgk/a.html"),
    ("/a.html?xxgkhide=1", LIST, "http://sfj.linchuan.gov.cn/a.html"),
    ("/a.html?utm_source=wx&utm_medium=share&id=7", LIST, "http://sfj.linchuan.gov.cn/a.html?id=7"),
    ("/show.php?id=7&cid=2", LIST, "http://sfj.linchuan.gov.cn/show.php?cid=2&id=7"),
    ("//www.linchuan.gov.cn/a.html", LIST, "http://www.linchuan.gov.cn/a.html"),
    ("http://sfj.linchuan.gov.cn", None, "http://sfj.linchuan.gov.cn/"),
    ("  /a.html  ", LIST, "http://sfj.linchuan.gov.cn/a.html"),
]


@pytest.mark.parametrize(("url", "base", "expected"), CANONICAL)
def test_canonicalize(url: str, base: str | None, expected: str) -> None:
    assert canonicalize(url, base) == expected


def test_canonicalize_is_idempotent() -> None:
    for _, _, expected in CANONICAL:
        assert canonicalize(expected) == expected


def test_relative_url_without_base_is_rejected() -> None:
    with pytest.raises(ValueError):
        canonicalize("./a.html")


SITES = [
    ("http://sfj.linchuan.gov.cn/a.html", LIST, True),
    ("https://www.linchuan.gov.cn/art/2022/1/1/art_1_1.html", LIST, True),
    ("http://linchuan.gov.cn/a.html", LIST, True),
    ("http://www.othercity.gov.cn/a.html", LIST, False),
    ("http://www.gov.cn/zhengce/a.htm", LIST, False),
    ("http://news.example.com/a.html", "http://www.example.com/", True),
    ("http://example.net/a.html", "http://www.example.com/", False),
    ("http://127.0.0.1:8001/a.html", "http://127.0.0.1:8000/", True),
    ("http://127.0.0.2/a.html", "http://127.0.0.1/", False),
]


@pytest.mark.parametrize(("url", "list_url", "expected"), SITES)
def test_same_site(url: str, list_url: str, expected: bool) -> None:
    assert same_site(url, list_url) is expected
