"""Tests for crawler.encoding."""

from __future__ import annotations

import codecs

import pytest

from crawler.encoding import candidates, decode, normalize

PHRASE = "临川市人民政府关于朱镕基同志和王堃同志题词的法治宣传通知"
"""镕 and 堃 are outside GB2312: a strict gb2312 decoder garbles them."""


def gbk_page(meta: str = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">') -> bytes:
    return f"<html><head>{meta}<title>通知</title></head><body><p>{PHRASE}</p></body></html>".encode("gbk")


def test_gbk_bytes_labelled_gb2312_in_header_come_out_intact() -> None:
    text, encoding = decode(gbk_page(meta=""), "text/html; charset=gb2312")
    assert PHRASE in text and "\ufffd" not in text
    assert encoding == "gb18030"


def test_gbk_bytes_labelled_gb2312_in_meta_only() -> None:
    text, encoding = decode(gbk_page(), "text/html")
    assert PHRASE in text and encoding == "gb18030"


def test_meta_charset_short_form() -> None:
    text, _ = decode(gbk_page(meta='<meta charset="GBK">'))
    assert PHRASE in text


def test_wrong_header_loses_to_the_candidate_with_fewer_replacements() -> None:
    text, encoding = decode(gbk_page(), "text/html; charset=utf-8")
    assert PHRASE in text and encoding == "gb18030"


def test_utf8_page_with_stale_gb2312_meta_is_utf8() -> None:
    body = f'<html><head><meta charset="gb2312"></head><body>{PHRASE}</body></html>'.encode()
    text, encoding = decode(body)
    assert PHRASE in text and encoding == "utf-8"


@pytest.mark.parametrize(
    ("bom", "codec"),
    [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")],
)
def test_bom(bom: bytes, codec: str) -> None:
    text, _ = decode(bom + PHRASE.encode(codec))
    assert text == PHRASE


def test_no_label_guesses_utf8_then_gb18030() -> None:
    assert decode(PHRASE.encode())[0] == PHRASE
    assert decode(PHRASE.encode("gbk"))[0] == PHRASE


def test_unknown_label_is_skipped() -> None:
    assert decode(PHRASE.encode("gbk"), "text/html; charset=x-unheard-of")[0] == PHRASE


def test_candidates_order_and_normalization() -> None:
    body = b'<meta charset="gb_2312">'
    assert candidates(body, "text/html; charset=UTF-8") == ["utf-8", "gb18030"]
    assert candidates(codecs.BOM_UTF8 + body, "") == ["utf-8-sig", "gb18030", "utf-8"]
    assert normalize("GB2312") == normalize("x-gbk") == "gb18030"
    assert normalize("nonsense") is None
