"""Tests for crawler.dates: input → expected ISO string, as data."""

from __future__ import annotations

import pytest

from crawler.dates import date_from_url, parse_date

CASES = [
    ("2022-12-16", "2022-12-16"),
    ("[2022-12-16]", "2022-12-16"),
    ("2022/12/16", "2022-12-16"),
    ("2000.01.30", "2000-01-30"),
    ("2020-01-18 11:34", "2020-01-18T11:34:00+08:00"),
    ("2022-04-17 14:46:00", "2022-04-17T14:46:00+08:00"),
    ("2022-06-28-11:59:00", "2022-06-28T11:59:00+08:00"),
    ("2020 年 03 月 16 日", "2020-03-16"),
    ("2022年6月28日", "2022-06-28"),
    ("2022年6月28日 11:59", "2022-06-28T11:59:00+08:00"),
    ("2020-12-21T00:00:00.000+0800", "2020-12-21T00:00:00+08:00"),
    ("2020-12-20T16:00:00Z", "2020-12-21T00:00:00+08:00"),
    ("2020-12-20T17:30:00+09:00", "2020-12-20T16:30:00+08:00"),
    ("1656388740", "2022-06-28T11:59:00+08:00"),
    ("1656388740000", "2022-06-28T11:59:00+08:00"),
    ("发布时间：2017-03-14【字体：大中小】", "2017-03-14"),
    ("2024-11-20 19:26:35 - 某市政府研究室网站", "2024-11-20T19:26:35+08:00"),
    ("2022-06-28 25:61", "2022-06-28"),
    ("2022-02-30", None),
    ("2022-13-01", None),
    ("1899-01-01", None),
    ("(01-25)", None),
    ("第12号", None),
    ("", None),
]


@pytest.mark.parametrize(("value", "expected"), CASES)
def test_parse_date(value: str, expected: str | None) -> None:
    assert parse_date(value) == expected


def test_epoch_numbers() -> None:
    assert parse_date(1656388740) == "2022-06-28T11:59:00+08:00"
    assert parse_date(1656388740000) == "2022-06-28T11:59:00+08:00"
    assert parse_date(99) is None


@pytest.mark.parametrize(
    ("value", "year", "expected"), [("(01-25)", 2023, "2023-01-25"), ("02-30", 2023, None)]
)
def test_month_day_needs_a_year(value: str, year: int, expected: str | None) -> None:
    assert parse_date(value, year=year) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://x.gov.cn/art/2022/12/6/art_1812_4932979.html", "2022-12-06"),
        ("http://x.gov.cn/zwgk/tzgg/202212/t20221216_1234567.html", "2022-12-16"),
        ("http://x.gov.cn/col/col1/art/2026/art_0123456789abcdef0123456789abcdef.html", None),
        ("http://x.gov.cn/zwgk/t20221332_1.html", None),
        ("http://x.gov.cn/content/post_123.html", None),
    ],
)
def test_date_from_url(url: str, expected: str | None) -> None:
    assert date_from_url(url) == expected
