"""Unit tests for :mod:`rules.numbers`."""

from __future__ import annotations

import pytest

from rules.numbers import approx_after, find_numbers, is_damaged_date, normalize, parse_chinese, parse_number


@pytest.mark.parametrize(("text", "value"), [
    ("123", 123), ("18.5", 18.5), ("１２３", 123), ("９８．５", 98.5), ("12,000", 12000), ("1,256.5", 1256.5),
    ("6.43万", 64300), ("252.54万", 2525400), ("2亿", 200000000), ("4.6万", 46000), ("1.2千万", 12000000),
    ("一千", 1000), ("两", 2), ("十二", 12), ("二十三", 23), ("一百零五", 105), ("两万三千", 23000),
    ("三万五", 35000), ("一亿三千万", 130000000), ("二〇二三", 2023), ("上百", 100), ("百分之三十", 30),
])
def test_parse_number(text: str, value: float) -> None:
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["", "abc", "万", "千方百计"])
def test_parse_number_rejects_non_numerals(text: str) -> None:
    assert parse_number(text) is None


def test_parse_chinese_colloquial_tail() -> None:
    assert parse_chinese("一千二") == 1200
    assert parse_chinese("十") == 10


def test_scaling_is_exact() -> None:
    # 6.43 * 10000 in floats is 64300.00000000001; the parser must not leak that
    assert parse_number("6.43万") == 64300.0
    assert parse_number("252.54万") == 2525400.0


@pytest.mark.parametrize(("text", "value", "approx"), [
    ("受理一千余件", 1000, "more"), ("2亿多元", 200000000, "more"), ("4.6万余名", 46000, "more"),
    ("上百件", 100, "more"), ("超3000家", 3000, "more"), ("逾5万人", 50000, "more"), ("超过20个", 20, "more"),
    ("近7万件", 70000, "near"), ("约5000人次", 5000, "near"),
    ("不到10%", 10, "less"), ("不足30人", 30, "less"), ("共86件", 86, None),
])
def test_find_numbers_approx(text: str, value: float, approx: str | None) -> None:
    [num] = find_numbers(text)
    assert (num.value, num.approx) == (pytest.approx(value), approx)


def test_find_numbers_positions_are_the_originals() -> None:
    text = "办结率９８．５％，受理１２３件"
    nums = find_numbers(text)
    assert [text[n.start:n.end] for n in nums] == ["９８．５", "１２３"]
    assert [n.arabic for n in nums] == [True, True]


def test_marker_that_ends_another_word_is_not_approx() -> None:
    [num] = find_numbers("签约3个项目")
    assert num.approx is None


def test_percent_in_words() -> None:
    [num] = find_numbers("知晓率达到百分之九十五")
    assert (num.value, num.percent, num.arabic) == (95, True, False)


@pytest.mark.parametrize(("text", "pos", "expected"), [
    ("90%以上", 3, ("more", 5)), ("2小时左右", 3, ("near", 5)), ("3个工作日以内", 5, ("less", 7)),
    ("10件，", 3, (None, 3)),
])
def test_approx_after(text: str, pos: int, expected: tuple[str | None, int]) -> None:
    assert approx_after(text, pos) == expected


def test_normalize_keeps_length() -> None:
    text = "受理１２３件，满意率９９．５％（同比）"
    assert len(normalize(text)) == len(text)
    assert normalize(text) == "受理123件,满意率99.5%(同比)"


@pytest.mark.parametrize(("digits", "published", "damaged"), [
    ("1215", "2022-12-20", True),   # 12月15日
    ("1130", "2022-12-02", True),   # last month's event, 11月30日
    ("315", "2023-03-20", True),    # 3月15日
    ("1215", "2022-06-20", False),  # not this month: a real count
    ("1215", None, False),
    ("1240", "2022-12-20", False),  # no 40th day
    ("12", "2022-12-20", False),
])
def test_is_damaged_date(digits: str, published: str | None, damaged: bool) -> None:
    assert is_damaged_date(digits, published) is damaged


def test_traditional_text_is_read_as_simplified_character_for_character() -> None:
    trad = "開展法治宣傳教育活動120多場,發放法律讀本17萬餘份,區縣全覆蓋。"
    assert normalize(trad) == "开展法治宣传教育活动120多场,发放法律读本17万余份,区县全覆盖。"
    assert len(normalize(trad)) == len(trad)


def test_simplified_text_with_a_few_traditional_looking_characters_is_left_alone() -> None:
    text = "乾隆年间的於姓人家,全区办理案件120件,显著提升。"
    assert normalize(text) == text
