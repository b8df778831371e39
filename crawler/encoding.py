"""Decode a fetched body to text the way Chinese government sites need.

Order of evidence: the Content-Type header's charset, a byte-order mark, a ``<meta charset>`` or
``<meta http-equiv content="…charset=…">`` in the first 4 KB, then UTF-8 and GB18030 as guesses.
GB2312/GBK labels are decoded as GB18030 (a superset: pages labelled gb2312 often hold GBK bytes,
e.g. 镕 or 堃). Every candidate is tried and the one with the fewest U+FFFD replacement characters
wins, earlier candidates winning ties.

Example::

    >>> decode("法治镕".encode("gbk"), "text/html; charset=gb2312")
    ('法治镕', 'gb18030')
"""

from __future__ import annotations

import codecs
import re

META_SCAN_BYTES = 4096
"""How much of the body to search for a ``<meta>`` charset declaration."""

GB_ALIASES = frozenset(
    {"gb2312", "gb_2312", "gb_2312-80", "gbk", "x-gbk", "cp936", "gb18030", "euc-cn", "936"}
)
"""Labels decoded as GB18030, the superset of them all."""

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_HEADER_CHARSET_RE = re.compile(r"charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
_META_CHARSET_RE = re.compile(rb"<meta[^>]+?charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)


def decode(content: bytes, content_type: str = "") -> tuple[str, str]:
    """Return ``(text, encoding)``; never raises for undecodable bytes (they become U+FFFD)."""
    if _is_multibyte_utf8(content):
        # Valid UTF-8 with multi-byte sequences is UTF-8 whatever the label says: GBK text is almost
        # never valid UTF-8, while templates copied from old sites often keep charset=gb2312.
        return content.decode("utf-8-sig"), "utf-8"
    best: tuple[int, str, str] | None = None
    for label in candidates(content, content_type):
        text = content.decode(label, errors="replace")
        bad = text.count("\ufffd")
        if best is None or bad < best[0]:
            best = (bad, text, label)
        if bad == 0:
            break
    assert best is not None  # candidates() always ends with utf-8 and gb18030
    return best[1], _public_name(best[2])


def candidates(content: bytes, content_type: str = "") -> list[str]:
    """Codec names to try, in order of evidence, without duplicates."""
    labels: list[str | None] = [_header_charset(content_type), _bom_codec(content), _meta_charset(content)]
    labels += ["utf-8", "gb18030"]
    out: list[str] = []
    for label in labels:
        codec = normalize(label) if label else None
        if codec and codec not in out:
            out.append(codec)
    return out


def normalize(label: str) -> str | None:
    """A Python codec name for a charset label, GB labels mapped to gb18030; None if unknown."""
    label = label.strip().strip("\"'").lower()
    if label in GB_ALIASES:
        return "gb18030"
    if label in ("utf-8-sig", "utf-16"):
        return label
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _header_charset(content_type: str) -> str | None:
    match = _HEADER_CHARSET_RE.search(content_type or "")
    return match.group(1) if match else None


def _bom_codec(content: bytes) -> str | None:
    return next((codec for bom, codec in _BOMS if content.startswith(bom)), None)


def _meta_charset(content: bytes) -> str | None:
    match = _META_CHARSET_RE.search(content[:META_SCAN_BYTES])
    return match.group(1).decode("ascii", "replace") if match else None


def _is_multibyte_utf8(content: bytes) -> bool:
    if content.isascii():
        return False
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _public_name(codec: str) -> str:
    return {"utf-8-sig": "utf-8", "utf-16": "utf-16"}.get(codec, codec)
